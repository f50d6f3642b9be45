import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import type { Label } from '../metrics/input.js';
import { DummyClassifier } from './dummy.js';
import { restoreModel } from './restore.js';

// scikit-learn 1.2's DummyClassifier on the same labels (fixtures/generate_dummy.py).
const fixture = JSON.parse(readFileSync(new URL('./fixtures/dummy.json', import.meta.url), 'utf8')) as {
  cases: Array<{
    name: string;
    strategy: 'prior' | 'most_frequent';
    y: Label[];
    classes: Label[];
    predict: Label[];
    proba: number[][];
  }>;
};

describe('DummyClassifier', () => {
  test.each(fixture.cases)(
    '$name, $strategy: as scikit-learn',
    ({ strategy, y, classes, predict, proba }) => {
      const X = y.map(() => [0]);
      const model = new DummyClassifier({ strategy }).fit(X, y);
      expect(model.classes).toEqual(classes);
      expect(model.predict(X.slice(0, 3))).toEqual(predict);
      const [row] = model.predictProba(X.slice(0, 1));
      expect(Array.from(row as Float64Array)).toEqual(proba[0]?.map((p) => expect.closeTo(p, 12)));
    },
  );

  test('learns online: batches add up to one fit, and the model file round-trips', () => {
    const y = [2, 0, 1, 1, 2, 2, 0, 2];
    const X = y.map(() => [1]);
    const online = new DummyClassifier().partialFit(X.slice(0, 3), y.slice(0, 3), [0, 1, 2]);
    online.partialFit(X.slice(3), y.slice(3));
    const whole = new DummyClassifier().fit(X, y);
    expect(online.predictProba([[0]])).toEqual(whole.predictProba([[0]]));
    const restored = restoreModel(JSON.parse(JSON.stringify(whole.toJSON())));
    expect(restored.predictProba?.([[0]] as never)).toEqual(whole.predictProba([[0]]));
  });

  test('bad input gets a clear error', () => {
    expect(() => new DummyClassifier({ strategy: 'uniform' as never })).toThrow(
      /DummyClassifier option strategy must be one of 'prior', 'most_frequent', got 'uniform'/,
    );
    expect(() => new DummyClassifier().predict([[0]])).toThrow(StewardInputError);
    const model = new DummyClassifier().partialFit([[0]], ['a'], ['a', 'b']);
    expect(() => model.partialFit([[0]], ['c'])).toThrow(/label c is not one of the classes a, b/);
  });
});
