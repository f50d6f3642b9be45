import { describe, expect, test } from 'vitest';
import { elec2Matrix } from '../../../server/src/testing/datasets.js';
import { StewardInputError } from '../errors.js';
import { AGRAWAL_NOMINAL, agrawalStream } from '../streams/agrawal.js';
import { createLearner, HoeffdingTreeClassifier, restoreModel } from './index.js';

/** River's `evaluate.progressive_val_score`: predict each row, then learn it; rows with no prediction are not scored. */
function progressive(tree: HoeffdingTreeClassifier, X: number[][], y: number[]): number {
  let right = 0;
  let scored = 0;
  X.forEach((x, i) => {
    if (tree.classes.length > 0) {
      scored++;
      if (tree.predict([x])[0] === y[i]) right++;
    }
    tree.learnOne(x, y[i] as number);
  });
  return right / scored;
}

describe('agrawalStream', () => {
  test("draws River's rows: the first five of River's Agrawal docstring (classification_function=0, seed=42)", () => {
    const { X, y } = agrawalStream({ seed: 42, n: 5 });
    // River prints these truncated to four decimals.
    const truncated = X.map((row) => row.map((v) => Math.trunc(v * 1e4) / 1e4));
    expect(truncated).toEqual([
      [103125.4837, 0, 21, 2, 8, 3, 319768.9642, 4, 338349.7437],
      [135983.3438, 0, 25, 4, 14, 0, 423837.7755, 7, 116330.4466],
      [98262.4347, 0, 55, 1, 18, 6, 144088.1244, 19, 139095.3541],
      [133009.0417, 0, 68, 1, 14, 5, 233361.4025, 7, 478606.5361],
      [63757.2908, 16955.9382, 26, 2, 12, 4, 522851.3093, 24, 229712.4398],
    ]);
    expect(y).toEqual([1, 1, 0, 1, 1]);
  });

  test('refuses a rule outside 0–9, naming the option', () => {
    expect(() => agrawalStream({ classificationFunction: 10 })).toThrow(
      /classificationFunction must be an integer from 0 to 9, got 10/,
    );
  });
});

describe('HoeffdingTreeClassifier', () => {
  test("reproduces River's documented example: Agrawal(0, seed 42), 1,000 rows, progressive accuracy 84.58%", () => {
    // river/tree/hoeffding_tree_classifier.py docstring: grace_period=100, delta=1e-5,
    // nominal_attributes=['elevel', 'car', 'zipcode'] → "Accuracy: 84.58%" (845 of 999 scored rows).
    const { X, y } = agrawalStream({ seed: 42, n: 1000 });
    const tree = new HoeffdingTreeClassifier({
      gracePeriod: 100,
      delta: 1e-5,
      nominal: [...AGRAWAL_NOMINAL],
    });
    const accuracy = progressive(tree, X, y);
    expect(Math.abs(accuracy - 0.8458)).toBeLessThanOrEqual(0.005);
    // It grew: rule 0 is about age, which needs two thresholds.
    expect(tree.size.branches).toBeGreaterThanOrEqual(2);
  });

  test('a model file saved mid-stream carries on exactly as the tree it came from', () => {
    const { X, y } = agrawalStream({ classificationFunction: 2, seed: 7, n: 3000 });
    const tree = new HoeffdingTreeClassifier({ gracePeriod: 50, nominal: [...AGRAWAL_NOMINAL] });
    tree.partialFit(X.slice(0, 1500), y.slice(0, 1500));
    const copy = restoreModel(JSON.parse(JSON.stringify(tree.toJSON()))) as HoeffdingTreeClassifier;
    expect(copy).toBeInstanceOf(HoeffdingTreeClassifier);
    const rest = X.slice(1500);
    expect(copy.predictProba(rest)).toEqual(tree.predictProba(rest));
    tree.partialFit(rest, y.slice(1500));
    copy.partialFit(rest, y.slice(1500));
    expect(copy.size).toEqual(tree.size);
    expect(copy.predictProba(X.slice(0, 500))).toEqual(tree.predictProba(X.slice(0, 500)));
  });

  test('on Elec2, test-then-train, it learns as it goes: far above the majority class', () => {
    const { X, y } = elec2Matrix();
    const tree = createLearner('HoeffdingTreeClassifier') as HoeffdingTreeClassifier;
    const accuracy = progressive(tree, X.slice(0, 20_000), y.slice(0, 20_000) as number[]);
    const upShare = y.slice(0, 20_000).filter((v) => v === 1).length / 20_000;
    expect(accuracy).toBeGreaterThan(Math.max(upShare, 1 - upShare) + 0.1);
  });

  test('bad options and labels get errors that name them', () => {
    expect(() => new HoeffdingTreeClassifier({ gracePeriod: 0 })).toThrow(StewardInputError);
    expect(() => new HoeffdingTreeClassifier({ leafPrediction: 'x' as never })).toThrow(/leafPrediction/);
    expect(() => new HoeffdingTreeClassifier().partialFit([[1]], [])).toThrow(
      /y has 0 labels but X has 1 rows/,
    );
  });
});
