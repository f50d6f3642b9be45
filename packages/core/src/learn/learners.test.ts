import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { LinearRegression, LogisticRegression, Ridge } from './index.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sklearn-learners.json', import.meta.url), 'utf8'),
);
const cancer = fixture.data.breast_cancer_scaled as { X: number[][]; y: number[] };
const iris = fixture.data.iris as { X: number[][]; y: number[] };
const diabetes = fixture.data.diabetes as { X: number[][]; y: number[] };

describe('model files', () => {
  test.each([
    [
      'LinearRegression',
      () => new LinearRegression().fit(diabetes.X, diabetes.y),
      LinearRegression.fromJSON,
      diabetes.X,
    ],
    ['Ridge', () => new Ridge({ alpha: 3 }).fit(diabetes.X, diabetes.y), Ridge.fromJSON, diabetes.X],
    [
      'LogisticRegression (multinomial)',
      () => new LogisticRegression().fit(iris.X, iris.y),
      LogisticRegression.fromJSON,
      iris.X,
    ],
  ] as const)('%s survives a JSON round trip and predicts the same', (_, fit, restore, X) => {
    const model = fit();
    const file = JSON.parse(JSON.stringify(model.toJSON()));
    expect(file).toMatchObject({ format: 'steward-model', version: 1 });
    const again = (restore as (json: unknown) => typeof model)(file);
    expect(again.predict(X)).toEqual(model.predict(X));
  });

  const saved = new LogisticRegression().fit(iris.X, iris.y).toJSON();
  const corrupt: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /not a model file: expected an object/],
    ['a foreign file', { weights: [1, 2] }, /not a Steward model file/],
    [
      'a newer version',
      { ...saved, version: 99 },
      /version 99 is not supported: this Steward reads version 1/,
    ],
    [
      'another kind',
      new Ridge().fit(diabetes.X, diabetes.y).toJSON(),
      /this is a Ridge model file, not a LogisticRegression/,
    ],
    [
      'a damaged coefficient',
      {
        ...saved,
        state: {
          ...saved.state,
          coef: [
            [1, 'x', 3, 4],
            [1, 2, 3, 4],
            [1, 2, 3, 4],
          ],
        },
      },
      /coef\[0\] must be an array of finite numbers/,
    ],
    ['missing rows', { ...saved, state: { ...saved.state, coef: [[1, 2, 3, 4]] } }, /coef must have 3 rows/],
  ];
  test.each(corrupt)('%s is refused with a clear error', (_, file, message) => {
    expect(() => LogisticRegression.fromJSON(file)).toThrow(StewardInputError);
    expect(() => LogisticRegression.fromJSON(file)).toThrow(message);
  });
});

describe('warm start', () => {
  test('fine-tuning from a fitted model reaches the same optimum in fewer iterations', () => {
    const tight = { tol: 1e-11 };
    const cold = new LogisticRegression(tight).fit(cancer.X, cancer.y);
    const first = new LogisticRegression(tight).fit(cancer.X.slice(0, 400), cancer.y.slice(0, 400));
    const warm = first.fit(cancer.X, cancer.y, { warmStart: true });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    const a = (cold.coef?.[0] ?? []) as Float64Array;
    const b = (warm.coef?.[0] ?? []) as Float64Array;
    for (let j = 0; j < a.length; j++)
      expect(Math.abs((a[j] as number) - (b[j] as number))).toBeLessThan(1e-6);
  });

  test('warm start with other classes is refused', () => {
    const model = new LogisticRegression().fit(iris.X, iris.y);
    expect(() => model.fit(iris.X.slice(0, 100), iris.y.slice(0, 100), { warmStart: true })).toThrow(
      /warm start needs the same classes/,
    );
  });
});

describe('bad input', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['empty X', () => new LinearRegression().fit([], []), /X has no rows/],
    ['ragged X', () => new Ridge().fit([[1, 2], [3]], [1, 2]), /X\[1\] has 1 features but X\[0\] has 2/],
    [
      'NaN feature',
      () => new LinearRegression().fit([[1], [Number.NaN]], [1, 2]),
      /X\[1\]\[0\] is NaN: features must be finite/,
    ],
    [
      'infinite feature in Float64Array rows',
      () =>
        new LinearRegression().fit(
          [Float64Array.of(1, 2), Float64Array.of(3, Number.POSITIVE_INFINITY)],
          [1, 2],
        ),
      /X\[1\]\[1\] is Infinity: features must be finite/,
    ],
    [
      'NaN in a Float64Array row among plain rows',
      () => new LinearRegression().fit([[1, 2], Float64Array.of(Number.NaN, 4), [5, 6]], [1, 2, 3]),
      /X\[1\]\[0\] is NaN: features must be finite/,
    ],
    [
      'a string feature',
      () => new Ridge().fit([[1], ['2' as unknown as number]], [1, 2]),
      /X\[1\]\[0\] is 2/,
    ],
    ['y length', () => new Ridge().fit([[1], [2]], [1]), /y has 1 values but X has 2 rows/],
    [
      'collinear features',
      () =>
        new LinearRegression().fit(
          [
            [1, 2],
            [2, 4],
            [3, 6],
          ],
          [1, 2, 3],
        ),
      /linear combination of the others/,
    ],
    ['one class', () => new LogisticRegression().fit([[1], [2]], [0, 0]), /only one class/],
    ['continuous labels', () => new LogisticRegression().fit([[1], [2]], [0.5, 1.5]), /not a class label/],
    ['not fitted', () => new LogisticRegression().predict([[1]]), /not fitted yet: call fit first/],
    [
      'feature count',
      () => new LinearRegression().fit([[1], [2], [4]], [1, 2, 3]).predict([[1, 2]]),
      /X has 2 features but the model was fitted on 1/,
    ],
    [
      'bad C',
      () => new LogisticRegression({ C: 0 }),
      /LogisticRegression option C must be a number > 0, got 0/,
    ],
  ];
  test.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(StewardInputError);
    expect(run).toThrow(message);
  });
});
