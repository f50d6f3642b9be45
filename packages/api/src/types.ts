// The answers' types, as the server sends them and the SDK receives them: inferred from the schemas, never copied.
import type { z } from 'zod';
import type * as responses from './responses.js';

type Answer<K extends keyof typeof responses> = z.output<(typeof responses)[K]>;

export type ColumnView = Answer<'columnView'>;
export type WindowView = Answer<'windowView'>;
export type ModelHealth = Answer<'modelHealth'>;
export type CheckResultView = Answer<'checkResults'>[number];
export type PredictionBatchResult = Answer<'predictionsStored'>;
export type LabelBatchResult = Answer<'labelsStored'>;
export type ModelVersion = Answer<'modelVersion'>;
export type AliasChange = Answer<'aliasChangeView'>;
export type DriftTimelineView = Answer<'driftTimeline'>;
export type DriftCellView = NonNullable<DriftTimelineView['windows'][number]['columns']>[string];
export type FeatureDriftView = Answer<'driftFeature'>;
export type EstimatedWindowsView = Answer<'estimatedWindows'>;
export type AlertView = Answer<'alertView'>;
export type PredictionView = Answer<'predictionView'>;
export type ServedVersionView = Answer<'served'>[number];
export type UpdateRunView = Answer<'updateRun'>;
export type ErrorDetail = z.output<typeof import('./common.js').errorDetail>;
