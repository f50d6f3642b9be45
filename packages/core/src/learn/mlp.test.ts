import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { accuracy, r2 } from '../metrics/index.js';
import { seededRandom } from '../stats/random.js';
import { LogisticRegression, MLPClassifier, MLPRegressor, restoreModel } from './index.js';

const random = seededRandom(21);
/** Two concentric rings: no straight line separates them. */
function rings(n: number) {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2 === 0;
    const radius = (inner ? 1 : 2.2) + 0.25 * (random() - 0.5);
    const angle = 2 * Math.PI * random();
    X.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
    y.push(inner ? 1 : 0);
  }
  return { X, y };
}

describe('MLPClassifier', () => {
  test('separates rings that a linear model cannot', () => {
    const train = rings(600);
    const test_ = rings(400);
    const linear = new LogisticRegression().fit(train.X, train.y);
    const mlp = new MLPClassifier({ hiddenLayers: [16, 16], learningRate: 0.01, seed: 1 }).fit(
      train.X,
      train.y,
    );
    expect(accuracy(test_.y, linear.predict(test_.X) as number[])).toBeLessThan(0.7);
    expect(accuracy(test_.y, mlp.predict(test_.X) as number[])).toBeGreaterThan(0.95);
    expect(mlp.lossCurve.length).toBeGreaterThan(5);
    expect(mlp.lossCurve[mlp.lossCurve.length - 1]).toBeLessThan(mlp.lossCurve[0] as number);
  });

  test('the same seed trains the same network; a saved network predicts the same', () => {
    const data = rings(200);
    const a = new MLPClassifier({ hiddenLayers: [8], maxIter: 30, seed: 4 }).fit(data.X, data.y);
    const b = new MLPClassifier({ hiddenLayers: [8], maxIter: 30, seed: 4 }).fit(data.X, data.y);
    expect(a.toJSON()).toEqual(b.toJSON());
    const restored = restoreModel(JSON.parse(JSON.stringify(a.toJSON()))) as MLPClassifier;
    expect(restored.predictProba(data.X)).toEqual(a.predictProba(data.X));
  });

  test('transfer learning: frozen lower layers stay fixed while the top learns a new task', () => {
    const base = rings(600);
    const pretrained = new MLPClassifier({ hiddenLayers: [24, 24], learningRate: 0.01, seed: 2 }).fit(
      base.X,
      base.y,
    );
    // The new task labels the rings the other way round: the learnt features still separate them.
    const task = rings(600);
    const shifted = { X: task.X, y: task.y.map((v) => 1 - v) };
    const before = accuracy(shifted.y, pretrained.predict(shifted.X) as number[]);
    const file = pretrained.toJSON();
    const tuned = MLPClassifier.fromJSON({ ...file, params: { ...file.params, frozenLayers: 1 } });
    const firstLayer = tuned.layers?.[0]?.W.slice();
    tuned.fit(shifted.X, shifted.y, { warmStart: true });
    expect(tuned.layers?.[0]?.W).toEqual(firstLayer);
    expect(tuned.layers?.[2]?.W).not.toEqual(pretrained.layers?.[2]?.W);
    expect(before).toBeLessThan(0.1);
    expect(accuracy(shifted.y, tuned.predict(shifted.X) as number[])).toBeGreaterThan(0.95);
  });

  test('partialFit learns online; early stopping keeps the best epoch', () => {
    const data = rings(800);
    const online = new MLPClassifier({ hiddenLayers: [16, 16], learningRate: 0.01, seed: 3 });
    for (let epoch = 0; epoch < 60; epoch++) {
      for (let start = 0; start < 800; start += 100)
        online.partialFit(data.X.slice(start, start + 100), data.y.slice(start, start + 100), [0, 1]);
    }
    expect(accuracy(data.y, online.predict(data.X) as number[])).toBeGreaterThan(0.9);
    const early = new MLPClassifier({
      hiddenLayers: [16],
      earlyStopping: true,
      learningRate: 0.01,
      seed: 3,
    }).fit(data.X, data.y);
    expect(early.validationScores.length).toBe(early.lossCurve.length);
    expect(early.validationScores.length).toBeLessThan(200);
  });

  test('bad input', () => {
    expect(() => new MLPClassifier({ hiddenLayers: [0] })).toThrow(
      /MLPClassifier option hiddenLayers must be a list of integers >= 1, got \[0\]/,
    );
    expect(() => new MLPClassifier({ frozenLayers: 3 })).toThrow(
      /frozenLayers must be an integer from 0 to 1/,
    );
    expect(() => new MLPClassifier().predict([[1, 2]])).toThrow(StewardInputError);
    const fitted = new MLPClassifier({ hiddenLayers: [4], maxIter: 5 }).fit(
      [
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      ['a', 'b', 'a'],
    );
    expect(() => fitted.predict([[1, 2, 3]])).toThrow(/X has 3 features but the network takes 2/);
    expect(() => fitted.partialFit([[0, 1]], ['z'])).toThrow(/do not match the network's classes/);
    expect(() =>
      MLPClassifier.fromJSON({ ...fitted.toJSON(), state: { classes: ['a', 'b'], layers: [] } }),
    ).toThrow(/expected 2 layers/);
  });
});

describe('MLPRegressor', () => {
  test('fits a sine wave', () => {
    const X = Array.from({ length: 400 }, (_, i) => [(i / 400) * 2 * Math.PI]);
    const y = X.map(([x]) => Math.sin(x as number));
    const mlp = new MLPRegressor({
      hiddenLayers: [32, 32],
      activation: 'tanh',
      learningRate: 0.01,
      maxIter: 500,
      seed: 5,
    }).fit(X, y);
    expect(r2(y, mlp.predict(X))).toBeGreaterThan(0.97);
  });
});
