import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';
import { computeLabelFeatures, type KnownLabel, labelFeaturesOf } from './label-features.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const binary = parseModelSpec({
  name: 'm',
  task: 'binary',
  features: [
    { name: 'x', type: 'numeric' },
    { name: 'last', type: 'numeric', fromLabels: { kind: 'last' } },
    { name: 'rate3', type: 'numeric', fromLabels: { kind: 'rate', last: 3 } },
    { name: 'yesterday', type: 'numeric', fromLabels: { kind: 'samePeriod', period: '1d', within: '1h' } },
  ],
});

// What each feature must be, read straight from its definition: only labels known by the row's time, of
// predictions before it. The fast path must agree with this everywhere.
function reference(t: number, labels: readonly KnownLabel[]): Record<string, FeatureValue> {
  const known = labels.filter((l) => l.knownAt <= t && l.time < t).sort((a, b) => a.time - b.time);
  const up = (l: KnownLabel) => (l.value === 1 ? 1 : 0);
  const newest = known[known.length - 1];
  const last3 = known.slice(-3);
  const sameDay = known.filter((l) => l.time <= t - DAY && l.time >= t - DAY - HOUR);
  const same = sameDay[sameDay.length - 1];
  return {
    last: newest ? up(newest) : null,
    rate3: last3.length === 0 ? null : last3.reduce((s, l) => s + up(l), 0) / last3.length,
    yesterday: same ? up(same) : null,
  };
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('label features', () => {
  const features = labelFeaturesOf(binary);

  it('never read a label that reached Steward after the row: random arrivals against the definition', () => {
    const random = seeded(7);
    const labels: KnownLabel[] = [];
    for (let i = 0; i < 400; i++) {
      const time = i * 30 * 60_000;
      // Delays from nothing to three days, some labels corrected to arrive out of order.
      labels.push({ time, knownAt: time + Math.floor(random() * 3 * DAY), value: random() < 0.5 ? 1 : 0 });
    }
    const times = Array.from({ length: 300 }, () => Math.floor(random() * 400 * 30 * 60_000));
    const values = computeLabelFeatures(binary, features, times, labels);
    times.forEach((t, i) => {
      expect(values[i]).toEqual(reference(t, labels));
    });
  });

  it('count a label known at the row’s time, not one known a millisecond later', () => {
    const labels: KnownLabel[] = [
      { time: 0, knownAt: DAY, value: 1 },
      { time: 10, knownAt: DAY + 1, value: 0 },
    ];
    const [atArrival, after] = computeLabelFeatures(binary, features, [DAY, DAY + 1], labels);
    expect(atArrival).toEqual({ last: 1, rate3: 1, yesterday: 1 });
    expect(after).toEqual({ last: 0, rate3: 0.5, yesterday: 1 });
  });

  it('are missing before any label is known, and samePeriod looks no further back than `within`', () => {
    const labels: KnownLabel[] = [{ time: 0, knownAt: 0, value: 1 }];
    const [none, inside, outside] = computeLabelFeatures(
      binary,
      features,
      [0, DAY + HOUR, DAY + HOUR + 1],
      labels,
    );
    expect(none).toEqual({ last: null, rate3: null, yesterday: null });
    expect(inside?.yesterday).toBe(1);
    expect(outside?.yesterday).toBeNull();
  });

  it('read a multiclass label as its class, and a regression label as its value', () => {
    const multiclass = parseModelSpec({
      name: 'w',
      task: 'multiclass',
      classes: ['rain', 'sun', 'fog'],
      features: [
        { name: 'x', type: 'numeric' },
        { name: 'last', type: 'categorical', fromLabels: { kind: 'last' } },
        { name: 'sunShare', type: 'numeric', fromLabels: { kind: 'rate', last: 2, class: 'sun' } },
      ],
    });
    const weather: KnownLabel[] = (['sun', 'rain', 'sun'] as ClassValue[]).map((value, i) => ({
      time: i,
      knownAt: i,
      value,
    }));
    expect(computeLabelFeatures(multiclass, labelFeaturesOf(multiclass), [10], weather)).toEqual([
      { last: 'sun', sunShare: 0.5 },
    ]);
    const regression = parseModelSpec({
      name: 'r',
      task: 'regression',
      features: [
        { name: 'x', type: 'numeric' },
        { name: 'mean2', type: 'numeric', fromLabels: { kind: 'rate', last: 2 } },
      ],
    });
    const amounts: KnownLabel[] = [3, 5, 10].map((value, i) => ({ time: i, knownAt: i, value }));
    expect(computeLabelFeatures(regression, labelFeaturesOf(regression), [10], amounts)).toEqual([
      { mean2: 7.5 },
    ]);
  });
});

describe('label features in a model spec', () => {
  const spec =
    (feature: object, task = 'binary', extra: object = {}) =>
    () =>
      parseModelSpec({ name: 'm', task, features: [{ name: 'x', type: 'numeric' }, feature], ...extra });

  it('are refused with the type or class that would make them right', () => {
    expect(spec({ name: 'l', type: 'categorical', fromLabels: { kind: 'last' } })).toThrow(
      /a last label feature of a binary model is numeric .*give it type numeric/,
    );
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'rate', last: 5 } }, 'multiclass')).toThrow(
      /needs the class it counts \(fromLabels.class\)/,
    );
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'rate', last: 5, class: 'x' } })).toThrow(
      /fromLabels.class "x" is not one of the model's classes/,
    );
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'samePeriod', period: '0s' } })).toThrow(
      /fromLabels.period must be more than 0/,
    );
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'rate', last: 0 } })).toThrow();
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'nope' } })).toThrow();
    expect(
      spec({ name: 'l', type: 'categorical', fromLabels: { kind: 'last', unknown: -1 } }, 'multiclass'),
    ).toThrow(/fromLabels.unknown is a number for a numeric label feature; this one is the class itself/);
    expect(spec({ name: 'l', type: 'numeric', fromLabels: { kind: 'last', unknown: 'none' } })).toThrow();
  });

  it('take their `unknown` value before a label they read is known, and the label once it is', () => {
    const withUnknown = parseModelSpec({
      name: 'm',
      task: 'binary',
      features: [
        { name: 'last', type: 'numeric', fromLabels: { kind: 'last', unknown: -1 } },
        { name: 'rate3', type: 'numeric', fromLabels: { kind: 'rate', last: 3, unknown: -1 } },
        {
          name: 'yesterday',
          type: 'numeric',
          fromLabels: { kind: 'samePeriod', period: '1d', unknown: 0.5 },
        },
      ],
    });
    const labels: KnownLabel[] = [{ time: 0, knownAt: 10, value: 1 }];
    const [before, after] = computeLabelFeatures(withUnknown, labelFeaturesOf(withUnknown), [5, 20], labels);
    expect(before).toEqual({ last: -1, rate3: -1, yesterday: 0.5 });
    expect(after).toEqual({ last: 1, rate3: 1, yesterday: 0.5 });
  });
});
