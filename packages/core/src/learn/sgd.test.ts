import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { elec2Matrix } from '../../../server/src/testing/datasets.js';
import { StewardInputError } from '../errors.js';
import { accuracy, r2 } from '../metrics/index.js';
import { SGDClassifier, SGDRegressor } from './index.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sklearn-learners.json', import.meta.url), 'utf8'),
);
const cancer = fixture.data.breast_cancer_scaled as { X: number[][]; y: number[] };
const iris = fixture.data.iris as { X: number[][]; y: number[] };

// Elec2, in time order: six normalised market features and whether the price went UP (1) or DOWN (0).
const { X, y } = elec2Matrix();

describe('SGDClassifier', () => {
  test('incremental learning on Elec2: partialFit in time order beats a model fitted once on the first month', () => {
    const month = 30 * 48;
    // A constant step keeps adapting; 'optimal' decays like 1/t and would freeze the model as the stream goes on.
    const options = { loss: 'log_loss' as const, learningRate: 'constant' as const, eta0: 0.05, seed: 1 };
    const frozen = new SGDClassifier(options).fit(X.slice(0, month), y.slice(0, month));
    const online = new SGDClassifier(options).fit(X.slice(0, month), y.slice(0, month));
    // Prequential (test-then-train) evaluation, one half-hour at a time, as River evaluates online learners.
    const onlinePredictions: number[] = [];
    for (let i = month; i < X.length; i++) {
      const row = [X[i] as number[]];
      onlinePredictions.push(online.predict(row)[0] as number);
      online.partialFit(row, [y[i] as number]);
    }
    const truth = y.slice(month);
    const frozenAccuracy = accuracy(truth, frozen.predict(X.slice(month)) as number[]);
    const onlineAccuracy = accuracy(truth, onlinePredictions);
    expect(frozenAccuracy).toBeLessThan(0.7);
    expect(onlineAccuracy).toBeGreaterThan(frozenAccuracy + 0.1);
  });

  test('learns breast cancer (hinge and log loss) and iris one-vs-rest', () => {
    for (const loss of ['hinge', 'log_loss'] as const) {
      const model = new SGDClassifier({ loss, seed: 3 }).fit(cancer.X, cancer.y);
      expect(accuracy(cancer.y, model.predict(cancer.X) as number[])).toBeGreaterThan(0.95);
    }
    // SGD wants scaled features, as scikit-learn's documentation says: standardise iris first.
    const means = [0, 1, 2, 3].map((j) => iris.X.reduce((a, r) => a + (r[j] as number), 0) / iris.X.length);
    const sds = [0, 1, 2, 3].map((j) =>
      Math.sqrt(
        iris.X.reduce((a, r) => a + ((r[j] as number) - (means[j] as number)) ** 2, 0) / iris.X.length,
      ),
    );
    const scaled = iris.X.map((r) => r.map((v, j) => (v - (means[j] as number)) / (sds[j] as number)));
    const model = new SGDClassifier({ loss: 'log_loss', seed: 3 }).fit(scaled, iris.y);
    expect(model.models).toHaveLength(3);
    expect(accuracy(iris.y, model.predict(scaled) as number[])).toBeGreaterThan(0.85);
    for (const p of model.predictProba(scaled.slice(0, 5))) {
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  test('the same seed gives the same model; a saved model continues its schedule', () => {
    const a = new SGDClassifier({ seed: 9 }).fit(cancer.X, cancer.y);
    const b = new SGDClassifier({ seed: 9 }).fit(cancer.X, cancer.y);
    expect(a.toJSON()).toEqual(b.toJSON());
    // A saved model keeps its weights and its place in the learning-rate schedule (t); the shuffling generator
    // restarts from the seed, so compare runs without shuffling.
    const c = new SGDClassifier({ seed: 9, shuffle: false }).fit(cancer.X, cancer.y);
    const d = SGDClassifier.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    c.partialFit(cancer.X.slice(0, 50), cancer.y.slice(0, 50));
    d.partialFit(cancer.X.slice(0, 50), cancer.y.slice(0, 50));
    expect(d.toJSON()).toEqual(c.toJSON());
  });

  test('bad input', () => {
    expect(() => new SGDClassifier({ learningRate: 'fast' as never })).toThrow(/learningRate must be/);
    expect(() => new SGDClassifier({ learningRate: 'constant' })).toThrow(/needs eta0 > 0/);
    expect(() => new SGDClassifier().partialFit([[1]], [1])).toThrow(/first partialFit needs two classes/);
    const unfitted = new SGDClassifier();
    expect(() => unfitted.partialFit([[1]], [1], { classes: [0, 1] } as never)).toThrow(
      /classes must be an array of labels/,
    );
    expect(() => unfitted.predict([[1]])).toThrow(/not fitted/);
    expect(() => new SGDClassifier().partialFit([[1], [2]], [0, 1]).partialFit([[1]], [5])).toThrow(
      /label 5 is not one of the model's classes/,
    );
    expect(() => new SGDClassifier().fit(cancer.X, cancer.y).predictProba(cancer.X)).toThrow(
      StewardInputError,
    );
    expect(() => new SGDClassifier().fit(cancer.X, cancer.y).predictProba(cancer.X)).toThrow(
      /needs loss 'log_loss'/,
    );
  });
});

describe('SGDRegressor', () => {
  test('fits diabetes close to least squares, and keeps learning with partialFit', () => {
    const { X: Xd, y: yd } = fixture.data.diabetes as { X: number[][]; y: number[] };
    const model = new SGDRegressor({ eta0: 0.1, maxIter: 5000, tol: 1e-6, seed: 2 }).fit(Xd, yd);
    // Least squares reaches R² 0.518 on diabetes; SGD with an L2 penalty gets close.
    expect(r2(yd, model.predict(Xd))).toBeGreaterThan(0.45);
    const online = new SGDRegressor({ eta0: 0.1, seed: 2 });
    for (let epoch = 0; epoch < 200; epoch++) online.partialFit(Xd, yd);
    expect(r2(yd, online.predict(Xd))).toBeGreaterThan(0.45);
    expect(SGDRegressor.fromJSON(JSON.parse(JSON.stringify(online.toJSON()))).predict(Xd)).toEqual(
      online.predict(Xd),
    );
  });

  test('a warm start goes on from the fitted classes: a batch of one class fine-tunes, a new class is refused', () => {
    const base = new SGDClassifier({ loss: 'log_loss', seed: 0 }).fit(X.slice(0, 2000), y.slice(0, 2000));
    const before = base.predictProba(X.slice(2000, 2100));
    const downs = y
      .map((v, i) => [v, i] as const)
      .filter(([v]) => v === 0)
      .slice(0, 300)
      .map(([, i]) => i);
    base.fit(
      downs.map((i) => X[i] as number[]),
      downs.map(() => 0),
      { warmStart: true },
    );
    const after = base.predictProba(X.slice(2000, 2100));
    // Learning only DOWN rows moves every probability of DOWN up.
    expect(after.every((p, i) => (p[0] as number) > ((before[i] as Float64Array)[0] as number))).toBe(true);
    expect(() => base.fit([X[0] as number[]], [7], { warmStart: true })).toThrow(
      /label 7 is not one of the model's classes/,
    );
    expect(() => new SGDClassifier().fit([X[0] as number[]], [0], { warmStart: true })).toThrow(
      /only one class/,
    );
  });
});
