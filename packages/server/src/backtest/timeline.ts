import { BacktestInputError } from './backtest-error.js';
import type { History } from './history.js';
import { describeSpan, formatDuration, type Span } from './span.js';

/** One moment the policy may act, and the rows served until the next one. */
export interface Tick {
  /** The clock's time at the tick: labels that arrived by then are in, then the loop ticks. */
  at: number;
  /** Rows [from, to) are served after the tick, each at its own time. */
  from: number;
  to: number;
}

/** When every row is served, when its label arrives, and when the policy may act. */
export interface Timeline {
  /** Rows before this index train version 1 and are not scored by anything. */
  trainEnd: number;
  /** When each row's label arrives (epoch ms); Infinity when it never does (no label, or after the history). */
  arrival: Float64Array;
  ticks: Tick[];
  delay: Span;
  cadence: Span;
  train: Span;
  /** The typical time between rows (the median gap), to turn row counts into durations for the model spec. */
  medianStep: number;
}

export interface TimelineOptions {
  delay: Span;
  cadence: Span;
  train: Span;
}

const MAX_TICKS = 1_000_000;

export function buildTimeline(history: History, options: TimelineOptions): Timeline {
  const { times, rows } = history;
  const { delay, cadence, train } = options;
  const first = times[0] as number;
  const last = times[rows - 1] as number;

  let trainEnd: number;
  if ('rows' in train) trainEnd = train.rows;
  else {
    trainEnd = lowerBound(times, first + train.ms);
  }
  if (trainEnd >= rows)
    throw new BacktestInputError(
      '--train',
      `--train ${describeSpan(train)} covers the whole history (${rows} rows over ${formatDuration(last - first)}): nothing is left to score`,
    );
  if (trainEnd < 2)
    throw new BacktestInputError(
      '--train',
      `--train ${describeSpan(train)} holds ${trainEnd} row(s): version 1 needs more to learn from`,
    );

  const arrival = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    if (history.labels[i] === null) arrival[i] = Number.POSITIVE_INFINITY;
    else if ('ms' in delay) arrival[i] = (times[i] as number) + delay.ms;
    else arrival[i] = i + delay.rows < rows ? (times[i + delay.rows] as number) : Number.POSITIVE_INFINITY;
  }
  const scoredSpan = last - (times[trainEnd] as number);
  if ('ms' in delay ? delay.ms > scoredSpan : delay.rows >= rows - trainEnd)
    throw new BacktestInputError(
      '--delay',
      `--delay ${describeSpan(delay)} is longer than the history after training (${rows - trainEnd} rows over ${formatDuration(scoredSpan)}): no label would arrive`,
    );

  const ticks: Tick[] = [];
  if ('rows' in cadence) {
    for (let from = trainEnd; from < rows; from += cadence.rows)
      ticks.push({ at: times[from] as number, from, to: Math.min(rows, from + cadence.rows) });
  } else {
    const start = Math.floor((times[trainEnd] as number) / cadence.ms) * cadence.ms;
    const count = Math.floor((last - start) / cadence.ms) + 1;
    if (count > MAX_TICKS)
      throw new BacktestInputError(
        '--cadence',
        `--cadence ${describeSpan(cadence)} makes ${count.toLocaleString('en')} steps over the history (at most ${MAX_TICKS.toLocaleString('en')}): choose a longer one`,
      );
    let from = trainEnd;
    for (let k = 0; k < count; k++) {
      const at = start + k * cadence.ms;
      const to = lowerBound(times, at + cadence.ms, from);
      ticks.push({ at, from, to });
      from = to;
    }
  }
  return { trainEnd, arrival, ticks, delay, cadence, train, medianStep: medianGap(times) };
}

/** A span as a duration: rows become rows × the median gap between rows. */
export function spanMs(span: Span, timeline: Pick<Timeline, 'medianStep'>): number {
  return 'ms' in span ? span.ms : span.rows * timeline.medianStep;
}

/** The first index in sorted `values` at or after `from` whose value is ≥ `target`. */
export function lowerBound(values: Float64Array, target: number, from = 0): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function medianGap(times: Float64Array): number {
  if (times.length < 2) return 0;
  const gaps = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) gaps[i - 1] = (times[i] as number) - (times[i - 1] as number);
  gaps.sort();
  const positive = gaps.filter((g) => g > 0);
  return positive.length === 0 ? 0 : (positive[positive.length >> 1] as number);
}
