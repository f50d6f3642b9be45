import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import type { History } from './history.js';

/**
 * What a replay's server estimated for one window when it closed, from the labels it had then: a classifier's
 * accuracy (CBPE) or a regressor's MAE (DLE), with its standard error.
 */
export interface WindowEstimate {
  start: number;
  end: number;
  value: number;
  standardError: number;
}

/** The metric a task's estimate is tracked by. */
export function trackedMetric(task: ModelSpec['task']): 'accuracy' | 'mae' {
  return task === 'regression' ? 'mae' : 'accuracy';
}

/** How the estimated metric tracked the realized one over a replay, and what an estimated check would have seen. */
export interface EstimationTracking {
  metric: 'accuracy' | 'mae';
  /** Windows with an estimate and at least one labelled row. */
  windows: number;
  /** Mean |estimated − realized| per window. */
  meanAbsoluteError: number;
  /** Share of windows whose realized metric lies within the estimate ± 1.96 standard errors. */
  coverage: number;
  /**
   * The policy's realized check on the metric (accuracy with `min`, MAE with `max`), the one an estimated twin is
   * compared with; null when it has none.
   */
  check: {
    name: string;
    /** The bound: accuracy below it, or MAE above it, fails. */
    bound: number;
    /** Runs of consecutive windows whose realized metric was past the bound (with at least `minLabels` labels). */
    episodes: number;
    /** Episodes in which the estimate also went past the bound. */
    flagged: number;
    /**
     * Mean lead of the estimated alert over the realized one, in windows, over flagged episodes: the realized check
     * alerts once the first bad window's labels are in (its close plus the labels' wait), the estimated one when the
     * first window it flags closes.
     */
    meanLeadWindows: number | null;
    /** Windows the estimate put past the bound whose realized metric was not. */
    falseAlarms: number;
  } | null;
}

export interface TrackingInput {
  estimates: readonly WindowEstimate[];
  spec: ModelSpec;
  history: History;
  /** Index i is row trainEnd + i. */
  outputs: ReadonlyArray<ClassValue | null>;
  trainEnd: number;
  /** How long after a window closes its labels are all in (the larger of the label delay and labelGrace). */
  labelWaitMs: number;
}

const Z95 = 1.959963984540054;

export function trackEstimates(input: TrackingInput): EstimationTracking | null {
  const { estimates, spec } = input;
  const realized = realizedPerWindow(input);
  const pairs = estimates.flatMap((e) => {
    const r = realized.get(e.start);
    return r ? [{ ...e, realized: r.sum / r.labelled, labelled: r.labelled }] : [];
  });
  if (pairs.length === 0) return null;
  let absolute = 0;
  let covered = 0;
  for (const p of pairs) {
    const error = Math.abs(p.value - p.realized);
    absolute += error;
    if (error <= Z95 * p.standardError) covered++;
  }
  const metric = trackedMetric(spec.task);
  const bounded = spec.checks.flatMap((c) => {
    if (c.type !== 'metric' || c.metric !== metric || c.estimated) return [];
    const bound = metric === 'mae' ? c.max : c.min;
    return bound === undefined ? [] : [{ name: c.name, bound, minLabels: c.minLabels }];
  })[0];
  // Past the bound: accuracy below `min`, MAE above `max`.
  const past = metric === 'mae' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  return {
    metric,
    windows: pairs.length,
    meanAbsoluteError: absolute / pairs.length,
    coverage: covered / pairs.length,
    check: bounded
      ? {
          name: bounded.name,
          bound: bounded.bound,
          ...alertLeads(pairs, bounded.bound, past, bounded.minLabels, spec.window, input.labelWaitMs),
        }
      : null,
  };
}

/** Per window: the labelled rows and the sum of their metric (1 per correct row; the absolute error). */
function realizedPerWindow({ spec, history, outputs, trainEnd }: TrackingInput) {
  const byWindow = new Map<number, { labelled: number; sum: number }>();
  for (let i = trainEnd; i < history.rows; i++) {
    const label = history.labels[i];
    const output = outputs[i - trainEnd];
    if (label === null || label === undefined || output === null || output === undefined) continue;
    const start = windowStart(history.times[i] as number, spec.window);
    const w = byWindow.get(start) ?? { labelled: 0, sum: 0 };
    w.labelled++;
    w.sum += spec.task === 'regression' ? Math.abs(Number(output) - Number(label)) : output === label ? 1 : 0;
    byWindow.set(start, w);
  }
  return byWindow;
}

interface Pair extends WindowEstimate {
  realized: number;
  labelled: number;
}

function alertLeads(
  pairs: readonly Pair[],
  bound: number,
  past: (value: number, bound: number) => boolean,
  minLabels: number,
  window: number,
  wait: number,
) {
  const judged = pairs.filter((p) => p.labelled >= minLabels);
  let episodes = 0;
  let flagged = 0;
  let lead = 0;
  let falseAlarms = 0;
  for (let i = 0; i < judged.length; ) {
    const p = judged[i] as Pair;
    if (!past(p.realized, bound)) {
      if (past(p.value, bound)) falseAlarms++;
      i++;
      continue;
    }
    // An episode: consecutive judged windows (no gap in time) past the bound.
    let j = i;
    while (
      j + 1 < judged.length &&
      past((judged[j + 1] as Pair).realized, bound) &&
      (judged[j + 1] as Pair).start === (judged[j] as Pair).end
    )
      j++;
    episodes++;
    const realizedAlert = p.end + wait;
    const first = judged.slice(i, j + 1).find((w) => past(w.value, bound));
    if (first) {
      flagged++;
      lead += (realizedAlert - first.end) / window;
    }
    i = j + 1;
  }
  return { episodes, flagged, meanLeadWindows: flagged > 0 ? lead / flagged : null, falseAlarms };
}
