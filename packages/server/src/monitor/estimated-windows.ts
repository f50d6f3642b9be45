// Performance estimated without labels (CBPE), per window, from what every window already keeps: its profile's score
// sketch, mapped through a calibrator fitted on the model's newest labelled predictions.
import { estimateBinaryFromHistogram, IsotonicRegression } from '@steward/core';
import { DomainError } from '../spec/domain-error.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { latestLabelledTime, queryPredictions } from '../store/prediction-reads.js';
import { type TimeWindowQuery, timeWindows, type WindowSummary } from './windows.js';

/** Labelled predictions with a score the calibrator learns from (the newest), at least and at most. */
export const MIN_CALIBRATION_ROWS = 100;
export const CALIBRATION_ROWS = 5_000;
/** Rows predicted positive: a score of this or more (as Steward's own classifiers decide). */
export const THRESHOLD = 0.5;

export interface Calibration {
  rows: number;
  from: number;
  to: number;
  method: 'isotonic';
}

export interface EstimatedWindow {
  start: number;
  end: number;
  rows: number;
  labelled: number;
  /** Null when the window has no scores to estimate from. */
  estimated: {
    accuracy: number;
    precision: number;
    recall: number;
    f1: number;
    accuracyStandardError: number;
  } | null;
  /** The realized accuracy, where labels have come. */
  realized: { accuracy: number } | null;
}

/** A request CBPE cannot answer for this model (400: not a binary classifier; 409: nothing to calibrate on yet). */
export class EstimationError extends DomainError {
  constructor(message: string, status: 400 | 409 = 400) {
    super(status, status === 400 ? 'not_estimable' : 'no_calibration_data', message);
  }
}

interface Fitted {
  latest: number;
  calibration: Calibration;
  calibrator: IsotonicRegression;
}
const calibrators = new WeakMap<ModelSpec, Fitted>();

/**
 * The isotonic calibrator of the model's scores: fitted on its newest labelled predictions that have a score (up
 * to CALIBRATION_ROWS, read back a widening span at a time), and fitted again once a window's worth of newer labels
 * has come. What it learns is P(label = positive class | score) as the model is now; it assumes that relation holds
 * in the windows estimated (covariate shift, not concept drift).
 */
async function calibratorOf(store: StoreConnection, spec: ModelSpec): Promise<Fitted> {
  const latest = await latestLabelledTime(store.db, spec.name);
  if (latest === undefined)
    throw new EstimationError(
      `estimating needs labelled predictions with scores to calibrate on, and ${spec.name} has no labels yet`,
      409,
    );
  const held = calibrators.get(spec);
  if (held && latest - held.latest < spec.window) return held;
  const positive = spec.positiveClass ?? spec.classes?.[1] ?? 1;
  let span = 50 * spec.window;
  let rows: Array<{ time: number; score: number; label: unknown }> = [];
  for (;;) {
    const read = await queryPredictions(store.db, spec.name, {
      from: latest + 1 - span,
      to: latest + 1,
      labelled: true,
    });
    rows = read.flatMap((r) => (r.score === null ? [] : [{ time: r.time, score: r.score, label: r.label }]));
    if (rows.length >= CALIBRATION_ROWS || span > 400 * 86_400_000) break;
    span *= 4;
  }
  rows = rows.slice(-CALIBRATION_ROWS);
  if (rows.length < MIN_CALIBRATION_ROWS)
    throw new EstimationError(
      `estimating needs at least ${MIN_CALIBRATION_ROWS} labelled predictions with a score to calibrate on; ${spec.name} has ${rows.length}: log each prediction's score (the probability of ${JSON.stringify(positive)})`,
      409,
    );
  const calibrator = new IsotonicRegression({ outOfBounds: 'clip' }).fit(
    rows.map((r) => r.score),
    rows.map((r) => (String(r.label) === String(positive) ? 1 : 0)),
  );
  const fitted: Fitted = {
    latest,
    calibrator,
    calibration: {
      rows: rows.length,
      from: (rows[0] as (typeof rows)[number]).time,
      to: (rows.at(-1) as (typeof rows)[number]).time,
      method: 'isotonic',
    },
  };
  calibrators.set(spec, fitted);
  return fitted;
}

type Estimated = NonNullable<EstimatedWindow['estimated']>;

function estimateOf(window: WindowSummary, calibrator: IsotonicRegression): Estimated | null {
  const histogram = window.profile?.score?.histogram() ?? [];
  if (histogram.length === 0) return null;
  const e = estimateBinaryFromHistogram(histogram, (scores) => calibrator.predict(scores), {
    threshold: THRESHOLD,
  });
  return {
    accuracy: e.accuracy,
    precision: e.precision,
    recall: e.recall,
    f1: e.f1,
    accuracyStandardError: e.accuracyStandardError,
  };
}

/** One window's estimate (read with its profile), or why there is none: for checks on estimated metrics. */
export async function estimateWindow(
  store: StoreConnection,
  spec: ModelSpec,
  window: WindowSummary,
): Promise<Estimated | string> {
  try {
    const { calibrator } = await calibratorOf(store, spec);
    return estimateOf(window, calibrator) ?? 'no scores in this window to estimate from';
  } catch (error) {
    if (error instanceof EstimationError) return error.message;
    throw error;
  }
}

/**
 * Estimated accuracy, precision, recall and F1 of a binary model per window of the query (NannyML's CBPE), beside the
 * realized accuracy where labels have come; read from the windows' profiles and label states, no prediction rows.
 */
export async function estimatedWindows(
  store: StoreConnection,
  spec: ModelSpec,
  query: TimeWindowQuery,
): Promise<{ calibration: Calibration; windows: EstimatedWindow[] }> {
  if (spec.task !== 'binary')
    throw new EstimationError(
      `performance is estimated without labels for binary classifiers with scores (CBPE); ${spec.name} is ${spec.task === 'regression' ? 'a regression model (direct loss estimation is in @steward/core, not served yet)' : 'multiclass (multiclass CBPE is in @steward/core, not served yet)'}`,
    );
  const { calibrator, calibration } = await calibratorOf(store, spec);
  const windows = await timeWindows(store, spec, query);
  const calibrate = (scores: number[]) => calibrator.predict(scores);
  return {
    calibration,
    windows: windows.map((w) => {
      const histogram = w.profile?.score?.histogram() ?? [];
      const e =
        histogram.length > 0
          ? estimateBinaryFromHistogram(histogram, calibrate, { threshold: THRESHOLD })
          : null;
      return {
        start: w.start,
        end: w.end,
        rows: w.count,
        labelled: w.labelled,
        estimated: e && {
          accuracy: e.accuracy,
          precision: e.precision,
          recall: e.recall,
          f1: e.f1,
          accuracyStandardError: e.accuracyStandardError,
        },
        realized:
          w.labelled > 0 && typeof w.metrics.accuracy === 'number' ? { accuracy: w.metrics.accuracy } : null,
      };
    }),
  };
}
