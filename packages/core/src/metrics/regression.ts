import { StewardInputError } from '../errors.js';
import { checkFinite, checkNotEmpty, checkSameLength, checkSampleWeight, type Numbers } from './input.js';

/** Options of the regression metrics. */
export interface RegressionOptions {
  /** One weight per sample. Default: every sample weighs 1. */
  sampleWeight?: Numbers;
}

function check(yTrue: Numbers, yPred: Numbers, sampleWeight: Numbers | undefined): void {
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yPred });
  checkSampleWeight(sampleWeight, n);
}

/**
 * A sum of finite numbers is finite (barring overflow), so the inputs are scanned for the offending value only
 * when a result is not: validation costs nothing on the hot path.
 */
function finiteOrThrow(result: number, yTrue: Numbers, yPred: Numbers): number {
  if (!Number.isFinite(result)) {
    checkFinite('yTrue', yTrue);
    checkFinite('yPred', yPred);
  }
  return result;
}

type ErrorKind = 'squared' | 'absolute' | 'absolutePercent' | 'signed' | 'identity';

/**
 * Weighted mean of one kind of per-sample error, as `numpy.average`. One explicit loop per kind: a shared loop
 * calling a callback would not be inlined by V8 and runs about 4x slower.
 */
function meanError(
  yTrue: Numbers,
  yPred: Numbers,
  sampleWeight: Numbers | undefined,
  kind: ErrorKind,
): number {
  const n = yTrue.length;
  const w = sampleWeight;
  let sum = 0;
  switch (kind) {
    case 'squared':
      for (let i = 0; i < n; i++) {
        const e = yTrue[i] - yPred[i];
        sum += w === undefined ? e * e : w[i] * e * e;
      }
      break;
    case 'absolute':
      for (let i = 0; i < n; i++) sum += (w === undefined ? 1 : w[i]) * Math.abs(yTrue[i] - yPred[i]);
      break;
    case 'absolutePercent':
      for (let i = 0; i < n; i++) {
        const t = yTrue[i];
        sum += ((w === undefined ? 1 : w[i]) * Math.abs(yPred[i] - t)) / Math.max(Math.abs(t), 2 ** -52);
      }
      break;
    case 'signed':
      for (let i = 0; i < n; i++) sum += (w === undefined ? 1 : w[i]) * (yTrue[i] - yPred[i]);
      break;
    case 'identity':
      for (let i = 0; i < n; i++) sum += (w === undefined ? 1 : w[i]) * yTrue[i];
      break;
  }
  return finiteOrThrow(sum / totalWeight(n, w), yTrue, yPred);
}

function totalWeight(n: number, sampleWeight: Numbers | undefined): number {
  if (sampleWeight === undefined) return n;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += sampleWeight[i];
  if (wsum === 0)
    throw new StewardInputError('sampleWeight sums to zero: weights cannot be normalised', 'sampleWeight');
  return wsum;
}

/** Weighted mean of squared deviations from `center` (of yTrue, or of yTrue - yPred when `ofError`). */
function meanSquaredDeviation(
  yTrue: Numbers,
  yPred: Numbers,
  sampleWeight: Numbers | undefined,
  center: number,
  ofError: boolean,
): number {
  const n = yTrue.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = (ofError ? yTrue[i] - yPred[i] : yTrue[i]) - center;
    sum += sampleWeight === undefined ? d * d : sampleWeight[i] * d * d;
  }
  return sum / totalWeight(n, sampleWeight);
}

/**
 * Mean squared error (scikit-learn's `mean_squared_error`).
 * @example mse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.375
 */
export function mse(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  check(yTrue, yPred, options.sampleWeight);
  return meanError(yTrue, yPred, options.sampleWeight, 'squared');
}

/**
 * Root mean squared error (scikit-learn's `mean_squared_error(squared=False)`).
 * @example rmse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.6123724356957945
 */
export function rmse(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  return Math.sqrt(mse(yTrue, yPred, options));
}

/**
 * Mean absolute error (scikit-learn's `mean_absolute_error`).
 * @example mae([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.5
 */
export function mae(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  check(yTrue, yPred, options.sampleWeight);
  return meanError(yTrue, yPred, options.sampleWeight, 'absolute');
}

/**
 * Mean absolute percentage error as a fraction, |y - ŷ| / max(|y|, eps) (scikit-learn's
 * `mean_absolute_percentage_error`): a zero true value gives a huge error rather than a division by zero.
 * @example mape([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.3273809523809524
 */
export function mape(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  check(yTrue, yPred, options.sampleWeight);
  return meanError(yTrue, yPred, options.sampleWeight, 'absolutePercent');
}

/** 1 - num/den with scikit-learn's `force_finite` rule: a constant target scores 1 if predicted exactly, else 0. */
export function finiteScore(numerator: number, denominator: number): number {
  if (denominator !== 0) return numerator !== 0 ? 1 - numerator / denominator : 1;
  return numerator !== 0 ? 0 : 1;
}

/**
 * Coefficient of determination (scikit-learn's `r2_score`). NaN for fewer than two samples, as scikit-learn.
 * @example r2([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9486081370449679
 */
export function r2(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  const { sampleWeight } = options;
  check(yTrue, yPred, sampleWeight);
  const n = yTrue.length;
  const yMean = meanError(yTrue, yPred, sampleWeight, 'identity');
  let sse = 0;
  let sst = 0;
  if (sampleWeight === undefined) {
    // two independent accumulators each, so the additions pipeline instead of waiting on one another
    let sse1 = 0;
    let sst1 = 0;
    const even = n - (n % 2);
    for (let i = 0; i < even; i += 2) {
      const e0 = yTrue[i] - yPred[i];
      const d0 = yTrue[i] - yMean;
      const e1 = yTrue[i + 1] - yPred[i + 1];
      const d1 = yTrue[i + 1] - yMean;
      sse += e0 * e0;
      sst += d0 * d0;
      sse1 += e1 * e1;
      sst1 += d1 * d1;
    }
    if (even < n) {
      const e = yTrue[even] - yPred[even];
      const d = yTrue[even] - yMean;
      sse += e * e;
      sst += d * d;
    }
    sse += sse1;
    sst += sst1;
  } else {
    for (let i = 0; i < n; i++) {
      const e = yTrue[i] - yPred[i];
      const d = yTrue[i] - yMean;
      sse += sampleWeight[i] * e * e;
      sst += sampleWeight[i] * d * d;
    }
  }
  finiteOrThrow(sse, yTrue, yPred);
  return n < 2 ? Number.NaN : finiteScore(sse, sst);
}

/**
 * 1 - Var(y - ŷ) / Var(y) (scikit-learn's `explained_variance_score`): like R² but blind to a constant bias.
 * @example explainedVariance([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9571734475374732
 */
export function explainedVariance(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  const { sampleWeight } = options;
  check(yTrue, yPred, sampleWeight);
  const diffMean = meanError(yTrue, yPred, sampleWeight, 'signed');
  const yMean = meanError(yTrue, yPred, sampleWeight, 'identity');
  const num = meanSquaredDeviation(yTrue, yPred, sampleWeight, diffMean, true);
  const den = meanSquaredDeviation(yTrue, yPred, sampleWeight, yMean, false);
  return finiteScore(num, den);
}
