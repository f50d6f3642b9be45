import {
  checkFinite,
  checkNotEmpty,
  checkSameLength,
  checkSampleWeight,
  type Numbers,
  weightedMean,
} from './input.js';

/** Options of the regression metrics. */
export interface RegressionOptions {
  /** One weight per sample. Default: every sample weighs 1. */
  sampleWeight?: Numbers;
}

function check(yTrue: Numbers, yPred: Numbers, sampleWeight: Numbers | undefined): void {
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yPred });
  checkSampleWeight(sampleWeight, n);
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred);
}

function mapErrors(yTrue: Numbers, yPred: Numbers, f: (t: number, p: number) => number): Float64Array {
  const out = new Float64Array(yTrue.length);
  for (let i = 0; i < out.length; i++) out[i] = f(yTrue[i], yPred[i]);
  return out;
}

/**
 * Mean squared error (scikit-learn's `mean_squared_error`).
 * @example mse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.375
 */
export function mse(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  check(yTrue, yPred, options.sampleWeight);
  return weightedMean(
    mapErrors(yTrue, yPred, (t, p) => (t - p) * (t - p)),
    options.sampleWeight,
  );
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
  return weightedMean(
    mapErrors(yTrue, yPred, (t, p) => Math.abs(t - p)),
    options.sampleWeight,
  );
}

/**
 * Mean absolute percentage error as a fraction, |y - ŷ| / max(|y|, eps) (scikit-learn's
 * `mean_absolute_percentage_error`): a zero true value gives a huge error rather than a division by zero.
 * @example mape([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.3273809523809524
 */
export function mape(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  check(yTrue, yPred, options.sampleWeight);
  return weightedMean(
    mapErrors(yTrue, yPred, (t, p) => Math.abs(p - t) / Math.max(Math.abs(t), 2 ** -52)),
    options.sampleWeight,
  );
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
  if (n < 2) return Number.NaN;
  const yMean = weightedMean(yTrue, sampleWeight);
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight === undefined ? 1 : sampleWeight[i];
    const e = yTrue[i] - yPred[i];
    const d = yTrue[i] - yMean;
    sse += w * e * e;
    sst += w * d * d;
  }
  return finiteScore(sse, sst);
}

/**
 * 1 - Var(y - ŷ) / Var(y) (scikit-learn's `explained_variance_score`): like R² but blind to a constant bias.
 * @example explainedVariance([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9571734475374732
 */
export function explainedVariance(yTrue: Numbers, yPred: Numbers, options: RegressionOptions = {}): number {
  const { sampleWeight } = options;
  check(yTrue, yPred, sampleWeight);
  const n = yTrue.length;
  const diff = mapErrors(yTrue, yPred, (t, p) => t - p);
  const diffMean = weightedMean(diff, sampleWeight);
  const yMean = weightedMean(yTrue, sampleWeight);
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    num[i] = (diff[i] - diffMean) ** 2;
    den[i] = (yTrue[i] - yMean) ** 2;
  }
  return finiteScore(weightedMean(num, sampleWeight), weightedMean(den, sampleWeight));
}
