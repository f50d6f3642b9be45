import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { accuracy } from '../metrics/index.js';
import { seededRandom } from '../stats/random.js';
import {
  GradientBoostingClassifier,
  LogisticRegression,
  Pipeline,
  restoreModel,
  SGDRegressor,
} from './index.js';

const rows = [
  { price: 10, region: 'NSW', load: 1 },
  { price: 20, region: 'VIC', load: null },
  { price: null, region: 'NSW', load: 3 },
  { price: 40, region: '', load: 4 },
  { price: 1000, region: 'QLD', load: 5 },
];

describe('Pipeline preprocessing', () => {
  test('imputes, clips, scales and one-hot encodes as scikit-learn would', () => {
    const p = new Pipeline(
      {
        numeric: ['price', 'load'],
        categorical: ['region'],
        numericSteps: { impute: 'median', scale: 'minmax' },
      },
      new SGDRegressor(),
    ).fit(rows, [1, 2, 3, 4, 5]);
    expect(p.featureNames).toEqual(['price', 'load', 'region=NSW', 'region=QLD', 'region=VIC']);
    // price median of [10, 20, 40, 1000] = 30; min-max over [10, 20, 30, 40, 1000].
    // load median of [1, 3, 4, 5] = 3.5; region's missing value takes the most frequent category, NSW.
    expect(p.transform(rows)).toEqual([
      [0, 0, 1, 0, 0],
      [10 / 990, 2.5 / 4, 0, 0, 1],
      [20 / 990, 0.5, 1, 0, 0],
      [30 / 990, 0.75, 1, 0, 0],
      [1, 1, 0, 1, 0],
    ]);
    // An unseen category encodes as all zeros by default.
    expect((p.transform([{ price: 10, region: 'TAS', load: 1 }]) as number[][])[0]?.slice(2)).toEqual([
      0, 0, 0,
    ]);
  });

  test('standard scaling, clipping to training quantiles, and rows with a missing label are dropped', () => {
    const p = new Pipeline(
      { numeric: ['price'], numericSteps: { clipQuantiles: [0, 0.75] } },
      new SGDRegressor(),
    );
    p.fit(rows, [1, null, 3, Number.NaN, 5]);
    expect(p.droppedRows).toBe(2);
    // Kept prices [10, mean-imputed 505, 1000] → clipped at the 75th percentile (752.5).
    const dense = (batch: Parameters<typeof p.transform>[0]) => p.transform(batch) as number[][];
    const [a, b, c] = dense([rows[0] as never, { price: 505 }, { price: 5000 }]).map((r) => r[0] as number);
    expect(a).toBeLessThan(b as number);
    expect(c).toBeCloseTo(dense([{ price: 752.5 }])[0]?.[0] as number, 12);
  });

  test('a pipeline with its model is saved in one file and restored to identical predictions', () => {
    const random = seededRandom(4);
    const data = Array.from({ length: 300 }, () => {
      const region = ['NSW', 'VIC', 'QLD'][Math.floor(random() * 3)] as string;
      const price = random() < 0.1 ? null : 50 + 30 * random() + (region === 'VIC' ? 20 : 0);
      return { price, region };
    });
    const labels = data.map((r) => ((r.price ?? 65) > 75 ? 'high' : 'low'));
    const p = new Pipeline({ numeric: ['price'], categorical: ['region'] }, new LogisticRegression()).fit(
      data,
      labels,
    );
    expect(accuracy(labels, p.predict(data) as string[])).toBeGreaterThan(0.9);
    const restored = restoreModel(JSON.parse(JSON.stringify(p.toJSON())));
    expect(restored).toBeInstanceOf(Pipeline);
    expect((restored as Pipeline).predict(data)).toEqual(p.predict(data));
    expect((restored as Pipeline).predictProba(data)).toEqual(p.predictProba(data));
  });

  test('bad input', () => {
    const strict = new Pipeline(
      { categorical: ['region'], categoricalSteps: { handleUnknown: 'error' } },
      new LogisticRegression(),
    ).fit(rows, [0, 1, 0, 1, 0]);
    expect(() => strict.transform([{ region: 'TAS' }])).toThrow(
      /row 0, column 'region': category 'TAS' was not seen/,
    );
    expect(() => new Pipeline({}, new SGDRegressor())).toThrow(
      /at least one numeric, categorical or text column/,
    );
    expect(() =>
      new Pipeline({ numeric: ['price'] }, new SGDRegressor()).fit([{ price: 'high' }], [1]),
    ).toThrow(/row 0, column 'price': "high" is not a number/);
    expect(() =>
      new Pipeline({ numeric: ['price'] }, new SGDRegressor()).fit(rows, [null, null, null, null, null]),
    ).toThrow(/every label is missing/);
    expect(() =>
      restoreModel({ format: 'steward-model', version: 1, kind: 'Magic', params: {}, state: {} }),
    ).toThrow(StewardInputError);
    expect(() =>
      new Pipeline({ numeric: ['price'] }, new SGDRegressor()).fit(rows, [1, 2, 3, 4, 5], {
        sampleWeight: [1],
      }),
    ).toThrow(/sampleWeight has 1 weights for 5 rows/);
  });

  test('sample weights reach the model for the rows it learns from (a row without a label drops its weight)', () => {
    const X = [{ x: 0 }, { x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }, { x: 5 }];
    const fit = (labels: Array<number | null>, sampleWeight?: number[]) =>
      new Pipeline({ numeric: ['x'] }, new GradientBoostingClassifier({ minSamplesLeaf: 1, maxIter: 5 }))
        .fit(X, labels, sampleWeight ? { sampleWeight } : {})
        .predictProba([{ x: 2.5 }]);
    const weighted = fit([0, 0, 1, null, 1, 1], [1, 5, 1, 100, 1, 1]);
    expect(weighted).not.toEqual(fit([0, 0, 1, null, 1, 1]));
    // The unlabelled row's weight goes with it: only the kept rows' weights reach the model.
    expect(fit([0, 0, 1, null, 1, 1], [1, 5, 1, 0.001, 1, 1])).toEqual(weighted);
  });
});
