import { expect, test } from 'vitest';
import { elec2Matrix } from '../../../server/src/testing/datasets.js';
import { accuracy } from '../metrics/index.js';
import { GradientBoostingClassifier, type Member, SGDClassifier, WeightedAverage } from './index.js';

// Elec2 in time order. At row 20,000 a gradient-boosting model is fitted on everything so far and then frozen
// (the production model), while an SGD model keeps learning from every half-hour (test-then-train). Their fusion
// weight is chosen on the two weeks after the cut, by accuracy, on a grid of 0.0, 0.1, …, 1.0; the three are then
// compared on the rest of the stream, which neither the weight nor the frozen model has seen.
test('fusing a frozen model with an online one beats both on the rest of Elec2', () => {
  const { X, y } = elec2Matrix();
  const cut = 20_000;
  const validation = 2 * 7 * 48;
  const frozen = new GradientBoostingClassifier({ seed: 1 }).fit(X.slice(0, cut), y.slice(0, cut));
  const online = new SGDClassifier({ loss: 'log_loss', learningRate: 'constant', eta0: 0.05, seed: 1 }).fit(
    X.slice(cut - 1440, cut),
    y.slice(cut - 1440, cut),
  );
  const frozenProba = frozen.predictProba(X.slice(cut));
  const onlineProba: Float64Array[] = [];
  for (let i = cut; i < X.length; i++) {
    const row = [X[i] as number[]];
    onlineProba.push(online.predictProba(row)[0] as Float64Array);
    online.partialFit(row, [y[i] as number]);
  }
  // Each member's recorded probabilities, served as a fitted model for the fusion.
  const recorded = (p: Float64Array[]): Member => ({
    classes: [0, 1],
    predict: () => [],
    predictProba: () => p,
    toJSON: () => ({}) as never,
  });
  const fused = (from: number, to: number, w: number) =>
    new WeightedAverage(
      [recorded(frozenProba.slice(from, to)), recorded(onlineProba.slice(from, to))],
      [w, 1 - w],
    ).predict(X.slice(cut + from, cut + to)) as number[];
  const truthOf = (from: number, to: number) => y.slice(cut + from, cut + to);
  let weight = 0;
  let bestValidation = -1;
  for (let k = 0; k <= 10; k++) {
    const w = k / 10;
    const a = accuracy(truthOf(0, validation), fused(0, validation, w));
    if (a > bestValidation) [bestValidation, weight] = [a, w];
  }
  const end = X.length - cut;
  const truth = truthOf(validation, end);
  const frozenAccuracy = accuracy(truth, fused(validation, end, 1));
  const onlineAccuracy = accuracy(truth, fused(validation, end, 0));
  const fusedAccuracy = accuracy(truth, fused(validation, end, weight));
  expect(weight).toBeGreaterThan(0);
  expect(weight).toBeLessThan(1);
  expect(fusedAccuracy).toBeGreaterThan(Math.max(frozenAccuracy, onlineAccuracy) + 0.01);
});
