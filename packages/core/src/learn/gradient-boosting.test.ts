import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { numericRows } from '../../../server/src/testing/datasets.js';
import { StewardInputError } from '../errors.js';
import { accuracy, r2 } from '../metrics/index.js';
import { histogramWorkers } from '../node/histogram-workers.js';
import { seededRandom } from '../stats/random.js';
import { registerHistogramHelpers } from './histogram-threads.js';
import { GradientBoostingClassifier, GradientBoostingRegressor, restoreModel } from './index.js';
import { setTreeKernelsEnabled } from './tree-kernels.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sklearn-learners.json', import.meta.url), 'utf8'),
);
const reference = Object.fromEntries(
  (fixture.histGradientBoosting as { data: string; accuracy: number }[]).map((c) => [c.data, c]),
) as Record<string, { accuracy: number; train?: number[]; test?: number[] }>;

describe('GradientBoostingClassifier is within one point of scikit-learn HistGradientBoosting', () => {
  test('breast cancer, 30% held out', () => {
    const { X, y } = fixture.data.breast_cancer_raw as { X: number[][]; y: number[] };
    const { train, test: held } = reference.breast_cancer as { train: number[]; test: number[] };
    const model = new GradientBoostingClassifier().fit(
      train.map((i) => X[i] as number[]),
      train.map((i) => y[i] as number),
    );
    const acc = accuracy(
      held.map((i) => y[i] as number),
      model.predict(held.map((i) => X[i] as number[])) as number[],
    );
    expect(acc).toBeGreaterThanOrEqual((reference.breast_cancer?.accuracy as number) - 0.01);
  });

  test('Elec2, every fifth row held out (early stopping on: more than 10,000 rows)', () => {
    const rows = numericRows('elec2');
    const train = rows.filter((_, i) => i % 5 !== 0);
    const held = rows.filter((_, i) => i % 5 === 0);
    const model = new GradientBoostingClassifier().fit(
      train.map((r) => r.slice(0, 6)),
      train.map((r) => r[6] as number),
    );
    expect(model.iterations).toBeLessThanOrEqual(100);
    const acc = accuracy(
      held.map((r) => r[6] as number),
      model.predict(held.map((r) => r.slice(0, 6))) as number[],
    );
    expect(acc).toBeGreaterThanOrEqual((reference.elec2?.accuracy as number) - 0.01);
  });
});

