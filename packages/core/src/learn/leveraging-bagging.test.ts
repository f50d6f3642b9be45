import { describe, expect, test } from 'vitest';
import { elec2Matrix } from '../../../server/src/testing/datasets.js';
import { StewardInputError } from '../errors.js';
import { agrawalStream } from '../streams/agrawal.js';
import { conceptDriftStream } from '../streams/concept-drift.js';
import {
  createLearner,
  HoeffdingTreeClassifier,
  LeveragingBaggingClassifier,
  restoreModel,
} from './index.js';

function progressive(
  model: { predict(X: number[][]): unknown[]; learnOne(x: number[], y: number): unknown },
  X: number[][],
  y: number[],
): number {
  let right = 0;
  X.forEach((x, i) => {
    if (i > 0 && model.predict([x])[0] === y[i]) right++;
    model.learnOne(x, y[i] as number);
  });
  return right / (X.length - 1);
}

describe('LeveragingBaggingClassifier', () => {
  test('on Elec2, test-then-train, it beats a single Hoeffding tree', () => {
    const { X, y } = elec2Matrix();
    const rows = 10_000;
    const bagging = progressive(
      new LeveragingBaggingClassifier({ seed: 42 }),
      X.slice(0, rows),
      y.slice(0, rows),
    );
    const tree = progressive(new HoeffdingTreeClassifier(), X.slice(0, rows), y.slice(0, rows));
    expect(bagging - tree).toBeGreaterThan(0.015);
  });

  test('after a concept change it replaces members and recovers', () => {
    // Agrawal rule 0 then rule 2 from row 1,500 on (an abrupt change).
    const { X, y } = conceptDriftStream({
      stream: agrawalStream({ seed: 1, n: 3000 }),
      driftStream: agrawalStream({ seed: 2, n: 3000, classificationFunction: 2 }),
      position: 1500,
      width: 1,
      seed: 3,
      n: 3000,
    });
    const bagging = new LeveragingBaggingClassifier({ seed: 5, nModels: 5 });
    bagging.partialFit(X.slice(0, 2200), y.slice(0, 2200));
    expect(bagging.detectedChanges).toBeGreaterThan(0);
    const stale = new LeveragingBaggingClassifier({ seed: 5, nModels: 5, adwinDelta: 1e-300 });
    stale.partialFit(X.slice(0, 2200), y.slice(0, 2200));
    expect(stale.detectedChanges).toBe(0);
    const after = progressive(bagging, X.slice(2200), y.slice(2200));
    const staleAfter = progressive(stale, X.slice(2200), y.slice(2200));
    expect(after).toBeGreaterThan(staleAfter + 0.1);
  });

  test('a model file saved mid-stream carries on with identical predictions', () => {
    const { X, y } = elec2Matrix();
    const bagging = new LeveragingBaggingClassifier({ seed: 3, nModels: 4, baggingMethod: 'me' });
    bagging.partialFit(X.slice(0, 2000), y.slice(0, 2000));
    const copy = restoreModel(JSON.parse(JSON.stringify(bagging.toJSON()))) as LeveragingBaggingClassifier;
    expect(copy).toBeInstanceOf(LeveragingBaggingClassifier);
    const rest = X.slice(2000, 3000);
    expect(copy.predictProba(rest)).toEqual(bagging.predictProba(rest));
    bagging.partialFit(rest, y.slice(2000, 3000));
    copy.partialFit(rest, y.slice(2000, 3000));
    expect(copy.detectedChanges).toBe(bagging.detectedChanges);
    expect(copy.predictProba(X.slice(0, 300))).toEqual(bagging.predictProba(X.slice(0, 300)));
  });

  test('is a registered online learner; bad options get errors that name them', () => {
    const bagging = createLearner('LeveragingBaggingClassifier', {
      nModels: 2,
    }) as LeveragingBaggingClassifier;
    expect(bagging.options.w).toBe(6);
    expect(() => new LeveragingBaggingClassifier({ w: 0 })).toThrow(StewardInputError);
    expect(() => new LeveragingBaggingClassifier({ baggingMethod: 'half' as never })).toThrow(
      /baggingMethod/,
    );
  });
});
