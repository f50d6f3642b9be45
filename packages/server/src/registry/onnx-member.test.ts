import { LogisticRegression, WeightedAverage } from '@steward/core';
import { expect, test } from 'vitest';
import { loadModel, onnxMember } from './onnx-member.js';
import { loadOnnxModel } from './onnx-model.js';

const path = new URL('./fixtures/classifier.onnx', import.meta.url).pathname;

test('an ONNX classifier joins a weighted average, which saves and loads with it', async () => {
  const onnx = onnxMember(await loadOnnxModel(path), {
    path,
    probabilities: 'probability',
    classes: [0, 1, 2],
  });
  // A logistic regression learns the ONNX model's own labels on a grid of points, then the two are fused.
  const X = Array.from({ length: 400 }, (_, i) => [((i % 20) - 10) / 4, (Math.floor(i / 20) - 10) / 4]);
  const labels = (await onnx.predict(X)) as number[];
  const lr = new LogisticRegression().fit(X, labels);
  const fused = new WeightedAverage([onnx, lr], [1, 3]);
  expect(() => fused.predictProba(X)).toThrow(/member 0 answers asynchronously/);
  const proba = await fused.predictProbaAsync(X.slice(0, 5));
  const a = (await onnx.predictProba?.(X.slice(0, 5))) as Float64Array[];
  const b = lr.predictProba(X.slice(0, 5));
  for (let r = 0; r < 5; r++) {
    for (let k = 0; k < 3; k++) {
      expect(proba[r]?.[k]).toBeCloseTo(0.25 * (a[r]?.[k] as number) + 0.75 * (b[r]?.[k] as number), 12);
    }
  }
  await fused.fitWeightsAsync(X, labels);
  expect((fused.weights[0] as number) + (fused.weights[1] as number)).toBeCloseTo(1, 12);
  const again = (await loadModel(JSON.parse(JSON.stringify(fused.toJSON())))) as unknown as WeightedAverage;
  expect(await again.predictAsync(X)).toEqual(await fused.predictAsync(X));
  expect(() =>
    onnxMember(
      {
        inputs: [],
        outputs: [],
        takes: 'numbers',
        predict: async () => ({}),
        predictText: async () => ({}),
        close: async () => {},
      },
      { path, probabilities: 'p', classes: [0] },
    ),
  ).toThrow(/has no output 'p'/);
});
