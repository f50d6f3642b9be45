import { describe, expect, it } from 'vitest';
import { smooth } from './smoothing';

describe('smooth (TensorBoard scalar smoothing)', () => {
  it('is the debiased exponential moving average', () => {
    // By hand: EMA with weight 0.6, each divided by 1 − 0.6^n.
    const ema1 = 0.4 * 1;
    const ema2 = 0.6 * ema1 + 0.4 * 3;
    const ema3 = 0.6 * ema2 + 0.4 * 2;
    expect(smooth([1, 3, 2], 0.6)).toEqual([ema1 / 0.4, ema2 / (1 - 0.36), ema3 / (1 - 0.216)]);
  });

  it('leaves values alone at weight 0, keeps a constant series constant and passes non-finite values through', () => {
    expect(smooth([0.5, 0.1, 0.9], 0)).toEqual([0.5, 0.1, 0.9]);
    for (const v of smooth([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 12);
    expect(smooth([1, Number.NaN, 1], 0.5)).toEqual([1, Number.NaN, 1]);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => smooth([1], 1)).toThrow('smoothing weight must be in [0, 1), got 1');
  });
});
