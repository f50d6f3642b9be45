import { StewardInputError } from '../errors.js';
import { checkSameLength, type Labels } from '../metrics/input.js';
import { checkCounts } from './sample.js';
import { betaInc, chiSquareSf } from './special.js';

export interface McNemarOptions {
  /** Exact binomial test, or the chi-square approximation. Default: exact when the discordant pairs number under 25. */
  exact?: boolean;
  /** Chi-square only: Edwards' continuity correction, (|b − c| − 1)² / (b + c). Default true. */
  correction?: boolean;
  /**
   * `two-sided` (default, as statsmodels): the two classifiers differ. `greater`: the second classifier is right
   * more often where they disagree (c > b), the question a promotion gate asks.
   */
  alternative?: 'two-sided' | 'greater';
}

export interface McNemarResult {
  /** Exact: min(b, c) (statsmodels' convention; c for `greater`). Chi-square: the χ² statistic. */
  statistic: number;
  pValue: number;
  /** Pairs the first classifier got right and the second wrong. */
  b: number;
  /** Pairs the second classifier got right and the first wrong. */
  c: number;
  method: 'exact' | 'chi2';
}

// P(X ≤ k) for X ~ Binomial(n, 1/2), through the regularised incomplete beta function.
function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return betaInc(n - k, k + 1, 0.5);
}

/**
 * McNemar's test on the discordant counts of two classifiers scored on the same rows (statsmodels 0.13's
 * `mcnemar`: exact p = min(1, 2·P(X ≤ min(b, c))); chi-square with the same continuity correction, unclipped).
 * @example mcnemarFromCounts(2, 9).pValue; // 0.06542968749999982
 */
export function mcnemarFromCounts(b: number, c: number, options: McNemarOptions = {}): McNemarResult {
  checkCounts({ b, c });
  const n = b + c;
  const alternative = options.alternative ?? 'two-sided';
  const exact = options.exact ?? n < 25;
  if (exact) {
    if (alternative === 'greater')
      return { statistic: c, pValue: 1 - binomialHalfCdf(c - 1, n), b, c, method: 'exact' };
    const statistic = Math.min(b, c);
    return { statistic, pValue: Math.min(1, 2 * binomialHalfCdf(statistic, n)), b, c, method: 'exact' };
  }
  if (n === 0) return { statistic: Number.NaN, pValue: Number.NaN, b, c, method: 'chi2' };
  const correction = (options.correction ?? true) ? 1 : 0;
  const statistic = (Math.abs(b - c) - correction) ** 2 / n;
  const twoSided = chiSquareSf(statistic, 1);
  if (alternative === 'two-sided') return { statistic, pValue: twoSided, b, c, method: 'chi2' };
  return { statistic, pValue: c > b ? twoSided / 2 : 1 - twoSided / 2, b, c, method: 'chi2' };
}

/**
 * McNemar's test of two classifiers' predictions on the same labelled rows: b counts rows only the first got
 * right, c rows only the second got right.
 * @example mcnemarTest([1, 0, 1, 1], [1, 1, 0, 1], [1, 0, 1, 1]).c; // 2
 */
export function mcnemarTest(
  yTrue: Labels,
  predA: Labels,
  predB: Labels,
  options: McNemarOptions = {},
): McNemarResult {
  const n = checkSameLength({ yTrue, predA, predB });
  if (n === 0) throw new StewardInputError('mcnemarTest needs at least one row', 'yTrue');
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const a = predA[i] === yTrue[i];
    const bRight = predB[i] === yTrue[i];
    if (a && !bRight) b++;
    else if (!a && bRight) c++;
  }
  return mcnemarFromCounts(b, c, options);
}