describe('sample weights', () => {
  const weighted = fixture.histGradientBoostingWeighted as {
    train: [number, number];
    test: [number, number];
    halfLife: number;
    weightedAccuracy: number;
    unweightedAccuracy: number;
  };

  test("Elec2 weighted by recency: within one point of scikit-learn's accuracy with the same weights", () => {
    const rows = numericRows('elec2');
    const train = rows.slice(...weighted.train);
    const held = rows.slice(...weighted.test);
    const last = train.length - 1;
    const sampleWeight = train.map((_, i) => 0.5 ** ((last - i) / weighted.halfLife));
    const fit = (options: { sampleWeight?: number[] }) =>
      new GradientBoostingClassifier({ maxDepth: 3, maxLeafNodes: 8 }).fit(
        train.map((r) => r.slice(0, 6)),
        train.map((r) => r[6] as number),
        options,
      );
    const score = (model: GradientBoostingClassifier) =>
      accuracy(
        held.map((r) => r[6] as number),
        model.predict(held.map((r) => r.slice(0, 6))) as number[],
      );
    // The weights change the answer by five points here, so matching both is not matching one by chance.
    expect(Math.abs(weighted.weightedAccuracy - weighted.unweightedAccuracy)).toBeGreaterThan(0.03);
    expect(Math.abs(score(fit({ sampleWeight })) - weighted.weightedAccuracy)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(score(fit({})) - weighted.unweightedAccuracy)).toBeLessThanOrEqual(0.01);
  });

  test('a weight of two everywhere fits the same model as none; a weighted baseline is the weighted prior', () => {
    const diabetes = fixture.data.diabetes as { X: number[][]; y: number[] };
    const twos = diabetes.y.map(() => 2);
    const plain = new GradientBoostingRegressor({ maxIter: 20 }).fit(diabetes.X, diabetes.y);
    const doubled = new GradientBoostingRegressor({ maxIter: 20 }).fit(diabetes.X, diabetes.y, {
      sampleWeight: twos,
    });
    expect(doubled.predict(diabetes.X)).toEqual(plain.predict(diabetes.X));
    const iris = fixture.data.iris as { X: number[][]; y: number[] };
    const clf = (sampleWeight?: number[]) =>
      new GradientBoostingClassifier({ maxIter: 10 }).fit(
        iris.X,
        iris.y,
        sampleWeight ? { sampleWeight } : {},
      );
    expect(clf(iris.y.map(() => 2)).predictProba(iris.X)).toEqual(clf().predictProba(iris.X));
    // One class weighing almost nothing: the baseline (before any tree) all but rules it out.
    const light = new GradientBoostingClassifier({ maxIter: 1, learningRate: 1e-9 }).fit(iris.X, iris.y, {
      sampleWeight: iris.y.map((c) => (c === 2 ? 1e-6 : 1)),
    });
    const p = light.predictProba([iris.X[0] as number[]])[0] as Float64Array;
    expect(p[2]).toBeCloseTo(50e-6 / (100 + 50e-6), 12);
  });

  test('bad weights are refused, naming the row', () => {
    const X = [[0], [1], [2]];
    const y = [0, 1, 1];
    const clf = new GradientBoostingClassifier();
    expect(() => clf.fit(X, y, { sampleWeight: [1, 1] })).toThrow(
      /sampleWeight has 2 weights but X has 3 rows/,
    );
    expect(() => clf.fit(X, y, { sampleWeight: [1, -1, 1] })).toThrow(/sampleWeight\[1\] is -1/);
    expect(() => clf.fit(X, y, { sampleWeight: [1, Number.NaN, 1] })).toThrow(/sampleWeight\[1\] is NaN/);
    expect(() => clf.fit(X, y, { sampleWeight: [0, 0, 0] })).toThrow(/sums to zero/);
  });
});

describe('gradient boosting', () => {
  test('multiclass (iris) and regression (diabetes)', () => {
    const iris = fixture.data.iris as { X: number[][]; y: number[] };
    const clf = new GradientBoostingClassifier({ minSamplesLeaf: 5 }).fit(iris.X, iris.y);
    expect(accuracy(iris.y, clf.predict(iris.X) as number[])).toBeGreaterThan(0.97);
    for (const p of clf.predictProba(iris.X.slice(0, 3)))
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const diabetes = fixture.data.diabetes as { X: number[][]; y: number[] };
    const reg = new GradientBoostingRegressor().fit(diabetes.X, diabetes.y);
    expect(r2(diabetes.y, reg.predict(diabetes.X))).toBeGreaterThan(0.6);
  });

  test('warm start keeps the fitted trees and adds iterations up to maxIter', () => {
    const diabetes = fixture.data.diabetes as { X: number[][]; y: number[] };
    const model = new GradientBoostingRegressor({ maxIter: 20 }).fit(diabetes.X, diabetes.y);
    const first = JSON.stringify(model.toJSON().state.trees);
    const before = r2(diabetes.y, model.predict(diabetes.X));
    model.options.maxIter = 40;
    model.fit(diabetes.X, diabetes.y, { warmStart: true });
    expect(model.iterations).toBe(40);
    expect(JSON.stringify(model.toJSON().state.trees.slice(0, 20))).toBe(first);
    expect(r2(diabetes.y, model.predict(diabetes.X))).toBeGreaterThan(before);
    const iris = fixture.data.iris as { X: number[][]; y: number[] };
    const clf = new GradientBoostingClassifier({ maxIter: 5 }).fit(iris.X, iris.y);
    expect(() => clf.fit(iris.X.slice(0, 100), iris.y.slice(0, 100), { warmStart: true })).toThrow(
      /warm start needs the same classes and features/,
    );
  });

  test('a saved model predicts the same; a damaged one is refused', () => {
    const iris = fixture.data.iris as { X: number[][]; y: number[] };
    const clf = new GradientBoostingClassifier({ maxIter: 10 }).fit(iris.X, iris.y);
    const file = JSON.parse(JSON.stringify(clf.toJSON()));
    expect((restoreModel(file) as GradientBoostingClassifier).predictProba(iris.X)).toEqual(
      clf.predictProba(iris.X),
    );
    const broken = JSON.parse(JSON.stringify(file));
    broken.state.trees[0][0].left[0] = 999;
    expect(() => GradientBoostingClassifier.fromJSON(broken)).toThrow(/a tree is malformed/);
    expect(() => new GradientBoostingClassifier({ maxBins: 300 })).toThrow(StewardInputError);
    expect(() => clf.predict([[1, 2]])).toThrow(/X has 2 features but the model was fitted on 4/);
    // Rows are checked without being copied; a bad one is still named, and nothing is fitted from it.
    const fresh = new GradientBoostingClassifier();
    expect(() => fresh.fit([Float64Array.of(1, 2), Float64Array.of(3, Number.NaN)], [0, 1])).toThrow(
      /X\[1\]\[1\] is NaN: features must be finite/,
    );
    expect(() => new GradientBoostingRegressor().fit([[1, 2], [3]], [0, 1])).toThrow(/X\[1\] has 1 features/);
    expect(() => fresh.predict([[1, 2]])).toThrow(/not fitted/);
  });
});

