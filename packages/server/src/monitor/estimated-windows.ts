// Performance estimated without labels per window: binary models from each window's profile (its score sketch
// through an isotonic calibrator, no row read), multiclass (CBPE on class probabilities) and regression (DLE on
// features and prediction) from its rows. Each closed window is estimated once, the first time it is asked for
// (by the API, the dashboard or a check), and kept (`estimated_windows`); reads merge the kept states.
import type { ModelSpec } from '../spec/model-spec.js';
import type { JoinedPrediction } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import {
  type EstimatedMetrics,
  type EstimateState,
  mergeStates,
  metricsOf,
} from './estimation/estimate-state.js';
import { type StoredEstimate, storedEstimates, storeEstimates } from './estimation/estimated-window-store.js';
import { EstimationError } from './estimation/estimation-error.js';
import { type Estimator, type EstimatorInfo, estimatorOf, THRESHOLD } from './estimation/estimators.js';
import { windowStart } from './ingestion.js';
import { type TimeWindowQuery, timeWindows, type WindowSummary } from './windows.js';

export { EstimationError } from './estimation/estimation-error.js';
export { CALIBRATION_ROWS, MIN_CALIBRATION_ROWS, THRESHOLD } from './estimation/estimators.js';

/** Rows one read may scan to estimate windows not estimated yet; the rest come with later reads (`pending`). */
export const ESTIMATION_ROW_BUDGET = 200_000;

export interface EstimatedWindow {
  start: number;
  end: number;
  rows: number;
  labelled: number;
  /** Null when the window has nothing to estimate from, or (with `pending`) is not estimated yet. */
  estimated: EstimatedMetrics | null;
  /** The realized metrics the estimate stands for, where labels have come. */
  realized: Partial<
    Record<'accuracy' | 'precision' | 'recall' | 'f1' | 'mae' | 'mse' | 'rmse', number>
  > | null;
  /** Estimated by a later read: this one spent its budget of rows on newer windows. */
  pending?: boolean;
}

export interface EstimatedWindows {
  method: EstimatorInfo['method'];
  /** What the estimator was fitted on (the newest labelled predictions; for kept windows, as of now). */
  calibration: {
    rows: number;
    from: number;
    to: number;
    method: EstimatorInfo['fit'];
    /** Versions calibrated on their own rows (CBPE, when the rows come from several). */
    versions?: Array<{ version: string; rows: number }>;
  };
  /** Binary: rows count as predicted positive from this score. */
  threshold: number | null;
  windows: EstimatedWindow[];
}

const REALIZED = {
  classification: ['accuracy', 'precision', 'recall', 'f1'],
  regression: ['mae', 'mse', 'rmse'],
} as const;

function realizedOf(spec: ModelSpec, window: WindowSummary): EstimatedWindow['realized'] {
  if (window.labelled === 0) return null;
  const names = spec.task === 'regression' ? REALIZED.regression : REALIZED.classification;
  const realized: NonNullable<EstimatedWindow['realized']> = {};
  for (const name of names) {
    const value = window.metrics[name];
    if (typeof value === 'number') realized[name] = value;
  }
  return Object.keys(realized).length > 0 ? realized : null;
}

/**
 * Estimated metrics per window of the query, beside the realized ones where labels have come: accuracy, precision,
 * recall and F1 with the accuracy's standard error (CBPE; binary and multiclass), or MAE, MSE and RMSE with theirs
 * (DLE; regression).
 */
export async function estimatedWindows(
  store: StoreConnection,
  spec: ModelSpec,
  query: TimeWindowQuery,
  now: number,
): Promise<EstimatedWindows> {
  const estimator = await estimatorOf(store, spec);
  const windows = await timeWindows(store, spec, { ...query, profiles: false });
  const states = await keptStates(store, spec, estimator, windows, now);
  return {
    method: estimator.info.method,
    calibration: {
      rows: estimator.info.rows,
      from: estimator.info.from,
      to: estimator.info.to,
      method: estimator.info.fit,
      ...(estimator.info.versions ? { versions: estimator.info.versions } : {}),
    },
    threshold: spec.task === 'binary' ? THRESHOLD : null,
    windows: windows.map((w, i) => {
      const { state, pending } = states[i] as { state: EstimateState | null; pending: boolean };
      return {
        start: w.start,
        end: w.end,
        rows: w.count,
        labelled: w.labelled,
        estimated: state ? metricsOf(state) : null,
        realized: realizedOf(spec, w),
        ...(pending ? { pending } : {}),
      };
    }),
  };
}

/**
 * Each (possibly merged) window's state from the kept estimates of its model-sized windows. A window whose kept
 * estimates do not cover its predictions (not estimated yet, or predictions that came late) is estimated, newest
 * first, within ESTIMATION_ROW_BUDGET rows: from its model windows' profiles (binary: the score sketch) or their
 * rows. Closed model windows are kept (with the count of predictions they covered), the open one is estimated on
 * every read.
 */
