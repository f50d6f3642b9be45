import { describe, expect, it } from 'vitest';
import { StewardInputError } from '../errors.js';
import fixtures from './fixtures/mcnemar.json' with { type: 'json' };
import { mcnemarFromCounts, mcnemarTest } from './mcnemar.js';
import { pairedBootstrap } from './paired-bootstrap.js';
import { seededRandom } from './random.js';

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe('mcnemarFromCounts (statsmodels 0.13 mcnemar)', () => {
  for (const c of fixtures.cases) {
    it(`b=${c.b} c=${c.c}`, () => {
      const exact = mcnemarFromCounts(c.b, c.c, { exact: true });
      expect(exact.statistic).toBe(c.exact.statistic);
      close(exact.pValue, c.exact.pValue);
      for (const [correction, ref] of [
        [true, c.chi2Corrected],
        [false, c.chi2Plain],
      ] as const) {
        const chi2 = mcnemarFromCounts(c.b, c.c, { exact: false, correction });
        close(chi2.statistic, ref.statistic);
        close(chi2.pValue, ref.pValue);
      }
      close(mcnemarFromCounts(c.b, c.c, { exact: true, alternative: 'greater' }).pValue, c.exactGreater);
    });
  }

  it('chooses the exact test under 25 discordant pairs, counts pairs from predictions, refuses bad input', () => {
    expect(mcnemarFromCounts(10, 15).method).toBe('chi2');
    expect(mcnemarFromCounts(10, 14).method).toBe('exact');
    const r = mcnemarTest([1, 0, 1, 1, 0], [1, 1, 0, 1, 0], [1, 0, 1, 0, 1]);
    expect([r.b, r.c]).toEqual([2, 2]);
    expect(() => mcnemarFromCounts(-1, 2)).toThrow(StewardInputError);
    expect(() => mcnemarTest([1], [1, 0], [1])).toThrow(StewardInputError);
  });
});

describe('pairedBootstrap', () => {
  const random = seededRandom(3);
  const base = Array.from({ length: 400 }, () => random() * 4);
  const production = base.map((v) => v + 0.3 + random());
  const candidate = base.map((v) => v + random());

  it('finds a lower loss with an interval around the true mean difference, the same for the same seed', () => {
    const result = pairedBootstrap(production, candidate, { seed: 5 });
    const truth = production.reduce((s, v, i) => s + v - (candidate[i] as number), 0) / production.length;
    expect(result.meanDifference).toBeCloseTo(truth, 12);
    expect(result.lower).toBeLessThan(truth);
    expect(result.upper).toBeGreaterThan(truth);
    expect(result.pValue).toBeLessThan(0.001);
    expect(pairedBootstrap(production, candidate, { seed: 5 })).toEqual(result);
  });

  it('does not call equal models different', () => {
    const same = pairedBootstrap(
      production,
      production.map((v, i) => v + (i % 2 ? 0.01 : -0.01)),
      { seed: 1 },
    );
    expect(same.pValue).toBeGreaterThan(0.2);
    expect(() => pairedBootstrap([1, 2], [1])).toThrow(/equal length/);
  });
});