describe('WebAssembly tree kernels', () => {
  test.each([
    ['binary, 7 features', 7, 2],
    ['three classes, 21 features', 21, 3],
  ])('grow the same trees as the JavaScript kernels (%s)', (_, features, classes) => {
    const random = seededRandom(features);
    // An odd number of rows (the histogram pass takes rows in pairs), nodes above and below the chunking size, and
    // records of 5 and 9 words (moved 16 bytes, then 4, at a time).
    const X = Array.from({ length: 40_001 }, () =>
      Float64Array.from({ length: features }, () => Math.round(random() * 1000) / 100),
    );
    const y = X.map(
      (r) =>
        ((r[0] as number) + (r[1] as number) * random() > 6 ? 1 : 0) +
        (classes > 2 && (r[2] as number) > 7 ? 1 : 0),
    );
    const fit = () => new GradientBoostingClassifier({ maxIter: 8, earlyStopping: false, seed: 3 }).fit(X, y);
    const withKernels = fit();
    setTreeKernelsEnabled(false);
    try {
      expect(fit().toJSON().state).toEqual(withKernels.toJSON().state);
    } finally {
      setTreeKernelsEnabled(true);
    }
    expect(accuracy(y, withKernels.predict(X) as number[])).toBeGreaterThan(0.7);
  });
});

describe('helper threads (@steward/core/node)', () => {
  test('give the same trees as one thread: histograms are summed from fixed chunks, partitions joined stably', () => {
    const random = seededRandom(11);
    // Enough rows for a fit to start helpers (100,000), and large nodes are chunked and split across threads.
    const X = Array.from({ length: 110_000 }, () => Float64Array.from({ length: 5 }, () => random() * 2 - 1));
    const y = X.map((r) =>
      (r[0] as number) + (r[1] as number) * (r[2] as number) + 0.4 * random() > 0 ? 1 : 0,
    );
    const fit = () => new GradientBoostingClassifier({ maxIter: 6, earlyStopping: false }).fit(X, y);
    const alone = fit();
    let started = 0;
    registerHistogramHelpers((rows) => {
      started++;
      return histogramWorkers(rows, 1);
    });
    try {
      const helped = fit();
      expect(started).toBe(1);
      expect(helped.toJSON().state).toEqual(alone.toJSON().state);
      // And with the JavaScript kernels on every thread.
      setTreeKernelsEnabled(false);
      const helpedInJs = fit();
      expect(started).toBe(2);
      expect(helpedInJs.toJSON().state).toEqual(alone.toJSON().state);
    } finally {
      setTreeKernelsEnabled(true);
      registerHistogramHelpers(undefined);
    }
    expect(accuracy(y, alone.predict(X) as number[])).toBeGreaterThan(0.8);
  });
});
