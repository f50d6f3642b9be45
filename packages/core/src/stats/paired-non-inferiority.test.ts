import { describe, expect, it } from 'vitest';
import { StewardInputError } from '../errors.js';
import fixtures from './fixtures/non-inferiority.json' with { type: 'json' };
import { pairedNonInferiority } from './paired-non-inferiority.js';
import { seededRandom } from './random.js';

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe("pairedNonInferiority (Tango's score test; restricted MLE found numerically by SciPy)", () => {
  for (const c of fixtures.cases) {
    it(`gained=${c.gained} lost=${c.lost} n=${c.n} margin=${c.margin}`, () => {
      const r = pairedNonInferiority(c.gained, c.lost, c.n, c.margin);
      close(r.statistic, c.statistic);
      close(r.pValue, c.pValue);
      expect(r.difference).toBeCloseTo((c.gained - c.lost) / c.n, 15);
    });
  }

  it('holds its level at the margin: a candidate truly worse by the margin passes about alpha of the time', () => {
    // 270 held-out rows (the gate's usual size), 12 % discordance, the candidate exactly 2 points worse.
    const random = seededRandom(7);
    const n = 270;
    const pLost = 0.07;
    const pGained = 0.05;
    let passed = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      let gained = 0;
      let lost = 0;
      for (let i = 0; i < n; i++) {
        const u = random();
        if (u < pGained) gained++;
        else if (u < pGained + pLost) lost++;
      }
      if (pairedNonInferiority(gained, lost, n, 0.02).pValue < 0.05) passed++;
    }
    expect(passed / trials).toBeGreaterThan(0.03);
    expect(passed / trials).toBeLessThan(0.07);
  });

  it('refuses counts that cannot be and margins outside (0, 1)', () => {
    expect(() => pairedNonInferiority(-1, 2, 10, 0.02)).toThrow(StewardInputError);
    expect(() => pairedNonInferiority(6, 6, 10, 0.02)).toThrow(/at least gained \+ lost/);
    expect(() => pairedNonInferiority(1, 2, 10, 0)).toThrow(/margin must be in \(0, 1\)/);
    expect(() => pairedNonInferiority(1.5, 2, 10, 0.1)).toThrow(/non-negative integer/);
  });
});
