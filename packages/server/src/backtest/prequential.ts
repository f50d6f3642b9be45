import type { MetricName, ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, JoinedPrediction } from '../spec/records.js';
import { computeMetrics, type WindowMetrics } from '../window-state/window-metrics.js';
import type { History } from './history.js';
import type { Timeline } from './timeline.js';

/** A strategy's answer for every scored row (index i is row trainEnd + i). */
export interface StrategyOutputs {
  outputs: ReadonlyArray<ClassValue | null>;
  /** Binary: P(positive class), when the strategy gives one for every row. */
  scores?: ReadonlyArray<number | null>;
}

/** The metrics reported for each task (those that need scores only where a strategy gives them). */
export const REPORTED_METRICS: Record<ModelSpec['task'], MetricName[]> = {
  binary: ['accuracy', 'balancedAccuracy', 'f1', 'rocAuc', 'logLoss'],
  multiclass: ['accuracy', 'balancedAccuracy', 'f1'],
  regression: ['mae', 'rmse', 'r2'],
};

/** The rows a backtest scores: after the training span, with a label. */
function scoredRows(history: History, from: number, to: number): number[] {
  const rows: number[] = [];
  for (let i = from; i < to; i++) if (history.labels[i] !== null) rows.push(i);
  return rows;
}

function joined(
  history: History,
  timeline: Timeline,
  strategy: StrategyOutputs,
  rows: readonly number[],
): JoinedPrediction[] {
  const withScores =
    strategy.scores !== undefined && rows.every((i) => strategy.scores?.[i - timeline.trainEnd] !== null);
  // A strategy with no answer for a row (a rule that knows nothing yet) is wrong there: another class, or 0.
  const wrong = (label: ClassValue): ClassValue =>
    history.classes?.find((c) => c !== label) ?? (history.task === 'regression' ? 0 : label);
  return rows.map((i) => ({
    id: '',
    time: history.times[i] as number,
    version: null,
    segment: null,
    features: {},
    output: strategy.outputs[i - timeline.trainEnd] ?? wrong(history.labels[i] as ClassValue),
    score: withScores ? (strategy.scores?.[i - timeline.trainEnd] as number) : null,
    proba: null,
    label: history.labels[i] as ClassValue,
  }));
}

/** Prequential metrics over every scored row: each row judged by what was served before its label was known. */
export function prequentialMetrics(
  spec: ModelSpec,
  history: History,
  timeline: Timeline,
  strategy: StrategyOutputs,
): Partial<Record<MetricName, number>> {
  const rows = scoredRows(history, timeline.trainEnd, history.rows);
  return pick(spec, computeMetrics(spec, joined(history, timeline, strategy, rows)));
}

function pick(spec: ModelSpec, metrics: WindowMetrics): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const name of REPORTED_METRICS[spec.task]) {
    const v = metrics[name];
    if (typeof v === 'number') out[name] = v;
  }
  return out;
}

/** Report windows: consecutive groups of cadence steps, at most `maxWindows` of them. */
export interface ReportWindows {
  /** Start time of each window (epoch ms). */
  start: number[];
  /** First row of each window, and one past the last (rows[k]..rows[k+1]). */
  bounds: number[];
}

export function reportWindows(timeline: Timeline, maxWindows = 400): ReportWindows {
  const group = Math.max(1, Math.ceil(timeline.ticks.length / maxWindows));
  const start: number[] = [];
  const bounds: number[] = [];
  for (let k = 0; k < timeline.ticks.length; k += group) {
    const tick = timeline.ticks[k] as (typeof timeline.ticks)[number];
    start.push(tick.at);
    bounds.push(tick.from);
  }
  bounds.push(timeline.ticks[timeline.ticks.length - 1]?.to ?? timeline.trainEnd);
  return { start, bounds };
}

/** The metric in each report window (null where it is undefined, such as a window without labels). */
export function windowSeries(
  spec: ModelSpec,
  metric: MetricName,
  history: History,
  timeline: Timeline,
  windows: ReportWindows,
  strategy: StrategyOutputs,
  /** Each point covers its window and the `smooth - 1` before it (a rolling value). */
  smooth = 1,
): Array<number | null> {
  const values: Array<number | null> = [];
  for (let k = 0; k < windows.start.length; k++) {
    const from = windows.bounds[Math.max(0, k + 1 - smooth)] as number;
    const to = windows.bounds[k + 1] as number;
    const rows = scoredRows(history, from, to);
    const v =
      rows.length === 0 ? null : computeMetrics(spec, joined(history, timeline, strategy, rows))[metric];
    values.push(typeof v === 'number' ? v : null);
  }
  return values;
}

export function windowRows(history: History, windows: ReportWindows): number[] {
  return windows.start.map(
    (_, k) => scoredRows(history, windows.bounds[k] as number, windows.bounds[k + 1] as number).length,
  );
}
