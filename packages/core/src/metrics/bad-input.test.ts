import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { accuracy, brierScore, f1, logLoss, mse, r2, rocAuc } from './index.js';

describe('bad input gets an error that names the argument and the reason', () => {
  const cases: Array<[string, () => unknown, RegExp, string]> = [
    ['empty input', () => accuracy([], []), /yTrue is empty/, 'yTrue'],
    ['lengths differ', () => f1([0, 1, 1], [0, 1]), /yPred has 2 values but yTrue has 3/, 'yPred'],
    [
      'scores passed as labels',
      () => f1([0, 1], [0.2, 0.9]),
      /yPred\[0\] is 0.2, not a class label/,
      'yPred',
    ],
    ['mixed label types', () => accuracy([0, 'a'], [0, 'a']), /mixes numbers and strings/, 'yTrue'],
    [
      'labels of two types',
      () => accuracy([0, 1], ['0', '1']),
      /yTrue holds numbers but yPred holds strings/,
      'yPred',
    ],
    ['NaN score', () => rocAuc([0, 1], [0.2, Number.NaN]), /yScore\[1\] is NaN/, 'yScore'],
    ['NaN regression value', () => mse([1, 2], [1, Number.NaN]), /yPred\[1\] is NaN/, 'yPred'],
    [
      'weights of the wrong length',
      () => r2([1, 2, 3], [1, 2, 2], { sampleWeight: [1, 1] }),
      /sampleWeight has 2 values/,
      'sampleWeight',
    ],
    [
      'weights summing to zero',
      () => mse([1, 2], [1, 3], { sampleWeight: [0, 0] }),
      /sums to zero/,
      'sampleWeight',
    ],
    [
      'unknown average',
      () => f1([0, 1], [0, 1], { average: 'samples' as never }),
      /average is 'samples'/,
      'average',
    ],
    [
      'probability above 1',
      () => brierScore([0, 1], [0.5, 1.2]),
      /yProb\[1\] is 1.2, greater than 1/,
      'yProb',
    ],
    [
      'true label outside labels',
      () => logLoss([0, 1, 2], [0.2, 0.3, 0.4], { labels: [0, 1] }),
      /yTrue\[2\] is 2/,
      'yTrue',
    ],
    [
      'multiclass AUC without strategy',
      () =>
        rocAuc(
          [0, 1, 2],
          [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        ),
      /set multiClass to 'ovr'/,
      'multiClass',
    ],
  ];
  test.each(cases)('%s', (_, run, message, field) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StewardInputError);
    expect((error as StewardInputError).message).toMatch(message);
    expect((error as StewardInputError).field).toBe(field);
  });
});
