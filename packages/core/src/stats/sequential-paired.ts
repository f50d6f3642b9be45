import { StewardInputError } from '../errors.js';
import { checkCounts } from './sample.js';
import { betaInc, logGamma } from './special.js';

export interface SequentialPairedOptions {
  /**
   * The mixture's prior on P(the new classifier is the one right | the two disagree): Beta(a, a) restricted to one
   * side of 1/2. Larger `a` tunes the test to smaller differences. Default 10 (a prior spread of about ±0.1).
   */
  prior?: number;
}

export interface SequentialPairedResult {
  /** The mixture likelihood ratio for "the new classifier is better", in logs; reject H0 once ≥ log(1/α). */
  logEvidenceBetter: number;
  /** The same for "the new classifier is worse". */
  logEvidenceWorse: number;
  gained: number;
  lost: number;
}

const logBeta = (x: number, y: number) => logGamma(x) + logGamma(y) - logGamma(x + y);

// log of 2^(n+1) · B(k + a, m + a) · P(Beta(k + a, m + a) > 1/2) / B(a, a): the mixture over p > 1/2 of
// p^k (1 − p)^m against p = 1/2, with the prior's mass on that side (a half, by symmetry) normalised away.
function logMixture(k: number, m: number, a: number): number {
  const upper = betaInc(m + a, k + a, 0.5);
  return (k + m + 1) * Math.LN2 + logBeta(k + a, m + a) - logBeta(a, a) + Math.log(upper);
}

/**
 * An always-valid (sequential) test on the rows where two classifiers disagree: a mixture sequential probability
 * ratio test (mSPRT, Robbins' mixture; Johari et al. 2017) of P(the new one is right | they disagree) = 1/2.
 * Under H0 the evidence is a nonnegative supermartingale, so by Ville's inequality it ever reaches 1/α with
 * probability at most α — it may be looked at after every row and acted on at once, unlike McNemar's test, which is
 * valid only at one sample size fixed in advance.
 * @example sequentialPairedTest(30, 12).logEvidenceBetter > Math.log(1 / 0.1); // true
 */
export function sequentialPairedTest(
  gained: number,
  lost: number,
  options: SequentialPairedOptions = {},
): SequentialPairedResult {
  checkCounts({ gained, lost });
  const a = options.prior ?? 10;
  if (!(a > 0 && Number.isFinite(a)))
    throw new StewardInputError(`prior must be a positive number, got ${a}`, 'prior');
  return {
    logEvidenceBetter: logMixture(gained, lost, a),
    logEvidenceWorse: logMixture(lost, gained, a),
    gained,
    lost,
  };
}
