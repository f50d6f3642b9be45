import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import type { History } from './history.js';

/** Accuracy a replay's server estimated for one window (CBPE) when the window closed, from the labels it had then. */
export interface WindowEstimate {
  start: number;
  end: number;
  accuracy: number;
  standardError: number;
}

/** How the estimated accuracy tracked the realized one over a replay, and what an estimated check would have seen. */
export interface EstimationTracking {
  metric: 'accuracy';
  /** Windows with an estimate and at least one labelled row. */
  windows: number;
  /** Mean |estimated − realized| per window. */
  meanAbsoluteError: number;
  /** Share of windows whose realized accuracy lies within the estimate ± 1.96 standard errors. */
  coverage: number;
  /** The policy's realized accuracy check, the one an estimated twin is compared with; null when it has none. */
  check: {
    name: string;
    min: number;
    /** Runs of consecutive windows whose realized accuracy was below `min` (with at least `minLabels` labels). */
    episodes: number;
    /** Episodes in which the estimate also fell below `min`. */
    flagged: number;
    /**
     * Mean lead of the estimated alert over the realized one, in windows, over flagged episodes: the realized check
     * alerts once the first bad window's labels are in (its close plus the labels' wait), the estimated one when the
     * first window it flags closes.
     */
    meanLeadWindows: number | null;
    /** Windows the estimate put below `min` whose realized accuracy was not. */
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
    return r ? [{ ...e, realized: r.correct / r.labelled, labelled: r.labelled }] : [];
  });
  if (pairs.length === 0) return null;
  let absolute = 0;
  let covered = 0;
  for (const p of pairs) {
    const error = Math.abs(p.accuracy - p.realized);
    absolute += error;
    if (error <= Z95 * p.standardError) covered++;
  }
  const floor = spec.checks.find(
    (c) => c.type === 'metric' && c.metric === 'accuracy' && !c.estimated && c.min !== undefined,
  );
  return {
    metric: 'accuracy',
    windows: pairs.length,
    meanAbsoluteError: absolute / pairs.length,
    coverage: covered / pairs.length,
    check:
      floor?.type === 'metric' && floor.min !== undefined
        ? {
            name: floor.name,
            min: floor.min,
            ...alertLeads(pairs, floor.min, floor.minLabels, spec.window, input.labelWaitMs),
          }
        : null,
  };
}

function realizedPerWindow({ spec, history, outputs, trainEnd }: TrackingInput) {
  const byWindow = new Map<number, { labelled: number; correct: number }>();
  for (let i = trainEnd; i < history.rows; i++) {
    const label = history.labels[i];
    const output = outputs[i - trainEnd];
    if (label === null || label === undefined || output === null || output === undefined) continue;
    const start = windowStart(history.times[i] as number, spec.window);
    const w = byWindow.get(start) ?? { labelled: 0, correct: 0 };
    w.labelled++;
    if (output === label) w.correct++;
    byWindow.set(start, w);
  }
  return byWindow;
}

interface Pair extends WindowEstimate {
  realized: number;
  labelled: number;
}

function alertLeads(pairs: readonly Pair[], min: number, minLabels: number, window: number, wait: number) {
  const judged = pairs.filter((p) => p.labelled >= minLabels);
  let episodes = 0;
  let flagged = 0;
  let lead = 0;
  let falseAlarms = 0;
  for (let i = 0; i < judged.length; ) {
    const p = judged[i] as Pair;
    if (p.realized >= min) {
      if (p.accuracy < min) falseAlarms++;
      i++;
      continue;
    }
    // An episode: consecutive judged windows (no gap in time) below the floor.
    let j = i;
    while (
      j + 1 < judged.length &&
      (judged[j + 1] as Pair).realized < min &&
      (judged[j + 1] as Pair).start === (judged[j] as Pair).end
    )
      j++;
    episodes++;
    const realizedAlert = p.end + wait;
    const first = judged.slice(i, j + 1).find((w) => w.accuracy < min);
    if (first) {
      flagged++;
      lead += (realizedAlert - first.end) / window;
    }
    i = j + 1;
  }
  return { episodes, flagged, meanLeadWindows: flagged > 0 ? lead / flagged : null, falseAlarms };
}
