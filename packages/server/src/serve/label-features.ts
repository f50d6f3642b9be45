import { lowerBound, upperBound } from '@steward/core';
import { positiveClass } from '../spec/model-classes.js';
import type { LabelFeatureSpec, ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue, KnownLabel } from '../spec/records.js';

export type { KnownLabel };

export interface LabelFeature {
  name: string;
  from: LabelFeatureSpec;
}

/** The model's features that Steward computes from its labels, in schema order. */
export function labelFeaturesOf(spec: ModelSpec): LabelFeature[] {
  const out: LabelFeature[] = [];
  for (const f of spec.features) if (f.fromLabels) out.push({ name: f.name, from: f.fromLabels });
  return out;
}

/**
 * The spans of prediction time the `samePeriod` features of a row at time t read: [t − period − within, t − period]
 * for each distinct period, so serving reads those few labels, not every label since the longest period.
 */
export function samePeriodReaches(
  features: readonly LabelFeature[],
): Array<{ period: number; within: number }> {
  const reaches = new Map<string, { period: number; within: number }>();
  for (const { from } of features)
    if (from.kind === 'samePeriod')
      reaches.set(`${from.period}/${from.within}`, { period: from.period, within: from.within });
  return [...reaches.values()];
}

/** The most labels a `last` or `rate` feature reads: the newest this many known labels. */
export function newestNeeded(features: readonly LabelFeature[]): number {
  let n = 0;
  for (const { from } of features)
    n = Math.max(n, from.kind === 'rate' ? from.last : from.kind === 'last' ? 1 : 0);
  return n;
}

/**
 * Each row's label features, computed only from labels known by the row's time (`knownAt <= time`) whose
 * prediction came before the row (`label.time < time`), so a feature never sees a label that arrived later: the
 * same function serves (over the store's labels) and builds a backtest's training rows (over the history's).
 * Binary labels read 1 for the positive class, 0 otherwise; regression labels are their value; multiclass `last`
 * and `samePeriod` are the class as a category. A feature with no label to read is its `unknown` value, or null
 * (missing) without one.
 */
export function computeLabelFeatures(
  spec: ModelSpec,
  features: readonly LabelFeature[],
  times: ArrayLike<number>,
  labels: readonly KnownLabel[],
): Array<Record<string, FeatureValue>> {
  const encode = labelEncoder(spec);
  const scores = features.map(({ from }) => (from.kind === 'rate' ? rateScore(spec, from.class) : undefined));
  const byArrival = [...labels].sort((a, b) => a.knownAt - b.knownAt || a.time - b.time);
  const order = Array.from({ length: times.length }, (_, i) => i).sort(
    (a, b) => (times[a] as number) - (times[b] as number),
  );
  // The labels known so far, ordered by their prediction's time.
  const knownTimes: number[] = [];
  const knownValues: ClassValue[] = [];
  const out: Array<Record<string, FeatureValue>> = new Array(times.length);
  let next = 0;
  for (const row of order) {
    const t = times[row] as number;
    while (next < byArrival.length && (byArrival[next] as KnownLabel).knownAt <= t) {
      const label = byArrival[next++] as KnownLabel;
      const at = upperBound(knownTimes, label.time);
      knownTimes.splice(at, 0, label.time);
      knownValues.splice(at, 0, label.value);
    }
    const before = lowerBound(knownTimes, t);
    const values: Record<string, FeatureValue> = {};
    features.forEach(({ name, from }, f) => {
      const unknown = from.unknown ?? null;
      if (from.kind === 'last')
        values[name] = before > 0 ? encode(knownValues[before - 1] as ClassValue) : unknown;
      else if (from.kind === 'rate') {
        const start = Math.max(0, before - from.last);
        if (start === before) values[name] = unknown;
        else {
          const score = scores[f] as (value: ClassValue) => number;
          let sum = 0;
          for (let k = start; k < before; k++) sum += score(knownValues[k] as ClassValue);
          values[name] = sum / (before - start);
        }
      } else {
        const target = t - from.period;
        const at = Math.min(before, upperBound(knownTimes, target)) - 1;
        values[name] =
          at >= 0 && (knownTimes[at] as number) >= target - from.within
            ? encode(knownValues[at] as ClassValue)
            : unknown;
      }
    });
    out[row] = values;
  }
  return out;
}

function labelEncoder(spec: ModelSpec): (value: ClassValue) => FeatureValue {
  if (spec.task === 'regression') return (value) => Number(value);
  if (spec.task === 'binary') {
    const positive = positiveClass(spec);
    return (value) => (value === positive ? 1 : 0);
  }
  return (value) => String(value);
}

function rateScore(spec: ModelSpec, counted: ClassValue | undefined): (value: ClassValue) => number {
  if (spec.task === 'regression') return (value) => Number(value);
  const target = counted ?? positiveClass(spec);
  return (value) => (value === target ? 1 : 0);
}
