import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { agrawalStream } from '../streams/agrawal.js';
import { conceptDriftStream } from '../streams/concept-drift.js';
import { seaConcept } from '../streams/sea.js';
import {
  createLearner,
  HoeffdingAdaptiveTreeClassifier,
  HoeffdingTreeClassifier,
  restoreModel,
} from './index.js';

/** River's `evaluate.progressive_val_score`: predict each row, then learn it; rows with no prediction are not scored. */
function progressive(
  model: { predictOne(x: number[]): unknown; learnOne(x: number[], y: number): unknown },
  X: number[][],
  y: number[],
): number {
  let right = 0;
  let scored = 0;
  X.forEach((x, i) => {
    const predicted = model.predictOne(x);
    if (predicted !== undefined) {
      scored++;
      if (predicted === y[i]) right++;
    }
    model.learnOne(x, y[i] as number);
  });
  return right / scored;
}

/** The HoeffdingAdaptiveTreeClassifier docstring's stream: SEA 0 → SEA 1 (seed 42), seed 1, position 500, width 50. */
function riverExampleStream() {
  return conceptDriftStream({
    stream: seaConcept({ variant: 0, seed: 42, n: 1000 }),
    driftStream: seaConcept({ variant: 1, seed: 42, n: 1000 }),
    seed: 1,
    position: 500,
    width: 50,
    n: 1000,
  });
}

describe('HoeffdingAdaptiveTreeClassifier', () => {
  test("reproduces River's documented example: progressive accuracy 91.49%", () => {
    // river/tree/hoeffding_adaptive_tree_classifier.py docstring: grace_period=100, delta=1e-5,
    // leaf_prediction='nb', nb_threshold=10, seed=0 on the stream above prints "Accuracy: 91.49%".
    const { X, y } = riverExampleStream();
    const model = new HoeffdingAdaptiveTreeClassifier({
      gracePeriod: 100,
      delta: 1e-5,
      leafPrediction: 'nb',
      nbThreshold: 10,
      seed: 0,
    });
    expect(Math.abs(progressive(model, X, y) - 0.9149)).toBeLessThan(0.005);
  });

  /** Agrawal's rule 0 for 5,000 rows, then rule 2: an abrupt change of concept once the tree has grown. */
  function abruptChange() {
    const before = agrawalStream({ seed: 1, n: 5000, classificationFunction: 0 });
    const after = agrawalStream({ seed: 2, n: 5000, classificationFunction: 2 });
    return { X: [...before.X, ...after.X], y: [...before.y, ...after.y] };
  }

  /** Accuracy, test-then-train, over the rows from `from` on. */
  function accuracyFrom(model: HoeffdingTreeClassifier, X: number[][], y: number[], from: number): number {
    let right = 0;
    X.forEach((x, i) => {
      if (i >= from && model.predictOne(x) === y[i]) right++;
      model.learnOne(x, y[i] as number);
    });
    return right / (X.length - from);
  }

  test('after an abrupt change it grows an alternate subtree, swaps it in and beats a plain Hoeffding tree', () => {
    const { X, y } = abruptChange();
    const adaptive = new HoeffdingAdaptiveTreeClassifier({ seed: 1 });
    const adapted = accuracyFrom(adaptive, X, y, 6000);
    const plain = accuracyFrom(new HoeffdingTreeClassifier(), X, y, 6000);
    expect(adaptive.adaptations.alternates).toBeGreaterThanOrEqual(1);
    expect(adaptive.adaptations.swapped).toBeGreaterThanOrEqual(1);
    // Measured: 0.788 against 0.714.
    expect(adapted - plain).toBeGreaterThan(0.05);
  });

  test('a model file saved mid-stream, after a swap, carries on with identical predictions', () => {
    const { X, y } = abruptChange();
    const model = new HoeffdingAdaptiveTreeClassifier({ seed: 3 });
    for (let i = 0; i < 7000; i++) model.learnOne(X[i] as number[], y[i] as number);
    expect(model.adaptations.alternates).toBeGreaterThanOrEqual(1);
    const copy = restoreModel(JSON.parse(JSON.stringify(model.toJSON()))) as HoeffdingAdaptiveTreeClassifier;
    expect(copy).toBeInstanceOf(HoeffdingAdaptiveTreeClassifier);
    expect(copy.adaptations).toEqual(model.adaptations);
    for (let i = 7000; i < X.length; i++) {
      const x = X[i] as number[];
      expect(copy.predictProba([x])).toEqual(model.predictProba([x]));
      model.learnOne(x, y[i] as number);
      copy.learnOne(x, y[i] as number);
    }
    expect(copy.toJSON()).toEqual(model.toJSON());
  });

  test('is registered as an online learner, and refuses options it cannot use', () => {
    const model = createLearner('HoeffdingAdaptiveTreeClassifier', { gracePeriod: 50 });
    expect(model).toBeInstanceOf(HoeffdingAdaptiveTreeClassifier);
    expect(() => new HoeffdingAdaptiveTreeClassifier({ switchSignificance: 0 })).toThrow(StewardInputError);
    expect(() => new HoeffdingAdaptiveTreeClassifier({ driftWindowThreshold: 0.5 })).toThrow(
      /driftWindowThreshold/,
    );
  });
});
