import { StewardInputError } from '../errors.js';
import { checkCounts } from './sample.js';
import { normalSf } from './special.js';

export interface PairedNonInferiorityResult {
  /** Tango's score statistic; large when the new classifier is not worse by the margin. */
  statistic: number;
  /** One-sided: the evidence against "the new classifier is worse by `margin` or more". */
  pValue: number;
  /** Rows only the new classifier got right. */
  gained: number;
  /** Rows only the old classifier got right. */
  lost: number;
  n: number;
  margin: number;
  /** Observed difference in accuracy, new minus old: (gained − lost) / n. */
  difference: number;
}

/**
 * Tango's (1998) score test of non-inferiority for paired proportions: H0 "the new classifier's accuracy is lower
 * than the old one's by `margin` or more" against H1 "it is lower by less than `margin`, or higher", from the
 * discordant counts of the two on the same `n` rows. The variance is taken under H0 at its restricted maximum
 * likelihood (closed form), which keeps the level close to nominal at a few hundred rows, where the Wald test does not.
 * @example pairedNonInferiority(20, 12, 270, 0.01).pValue; // 0.030757124205258835
 */
export function pairedNonInferiority(
  gained: number,
  lost: number,
  n: number,
  margin: number,
): PairedNonInferiorityResult {
  checkCounts({ gained, lost, n });
  if (n === 0 || gained + lost > n)
    throw new StewardInputError(`n must be positive and at least gained + lost, got ${n}`, 'n');
  if (!(margin > 0 && margin < 1))
    throw new StewardInputError(`margin must be in (0, 1), got ${margin}`, 'margin');
  // H0 at its boundary: P(gained) − P(lost) = delta. The restricted MLE of P(lost) solves a·q² + b·q + c = 0.
  const delta = -margin;
  const a = 2 * n;
  const b = delta * (2 * n - gained + lost) - (gained + lost);
  const c = -lost * delta * (1 - delta);
  const q = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  const variance = n * (2 * q + delta - delta * delta);
  const statistic = (gained - lost - n * delta) / Math.sqrt(variance);
  return {
    statistic,
    pValue: normalSf(statistic),
    gained,
    lost,
    n,
    margin,
    difference: (gained - lost) / n,
  };
}