async function keptStates(
  store: StoreConnection,
  spec: ModelSpec,
  estimator: Estimator,
  windows: readonly WindowSummary[],
  now: number,
): Promise<Array<{ state: EstimateState | null; pending: boolean }>> {
  if (windows.length === 0) return [];
  const range = { from: (windows[0] as WindowSummary).start, to: (windows.at(-1) as WindowSummary).end };
  const kept = await storedEstimates(store.db, spec.name, range);
  const keptStarts = [...kept.keys()].sort((a, b) => a - b);
  const out: Array<{ state: EstimateState | null; pending: boolean }> = new Array(windows.length);
  let budget = ESTIMATION_ROW_BUDGET;
  const fresh: StoredEstimate[] = [];
  const redone: StoredEstimate[] = [];
  const merged = (states: readonly EstimateState[]) => mergeStates(states.filter((s) => s.rows > 0));
  // Windows and kept starts are both in time order: walk them back together.
  let next = keptStarts.length;
  for (let i = windows.length - 1; i >= 0; i--) {
    const w = windows[i] as WindowSummary;
    while (next > 0 && (keptStarts[next - 1] as number) >= w.end) next--;
    let first = next;
    while (first > 0 && (keptStarts[first - 1] as number) >= w.start) first--;
    const inside = keptStarts.slice(first, next).map((t) => kept.get(t) as StoredEstimate);
    next = first;
    const covered = inside.reduce((n, k) => n + k.windowRows, 0);
    if (w.count === 0 || (covered >= w.count && w.end <= now)) {
      out[i] = { state: merged(inside.map((k) => k.state)), pending: false };
      continue;
    }
    if (w.count > budget) {
      out[i] = { state: inside.length > 0 ? merged(inside.map((k) => k.state)) : null, pending: true };
      continue;
    }
    budget -= w.count;
    const states: EstimateState[] = [];
    for (const part of await modelWindows(store, spec, estimator, w)) {
      const known = kept.get(part.start);
      // A kept estimate stands while it covers its window's predictions: what was estimated then, checks saw.
      if (known && known.windowRows >= part.count) {
        states.push(known.state);
        continue;
      }
      const state = (await part.estimate()) ?? emptyState(spec);
      states.push(state);
      if (part.start + spec.window <= now)
        (known ? redone : fresh).push({
          start: part.start,
          windowRows: part.count,
          state,
          estimator: estimator.info,
        });
    }
    out[i] = { state: merged(states), pending: false };
  }
  await storeEstimates(store.db, spec.name, fresh, now);
  await storeEstimates(store.db, spec.name, redone, now, true);
  return out;
}

/** The model-sized windows inside `w` that have predictions, each with how to estimate it. */
async function modelWindows(
  store: StoreConnection,
  spec: ModelSpec,
  estimator: Estimator,
  w: WindowSummary,
): Promise<
  Array<{
    start: number;
    count: number;
    estimate: () => EstimateState | null | Promise<EstimateState | null>;
  }>
> {
  const { fromProfile, fromRows } = estimator;
  if (fromProfile) {
    const parts = await timeWindows(store, spec, { from: w.start, to: w.end, metrics: false });
    return parts
      .filter((p) => p.count > 0)
      .map((p) => ({ start: p.start, count: p.count, estimate: () => fromProfile(p) }));
  }
  if (!fromRows) throw new Error('an estimator estimates from a window profile or from its rows');
  const rows = await queryPredictions(store.db, spec.name, {
    from: w.start,
    to: w.end,
    features: estimator.needsFeatures,
  });
  const byWindow = new Map<number, JoinedPrediction[]>();
  for (const r of rows) {
    const start = windowStart(r.time, spec.window);
    const group = byWindow.get(start);
    if (group) group.push(r);
    else byWindow.set(start, [r]);
  }
  return [...byWindow].map(([start, group]) => ({
    start,
    count: group.length,
    estimate: () => fromRows(group),
  }));
}

/** The state of a window with predictions but nothing to estimate from (kept, so it is not read again). */
function emptyState(spec: ModelSpec): EstimateState {
  if (spec.task === 'regression')
    return { kind: 'regression', rows: 0, absolute: 0, squared: 0, absoluteVariance: 0, squaredVariance: 0 };
  const k = spec.task === 'binary' ? 2 : (spec.classes?.length ?? 0);
  return {
    kind: 'classification',
    rows: 0,
    confusion: Array.from({ length: k }, () => new Array<number>(k).fill(0)),
    variance: 0,
  };
}

/** One window's estimated metrics (a check's), or why there are none. */
export async function estimateWindow(
  store: StoreConnection,
  spec: ModelSpec,
  window: WindowSummary,
  now: number,
): Promise<EstimatedMetrics | string> {
  try {
    const [estimate] = (await estimatedWindows(store, spec, { from: window.start, to: window.end }, now))
      .windows;
    if (estimate?.estimated) return estimate.estimated;
    return spec.task === 'binary'
      ? 'no scores in this window to estimate from'
      : spec.task === 'multiclass'
        ? 'no class probabilities in this window to estimate from'
        : 'no predictions in this window to estimate from';
  } catch (error) {
    if (error instanceof EstimationError) return error.message;
    throw error;
  }
}
