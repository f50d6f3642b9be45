import { describe, expect, it } from 'vitest';
import { StewardInputError } from '../errors.js';
import fixtures from './fixtures/sequential.json' with { type: 'json' };
import { seededRandom } from './random.js';
import { sequentialPairedTest } from './sequential-paired.js';

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

describe('sequentialPairedTest (mixture SPRT; the mixture integrated numerically by SciPy)', () => {
  for (const c of fixtures.cases) {
    it(`gained=${c.gained} lost=${c.lost} prior=${c.prior}`, () => {
      const r = sequentialPairedTest(c.gained, c.lost, { prior: c.prior });
      close(r.logEvidenceBetter, c.logEvidenceBetter);
      close(r.logEvidenceWorse, c.logEvidenceWorse);
    });
  }

  it('is always valid: looked at after every pair, it crosses 1/alpha under H0 at most about alpha of the time', () => {
    const random = seededRandom(11);
    const threshold = Math.log(1 / 0.05);
    // The share of streams of 400 disagreements, the new classifier winning each with probability p, that cross.
    const crossing = (p: number, streams: number) => {
      let crossed = 0;
      for (let s = 0; s < streams; s++) {
        let gained = 0;
        let lost = 0;
        for (let i = 0; i < 400; i++) {
          if (random() < p) gained++;
          else lost++;
          if (sequentialPairedTest(gained, lost).logEvidenceBetter >= threshold) {
            crossed++;
            break;
          }
        }
      }
      return crossed / streams;
    };
    expect(crossing(0.5, 1000)).toBeLessThan(0.05);
    // A real difference (60 % of disagreements won) is found within those 400 pairs most of the time.
    expect(crossing(0.6, 200)).toBeGreaterThan(0.7);
  });

  it('refuses counts and priors that cannot be', () => {
    expect(() => sequentialPairedTest(-1, 2)).toThrow(StewardInputError);
    expect(() => sequentialPairedTest(1, 2.5)).toThrow(/non-negative integer/);
    expect(() => sequentialPairedTest(1, 2, { prior: 0 })).toThrow(/prior must be a positive number/);
  });
});
