import { describe, expect, test } from 'vitest';
import { explainedVariance, mae, mape, mse, r2, rmse } from './regression.js';
import { RegressionState } from './regression-state.js';
import { expectClose, fixtureData, randomSplit, seededRandom } from './test-helpers.js';

describe('RegressionState', () => {
  test.each(['reg_1000', 'reg_100000'])('merged splits of %s equal the one-shot metrics to 1e-9', (name) => {
    const d = fixtureData[name];
    const [y, pred, w] = [d.y as number[], d.pred as number[], d.w as number[]];
    for (const weights of [undefined, w]) {
      const opts = { sampleWeight: weights };
      const expected = [
        mse(y, pred, opts),
        rmse(y, pred, opts),
        mae(y, pred, opts),
        mape(y, pred, opts),
        r2(y, pred, opts),
        explainedVariance(y, pred, opts),
      ];
      const merged = new RegressionState();
      for (const [a, b] of randomSplit(y.length, 9, seededRandom(3))) {
        merged.merge(RegressionState.from(y.slice(a, b), pred.slice(a, b), weights?.slice(a, b)));
      }
      const restored = RegressionState.fromJSON(JSON.parse(JSON.stringify(merged)));
      expectClose(
        [
          restored.mse(),
          restored.rmse(),
          restored.mae(),
          restored.mape(),
          restored.r2(),
          restored.explainedVariance(),
        ],
        expected,
      );
    }
  });

  test('stays accurate on large offsets where naive sums of squares cancel', () => {
    const y = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 5];
    const pred = [1e9, 1e9 + 2.5, 1e9 + 3, 1e9 + 4];
    const s = RegressionState.from(y.slice(0, 1), pred.slice(0, 1)).merge(
      RegressionState.from(y.slice(1), pred.slice(1)),
    );
    expectClose(s.r2(), r2(y, pred));
    expectClose(s.r2(), 0.7428571428571429); // scikit-learn's r2_score
  });

  test('a bad batch changes nothing', () => {
    const s = RegressionState.from([1, 2], [1, 3]);
    const before = JSON.stringify(s);
    expect(() => s.add([1, Number.POSITIVE_INFINITY], [1, 1])).toThrow(/yTrue\[1\] is Infinity/);
    expect(JSON.stringify(s)).toBe(before);
  });

  test('r2 of one sample is NaN, as scikit-learn', () => {
    expect(RegressionState.from([1], [2]).r2()).toBeNaN();
  });
});
