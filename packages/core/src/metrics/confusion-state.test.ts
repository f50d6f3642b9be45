import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { ConfusionState } from './confusion-state.js';
import type { Label } from './input.js';
import { fixtureData, randomSplit, seededRandom } from './test-helpers.js';

const metricsOf = (s: ConfusionState) => ({
  accuracy: s.accuracy(),
  matrix: s.confusionMatrix(),
  mcc: s.matthewsCorrcoef(),
  balanced: s.balancedAccuracy(),
  micro: s.precisionRecallFscore(1, { average: 'micro' }),
  macro: s.precisionRecallFscore(1, { average: 'macro' }),
  weighted: s.precisionRecallFscore(2, { average: 'weighted' }),
  perClass: s.perClass(),
});

describe('ConfusionState', () => {
  const names = [
    'binary_1000',
    'binary_100000',
    'multi3_5000',
    'multi5_1000',
    'string_multi',
    'string_binary',
    'pred_only_class',
  ];
  test.each(names)('merging the states of any split of %s gives exactly the one-shot metrics', (name) => {
    const d = fixtureData[name];
    const y = d.y as Label[];
    const pred = d.pred as Label[];
    const whole = metricsOf(ConfusionState.from(y, pred));
    const random = seededRandom(name.length);
    for (let trial = 0; trial < 5; trial++) {
      const merged = new ConfusionState();
      for (const [a, b] of randomSplit(y.length, 2 + trial * 3, random)) {
        merged.merge(ConfusionState.from(y.slice(a, b), pred.slice(a, b)));
      }
      expect(metricsOf(merged)).toStrictEqual(whole);
      // and after a round trip through JSON, as the store keeps it
      expect(metricsOf(ConfusionState.fromJSON(JSON.parse(JSON.stringify(merged))))).toStrictEqual(whole);
    }
  });

  test('weighted states merge to the one-shot result up to rounding', () => {
    const d = fixtureData.multi4_5000;
    const [y, pred, w] = [d.y as number[], d.pred as number[], d.w as number[]];
    const whole = ConfusionState.from(y, pred, w);
    const merged = new ConfusionState();
    for (const [a, b] of randomSplit(y.length, 7, seededRandom(7)))
      merged.merge(ConfusionState.from(y.slice(a, b), pred.slice(a, b), w.slice(a, b)));
    expect(merged.f1({ average: 'weighted' })).toBeCloseTo(whole.f1({ average: 'weighted' }), 12);
    expect(merged.matthewsCorrcoef()).toBeCloseTo(whole.matthewsCorrcoef(), 12);
  });

  test('new labels in later batches keep classes sorted and counts in place', () => {
    const s = ConfusionState.from([2, 2], [2, 0]).add([1], [5]);
    expect(s.classes).toEqual([0, 1, 2, 5]);
    expect(s.confusionMatrix()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 1],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
  });

  test('a bad batch is refused whole and changes nothing', () => {
    const s = ConfusionState.from([0, 1, 1], [0, 1, 0]);
    const before = JSON.stringify(s);
    expect(() => s.add([0, 1, 0.5], [0, 1, 1])).toThrow(/yTrue\[2\] is 0.5/);
    expect(() => s.add([0, 1], [0])).toThrow(/yPred has 1 values but yTrue has 2/);
    expect(() => s.add(['a'], ['b'])).toThrow(/counts number labels/);
    expect(() => s.add([0, 1], [1, 0], [1, Number.NaN])).toThrow(/sampleWeight\[1\] is NaN/);
    expect(JSON.stringify(s)).toBe(before);
  });

  test('fromJSON refuses what is not a confusion state', () => {
    expect(() => ConfusionState.fromJSON({ kind: 'regression' } as never)).toThrow(StewardInputError);
    expect(() =>
      ConfusionState.fromJSON({ kind: 'confusion', version: 1, classes: [0, 1], counts: [1, 2, 3] }),
    ).toThrow(/4 values for 2 classes/);
  });

  test('an empty state says the metric is undefined', () => {
    expect(() => new ConfusionState().accuracy()).toThrow(/no samples counted yet/);
  });
});
