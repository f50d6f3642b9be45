import { describe, expect, test } from 'vitest';
import { logisticWorker } from '../node/logistic-workers.js';
import { seededRandom } from '../stats/random.js';
import { LogisticRegression } from './index.js';
import { registerLogisticPassHelper, SPLIT_MIN_ROWS } from './logistic-pass.js';

describe('LogisticRegression on large data', () => {
  const random = seededRandom(4);
  const rows = SPLIT_MIN_ROWS + 4321; // odd sizes: halves and 64-row blocks both end mid-way
  const cols = 7;
  const beta = [0.8, -1.2, 0.3, 0, 2, -0.5, 1];
  const X = Array.from({ length: rows }, () => Float64Array.from({ length: cols }, () => random() * 2 - 1));
  const y = X.map((x) => {
    const z = 0.4 + x.reduce((s, v, j) => s + v * (beta[j] as number), 0);
    return random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });

  test('a helper thread evaluating half of the objective gives the same coefficients as one thread', () => {
    const alone = new LogisticRegression().fit(X, y);
    let started = 0;
    registerLogisticPassHelper((shared) => {
      started++;
      return logisticWorker(shared);
    });
    try {
      const helped = new LogisticRegression().fit(X, y);
      expect(started).toBe(1);
      expect(Array.from(helped.coef?.[0] ?? [])).toEqual(Array.from(alone.coef?.[0] ?? []));
      expect(helped.intercept?.[0]).toBe(alone.intercept?.[0]);
    } finally {
      registerLogisticPassHelper(undefined);
    }
    // And the model is the right one: the generating coefficients, to sampling error.
    const coef = Array.from(alone.coef?.[0] ?? []);
    for (const [j, c] of coef.entries()) expect(Math.abs(c - (beta[j] as number))).toBeLessThan(0.06);
    expect(Math.abs((alone.intercept?.[0] as number) - 0.4)).toBeLessThan(0.05);
  });
});
