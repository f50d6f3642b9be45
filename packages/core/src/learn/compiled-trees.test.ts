import { describe, expect, test } from 'vitest';
import { seededRandom } from '../stats/random.js';
import { predictKernelAvailable, setPredictKernelEnabled } from './compiled-trees.js';
import { GradientBoostingClassifier, GradientBoostingRegressor } from './gradient-boosting.js';

const random = seededRandom(5);
const rows = (n: number, cols: number) =>
  Array.from({ length: n }, () => Float64Array.from({ length: cols }, () => random() * 6 - 3));

function bothWays<T>(predict: () => T): { kernel: T; javascript: T } {
  const kernel = predict();
  setPredictKernelEnabled(false);
  try {
    return { kernel, javascript: predict() };
  } finally {
    setPredictKernelEnabled(true);
  }
}

describe('prediction by the WebAssembly kernel', () => {
  test('gives the JavaScript walk’s scores bit for bit: rows in blocks of eight, a tail, and several calls', () => {
    expect(predictKernelAvailable()).toBe(true);
    const X = rows(6000, 4);
    const y = X.map((r) => Math.abs((r[0] as number) * (r[1] as number)) + (r[2] as number) ** 2 + random());
    const model = new GradientBoostingRegressor({ maxIter: 40, maxLeafNodes: 31, seed: 1 }).fit(X, y);
    // 8192 rows a call: 20,003 rows take three, the last ending in a tail of three rows.
    for (const n of [1, 7, 8, 9, 1003, 20_003]) {
      const Z = rows(n, 4);
      const { kernel, javascript } = bothWays(() => Array.from(model.predict(Z)));
      expect(kernel).toEqual(javascript);
    }
    // Rows at the thresholds themselves go left (x <= threshold), as in the walk.
    const json = model.toJSON() as {
      state: { trees: Array<Array<{ threshold: number[]; left: number[] }>> };
    };
    const tree = json.state.trees[0]?.[0];
    const split = tree?.threshold[0] as number;
    const onSplit = [Float64Array.of(split, split, split, split)];
    const { kernel, javascript } = bothWays(() => Array.from(model.predict(onSplit)));
    expect(kernel).toEqual(javascript);
  });

  test('scores trees that are a single leaf, and every class of a multiclass model', () => {
    const X = rows(3000, 3);
    // A constant target: every tree is one leaf.
    const flat = new GradientBoostingRegressor({ maxIter: 5, earlyStopping: false }).fit(
      X,
      X.map(() => 2.5),
    );
    const one = bothWays(() => Array.from(flat.predict(rows(20, 3))));
    expect(one.kernel).toEqual(one.javascript);
    expect(one.kernel.every((v) => v === 2.5)).toBe(true);
    const y = X.map((r) => ((r[0] as number) > 1 ? 2 : (r[1] as number) > 0 ? 1 : 0));
    const classifier = new GradientBoostingClassifier({ maxIter: 10, earlyStopping: false }).fit(X, y);
    const Z = rows(1001, 3);
    const proba = bothWays(() => classifier.predictProba(Z).map((p) => Array.from(p)));
    expect(proba.kernel).toEqual(proba.javascript);
  });
});
