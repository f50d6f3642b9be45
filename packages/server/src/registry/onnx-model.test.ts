import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tempFile } from '../cli/test-helpers.js';
import { loadOnnxModel } from './onnx-model.js';

// Models and expected outputs made by fixtures/make_models.py (Debian's python3-onnx and numpy).
const fixtures = new URL('./fixtures/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', fixtures), 'utf8'));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));

describe('ONNX models through onnxruntime-node', () => {
  test('describes inputs and outputs', async () => {
    const model = await loadOnnxModel(new URL('classifier.onnx', fixtures).pathname);
    expect(model.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['batch', 2] }]);
    expect(model.outputs).toEqual([
      { name: 'probability', type: 'float32', shape: ['batch', 3] },
      { name: 'label', type: 'int64', shape: ['batch'] },
    ]);
    await model.close();
  });

  test('batched predictions equal numpy, whatever the batch size', async () => {
    const model = await loadOnnxModel(new URL('classifier.onnx', fixtures).pathname);
    for (const batchSize of [1, 3, 1024]) {
      const out = await model.predict(expected.classifier.input, { batchSize });
      expect(out.label).toEqual(expected.classifier.label);
      for (const [r, row] of (out.probability as number[][]).entries()) {
        for (const [k, p] of row.entries())
          expect(close(p, expected.classifier.probability[r][k])).toBe(true);
      }
    }
    await model.close();
    const linear = await loadOnnxModel(new URL('linear.onnx', fixtures).pathname);
    const out = await linear.predict(expected.linear.input);
    for (const [r, row] of (out.value as number[][]).entries()) {
      expect(close(row[0] as number, expected.linear.value[r][0])).toBe(true);
    }
    await linear.close();
  });

  test('clear errors for a missing or corrupt file and for bad rows', async () => {
    await expect(loadOnnxModel('/nope.onnx')).rejects.toThrow(/cannot load ONNX model \/nope.onnx/);
    await expect(loadOnnxModel(tempFile('bad.onnx', 'not a model'))).rejects.toThrow(
      /cannot load ONNX model/,
    );
    const model = await loadOnnxModel(new URL('classifier.onnx', fixtures).pathname);
    await expect(model.predict([[1, 2, 3]])).rejects.toThrow(/row 0 has 3 features but the model takes 2/);
    await expect(model.predict([[1, Number.NaN]])).rejects.toThrow(/row 0, feature 1 is NaN/);
    await model.close();
  });
});
