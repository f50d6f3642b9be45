import { StewardInputError } from '../../errors.js';
import type { AnyOptionsSpec } from '../../options.js';
import { createChecked, lookup } from '../../registry-lookup.js';
import type { AnomalyMethodDefinition } from './definition.js';
import { ewmaChart } from './ewma-chart.js';
import { robustZScore } from './robust-z-score.js';
import { seasonalZScore } from './seasonal-z-score.js';
import type { SeriesAnomalyDetector } from './types.js';

/** Every anomaly method, by name: adding one is its file and one line here. */
const DEFINITIONS = [robustZScore, ewmaChart, seasonalZScore] as const;

export type AnomalyMethod = (typeof DEFINITIONS)[number]['name'];

export interface RegisteredAnomalyMethod
  extends Omit<AnomalyMethodDefinition, 'name' | 'options' | 'defaults' | 'create' | 'restore'> {
  readonly name: AnomalyMethod;
  readonly options: AnyOptionsSpec;
  readonly defaults: Readonly<Record<string, unknown>>;
  create(options: object): SeriesAnomalyDetector;
  restore(json: never): SeriesAnomalyDetector;
}

export const ANOMALY_METHODS: ReadonlyMap<AnomalyMethod, RegisteredAnomalyMethod> = new Map(
  DEFINITIONS.map((d): [AnomalyMethod, RegisteredAnomalyMethod] => [d.name, d]),
);

export const ANOMALY_METHOD_NAMES: readonly AnomalyMethod[] = [...ANOMALY_METHODS.keys()];

/** The method a check uses when it names none. */
export const DEFAULT_ANOMALY_METHOD: AnomalyMethod = robustZScore.name;

/** A new detector for a metric's series by method name, its options checked against the method's spec. */
export function createAnomalyDetector(method: string, options?: unknown): SeriesAnomalyDetector {
  return createChecked(lookup('anomaly method', 'method', ANOMALY_METHODS, method), options);
}

/** Rebuilds an anomaly detector from its saved state (`toJSON()`), whatever its method. */
export function restoreAnomalyDetector(json: { kind: string }): SeriesAnomalyDetector {
  const definition = DEFINITIONS.find((d) => d.stateKind === json?.kind);
  if (!definition) {
    throw new StewardInputError(
      `unknown anomaly detector state '${String(json?.kind)}': expected one of ${DEFINITIONS.map((d) => d.stateKind).join(', ')}`,
      'kind',
    );
  }
  return definition.restore(json as never);
}
