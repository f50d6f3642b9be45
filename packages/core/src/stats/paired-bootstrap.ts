import { StewardInputError } from '../errors.js';
import type { Numbers } from '../metrics/input.js';
import { seededRandom } from './random.js';

export interface PairedBootstrapOptions {
  /** Bootstrap resamples of the row pairs. Default 2000. */
  resamples?: number;
  /** Seed of the resampling. Default 0. */
  seed?: number;
  /** Level of the percentile interval. Default 0.95. */
  confidence?: number;
}

export interface PairedBootstrapResult {
  /** mean(a − b) on the data. */
  meanDifference: number;
  /** Percentile bootstrap interval of mean(a − b). */
  lower: number;
  upper: number;
  /** One-sided p-value that mean(a − b) > 0: (1 + resamples with mean ≤ 0) / (1 + resamples). */
  pValue: number;
  resamples: number;
}

/**
 * Paired bootstrap of the mean difference between two per-row scores measured on the same rows (for example the
 * squared errors of production and of a candidate): rows are resampled with replacement as pairs, so the test
 * keeps what the two models share. With losses, `pairedBootstrap(productionLoss, candidateLoss)` asks whether the
 * candidate's loss is lower.
 * @example pairedBootstrap([4, 5, 6, 5, 7, 6], [1, 2, 2, 1, 3, 2]).pValue; // 0.0004997501249375312
 */
export function pairedBootstrap(
  a: Numbers,
  b: Numbers,
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult {
  const n = a.length;
  if (n === 0 || n !== b.length)
    throw new StewardInputError(
      `a and b must be non-empty and of equal length, got ${n} and ${b.length}`,
      'a',
    );
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new StewardInputError(`resamples must be a positive integer, got ${resamples}`, 'resamples');
  if (!(confidence > 0 && confidence < 1))
    throw new StewardInputError(`confidence must be in (0, 1), got ${confidence}`, 'confidence');
  const diff = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (!Number.isFinite(d)) throw new StewardInputError(`row ${i}: scores must be finite`, 'a');
    diff[i] = d;
    total += d;
  }
  const random = seededRandom(options.seed ?? 0);
  const means = new Float64Array(resamples);
  let notPositive = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[Math.floor(random() * n)] as number;
    const m = sum / n;
    means[r] = m;
    if (m <= 0) notPositive++;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] as number;
  return {
    meanDifference: total / n,
    lower: at(tail),
    upper: at(1 - tail),
    pValue: (1 + notPositive) / (1 + resamples),
    resamples,
  };
}
