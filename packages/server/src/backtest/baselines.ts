import type { ClassValue } from '../spec/records.js';
import type { History } from './history.js';
import type { Timeline } from './timeline.js';

/** A baseline's prediction for every scored row (index i is row trainEnd + i); null where it has none. */
export type BaselineOutputs = Array<ClassValue | null>;

/**
 * No-change: each row gets the label of the most recent row served before it whose label had arrived by the time it
 * is served (its prediction time + delay ≤ serving time). Under a delay of a day, that is the label of a day before;
 * with no delay, the previous row's.
 */
export function noChange(history: History, timeline: Timeline): BaselineOutputs {
  const { times, labels } = history;
  const { arrival, trainEnd } = timeline;
  const fallback = trainingFallback(history, timeline);
  const out: BaselineOutputs = [];
  // Arrival times never decrease with the row (a fixed delay on sorted times), so one pointer sweeps them.
  let known = 0;
  let last: ClassValue | null = null;
  for (let i = trainEnd; i < history.rows; i++) {
    const now = times[i] as number;
    // Only rows served before this one: with no delay, a label arrives the moment its row is served.
    while (known < i && (arrival[known] as number) <= now) {
      last = labels[known] ?? last;
      known++;
    }
    out.push(last ?? fallback);
  }
  return out;
}

export interface SeasonalOptions {
  /** The season's length in milliseconds (a day, a week…). */
  period: number;
  /** Combine the last this many known seasons: the most frequent class, or the mean (default 1, the classic rule). */
  seasons?: number;
}

/**
 * Seasonal naive: each row gets the label of the row one period before it (the same hour yesterday, the same hour
 * last week…), going back period by period until one whose label had arrived by serving time; with `seasons` > 1,
 * the most frequent class (or the mean) of that many. A season with no row within one period before its moment is
 * skipped. Rows with no known season get the no-change prediction.
 */
export function seasonalNaive(
  history: History,
  timeline: Timeline,
  options: SeasonalOptions,
): BaselineOutputs {
  const fallback = noChange(history, timeline);
  const out: BaselineOutputs = [];
  for (let i = timeline.trainEnd; i < history.rows; i++)
    out.push(
      seasonalLabel(history, timeline, i, options.period, options.seasons ?? 1) ??
        (fallback[i - timeline.trainEnd] as ClassValue | null),
    );
  return out;
}

/** Row i's seasonal-naive label: the combined labels of the last `seasons` known seasons, or undefined. */
function seasonalLabel(
  history: History,
  timeline: Timeline,
  i: number,
  period: number,
  seasons: number,
): ClassValue | undefined {
  const { times, labels } = history;
  const now = times[i] as number;
  const found: ClassValue[] = [];
  for (let k = 1; found.length < seasons; k++) {
    const moment = now - k * period;
    if (moment < (times[0] as number)) break;
    const j = lastAtOrBefore(times, moment, i);
    if (j < 0 || (times[j] as number) <= moment - period) continue;
    const label = labels[j];
    if (label === null || label === undefined || (timeline.arrival[j] as number) > now) continue;
    found.push(label);
  }
  return found.length === 0 ? undefined : combine(found, history);
}

/** The candidate periods a history is tried with, shortest first. */
export const CANDIDATE_PERIODS = [3_600_000, 86_400_000, 604_800_000, 365 * 86_400_000];

/**
 * The season of a history: of the candidate periods that fit twice into the training span and are longer than two
 * rows' spacing, the one whose seasonal-naive rule scores best on the training rows under the backtest's own label
 * delay (a season shorter than the delay reaches back to a label that has arrived); undefined when none fits.
 */
export function detectPeriod(history: History, timeline: Timeline): number | undefined {
  const { times, labels } = history;
  const span = (times[timeline.trainEnd - 1] as number) - (times[0] as number);
  let best: { period: number; score: number } | undefined;
  for (const period of CANDIDATE_PERIODS) {
    if (period * 2 > span || period <= 2 * timeline.medianStep) continue;
    let score = 0;
    let total = 0;
    for (let i = 0; i < timeline.trainEnd; i++) {
      const truth = labels[i];
      const guess =
        truth === null || truth === undefined ? undefined : seasonalLabel(history, timeline, i, period, 1);
      if (guess === undefined) continue;
      total++;
      score +=
        history.task === 'regression' ? -Math.abs(Number(truth) - Number(guess)) : truth === guess ? 1 : 0;
    }
    if (total === 0) continue;
    if (!best || score / total > best.score) best = { period, score: score / total };
  }
  return best?.period;
}

function lastAtOrBefore(times: Float64Array, moment: number, before: number): number {
  let lo = 0;
  let hi = before;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= moment) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function combine(found: ClassValue[], history: History): ClassValue {
  if (found.length === 1) return found[0] as ClassValue;
  if (history.task === 'regression') return found.reduce<number>((s, v) => s + Number(v), 0) / found.length;
  const counts = new Map<ClassValue, number>();
  for (const v of found) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Ties go to the most recent season's class.
  let best = found[0] as ClassValue;
  for (const v of found) if ((counts.get(v) as number) > (counts.get(best) as number)) best = v;
  return best;
}

/** What a rule predicts when it knows no label yet: the training span's most frequent class, or its mean. */
function trainingFallback(history: History, timeline: Timeline): ClassValue | null {
  const known = history.labels.slice(0, timeline.trainEnd).filter((l): l is ClassValue => l !== null);
  if (known.length === 0) return null;
  if (history.task === 'regression') return known.reduce<number>((s, v) => s + Number(v), 0) / known.length;
  const counts = new Map<ClassValue, number>();
  let best = known[0] as ClassValue;
  for (const v of known) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > (counts.get(best) as number)) best = v;
  }
  return best;
}
