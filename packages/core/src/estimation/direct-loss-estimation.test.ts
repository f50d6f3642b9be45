import { describe, expect, it } from 'vitest';
import { LinearRegression } from '../learn/linear-models.js';
import { mae } from '../metrics/index.js';
import { seededRandom } from '../stats/random.js';
import { gaussian } from '../streams/common.js';
import { DirectLossEstimator } from './direct-loss-estimation.js';

describe('DirectLossEstimator (DLE)', () => {
  // Noise that grows with |x₀|: a linear model's errors depend on where the inputs fall, and the inputs move.
  const random = seededRandom(11);
  const draw = (mean: number) => {
    const x = [gaussian(random) * 1.5 + mean, gaussian(random)];
    const noise = gaussian(random) * (0.3 + 0.6 * Math.abs(x[0] as number));
    return { x, y: 2 * (x[0] as number) - (x[1] as number) + noise };
  };
  const reference = Array.from({ length: 6000 }, () => draw(0));
  const model = new LinearRegression().fit(
    reference.slice(0, 2000).map((r) => r.x),
    reference.slice(0, 2000).map((r) => r.y),
  );
  const held = reference.slice(2000);
  const dle = new DirectLossEstimator().fit(
    held.map((r) => r.x),
    Array.from(model.predict(held.map((r) => r.x))),
    held.map((r) => r.y),
  );

  it('under covariate shift, follows the realized MAE, its band covering most windows', () => {
    let relative = 0;
    let covered = 0;
    const realized: number[] = [];
    for (let w = 0; w < 40; w++) {
      const rows = Array.from({ length: 1000 }, () => draw((1.5 * w) / 39));
      const X = rows.map((r) => r.x);
      const predicted = Array.from(model.predict(X));
      const estimate = dle.estimate(X, predicted);
      const actual = mae(
        rows.map((r) => r.y),
        predicted,
      );
      realized.push(actual);
      relative += Math.abs(estimate.mae - actual) / actual;
      if (Math.abs(estimate.mae - actual) <= 1.96 * estimate.maeStandardError) covered++;
      expect(estimate.rmse).toBeCloseTo(Math.sqrt(estimate.mse), 12);
    }
    // When written: realized MAE 0.75–1.04, the estimate 2.7% off on average; the band (each row's expected variance
    // of its absolute error) covers 35 of 40, the reference's spread (band: 'reference', NannyML's) 36.
    expect(Math.max(...realized) / Math.min(...realized)).toBeGreaterThan(1.3);
    expect(relative / 40).toBeLessThan(0.05);
    expect(covered).toBeGreaterThanOrEqual(32);
    const reference = new DirectLossEstimator({ band: 'reference' }).fit(
      held.map((r) => r.x),
      Array.from(model.predict(held.map((r) => r.x))),
      held.map((r) => r.y),
    );
    const X = Array.from({ length: 1000 }, () => draw(1.5).x);
    const predicted = Array.from(model.predict(X));
    // The same estimate; only the band differs, wider where the inputs moved into noisier regions.
    expect(reference.estimate(X, predicted).mae).toBe(dle.estimate(X, predicted).mae);
    expect(dle.estimate(X, predicted).maeStandardError).toBeGreaterThan(
      reference.estimate(X, predicted).maeStandardError,
    );
  });

  it('refuses what it cannot learn from or estimate, saying why', () => {
    expect(() => new DirectLossEstimator().fit([[1]], [1], [1])).toThrow(/at least two reference rows/);
    expect(() => new DirectLossEstimator().fit([[1], [2]], [1], [1, 2])).toThrow(/predicted 1 and actual 2/);
    expect(() => new DirectLossEstimator().fit([[1], [2]], [1, 2], [1, Number.NaN])).toThrow(/finite/);
    expect(() => new DirectLossEstimator().estimate([[1]], [1])).toThrow(/not fitted/);
    expect(() => dle.estimate([[1, 2, 3]], [1])).toThrow(/row 0 has 3 features, the reference 2/);
    expect(() => dle.estimate([], [])).toThrow(/at least one row/);
  });
});
