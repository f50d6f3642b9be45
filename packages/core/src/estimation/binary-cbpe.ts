import { StewardInputError } from '../errors.js';
import {
  type CalibrationStrata,
  calibrationErrors,
  countStratum,
  emptyStrataCounts,
  type StrataCounts,
} from './calibration-error.js';
import {
  addRow,
  type ClassificationEstimateErrors,
  type ConfusionMoments,
  emptyMoments,
  type MetricErrors,
  metricErrors,
} from './confusion-moments.js';

/** A binary classifier's performance estimated from its calibrated probabilities, without labels. */
export interface BinaryPerformanceEstimate extends ClassificationEstimateErrors {
  rows: number;
  /** The expected confusion matrix: each row counts P(y = 1) towards a positive and 1 − P(y = 1) towards a negative. */
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  /** With `calibration`: the window's rows per stratum of the calibrator. */
  strataCounts?: StrataCounts;
}

/** Options of the binary estimates. */
export interface BinaryEstimateOptions {
  /** A row is predicted positive from this probability (or score, from a histogram) on (default 0.5). */
  threshold?: number;
  /** The calibrator's strata (`calibrationStrata`): the band then carries the calibration's own error too. */
  calibration?: CalibrationStrata;
}

/**
 * Confidence-based performance estimation (NannyML's CBPE) for a binary classifier: from calibrated probabilities
 * of the positive class and the predicted classes (by default probability ≥ `threshold`, 0.5), the expected
 * confusion matrix and the metrics computed from it; ROC AUC from the expected true and false positive rates at
 * every distinct probability. It estimates correctly when the probabilities are calibrated for the data at hand:
 * under covariate shift (the inputs move, P(y | x) does not), not under concept drift. Calibrate first (an
 * `IsotonicRegression` or `SigmoidCalibrator` fitted on labelled reference rows).
 *
 * @example Number(estimateBinaryPerformance([0.9, 0.8, 0.3, 0.1]).accuracy.toFixed(3)); // 0.825
 */
export function estimateBinaryPerformance(
  probabilities: ArrayLike<number>,
  options: BinaryEstimateOptions & { predicted?: ArrayLike<number> } = {},
): BinaryPerformanceEstimate {
  const n = probabilities.length;
  if (n === 0) throw new StewardInputError('estimating performance needs at least one row', 'probabilities');
  const threshold = options.threshold ?? 0.5;
  const predicted = options.predicted;
  if (predicted && predicted.length !== n)
    throw new StewardInputError(
      `probabilities has ${n} values and predicted ${predicted.length}`,
      'predicted',
    );
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const moments = emptyMoments(2);
  const strata = options.calibration && emptyStrataCounts(options.calibration);
  const q = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const p = probabilities[i] as number;
    if (!(p >= 0 && p <= 1))
      throw new StewardInputError(`probabilities must be in [0, 1] (row ${i}: ${p})`, 'probabilities');
    const positive = predicted ? (predicted[i] as number) > 0 : p >= threshold;
    if (positive) {
      tp += p;
      fp += 1 - p;
    } else {
      fn += p;
      tn += 1 - p;
    }
    q[0] = 1 - p;
    q[1] = p;
    addRow(moments, q, positive ? 1 : 0);
    if (strata) countStratum(strata, p, positive, 1);
  }
  const descending = Float64Array.from(probabilities).sort().reverse();
  const rocAuc = estimatedRocAuc(descending);
  return {
    ...fromConfusion(n, tp, fp, fn, tn, moments, strata),
    rocAuc,
    rocAucStandardError: rocAucErrorSorted(descending, rocAuc),
  };
}

/** The metrics of an expected confusion matrix and their standard errors. */
function fromConfusion(
  n: number,
  tp: number,
  fp: number,
  fn: number,
  tn: number,
  moments: ConfusionMoments,
  strata?: StrataCounts,
): Omit<BinaryPerformanceEstimate, 'rocAuc' | 'rocAucStandardError'> {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const sampling = metricErrors(moments, 'binary');
  const calibration = strata && calibrationErrors({ tp, fp, fn, tn }, [strata]);
  const combined = (key: keyof MetricErrors) => Math.hypot(sampling[key], calibration?.[key] ?? 0);
  return {
    rows: n,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    accuracy: (tp + tn) / n,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    accuracyStandardError: combined('accuracy'),
    precisionStandardError: combined('precision'),
    recallStandardError: combined('recall'),
    f1StandardError: combined('f1'),
    moments,
    samplingErrors: sampling,
    ...(calibration && strata ? { calibrationErrors: calibration, strataCounts: strata } : {}),
  };
}

/**
 * The ROC AUC expected from calibrated probabilities: at each distinct probability t as the threshold, the expected
 * true positives Σ_{pᵢ ≥ t} pᵢ and false positives Σ_{pᵢ ≥ t} (1 − pᵢ) over their totals, joined by the
 * trapezoid rule from (0, 0) to (1, 1), from the probabilities sorted in descending order. NaN when every expected
 * count falls in one class.
 */
function estimatedRocAuc(sorted: Float64Array): number {
  let positives = 0;
  for (const p of sorted) positives += p;
  const negatives = sorted.length - positives;
  if (positives <= 0 || negatives <= 0) return Number.NaN;
  let area = 0;
  let tp = 0;
  let fp = 0;
  let lastTpr = 0;
  let lastFpr = 0;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i] as number;
    // Every row with this probability crosses the threshold together (a tie is one step of the curve).
    for (; i < sorted.length && sorted[i] === t; i++) {
      tp += t;
      fp += 1 - t;
    }
    const tpr = tp / positives;
    const fpr = fp / negatives;
    area += ((fpr - lastFpr) * (tpr + lastTpr)) / 2;
    lastTpr = tpr;
    lastFpr = fpr;
  }
  return area;
}

/**
 * The standard deviation of the realized ROC AUC over labels drawn from the calibrated probabilities, the scores
 * being the window's: the AUC is U / (n₁ n₀), U the count of (positive, negative) pairs ranked right (ties half),
 * and to first order (Hájek's projection) row k moves it by g_k (z_k − p_k) with
 * g_k = (N₀↓_k − N₁↑_k) / (N₁N₀) − AUC (N₀ − N₁) / (N₁N₀), N₀↓_k the expected negatives ranked below k and N₁↑_k
 * the expected positives above it; the variance is Σ p_k(1 − p_k) g_k².
 */
export function rocAucError(probabilities: ArrayLike<number>, auc: number): number {
  return rocAucErrorSorted(Float64Array.from(probabilities).sort().reverse(), auc);
}

/** `rocAucError` of probabilities already sorted in descending order. */
function rocAucErrorSorted(sorted: Float64Array, auc: number): number {
  if (Number.isNaN(auc)) return Number.NaN;
  let positives = 0;
  for (const p of sorted) positives += p;
  const negatives = sorted.length - positives;
  let positivesAbove = 0;
  let negativesBelow = negatives;
  let variance = 0;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i] as number;
    let j = i;
    let groupPositives = 0;
    for (; j < sorted.length && sorted[j] === t; j++) groupPositives += t;
    const groupNegatives = j - i - groupPositives;
    negativesBelow -= groupNegatives;
    // Every row of the group sees the same totals but itself among the ties.
    const below = negativesBelow + 0.5 * (groupNegatives - (1 - t));
    const above = positivesAbove + 0.5 * (groupPositives - t);
    const g =
      (below - above) / (positives * negatives) - (auc * (negatives - positives)) / (positives * negatives);
    variance += (j - i) * t * (1 - t) * g * g;
    positivesAbove += groupPositives;
    i = j;
  }
  return Math.sqrt(variance);
}

/**
 * CBPE from a window's score histogram instead of its rows (a mergeable summary: a window profile's score sketch,
 * merged across servers and windows): each bucket counts `count` rows at its value. `calibrate` maps scores to
 * calibrated probabilities; a row is predicted positive when its score is at least `threshold`. Within the
 * sketch's resolution of the row-level estimate: on the covariate-shift test, accuracy within 0.01 (a bucket stands
 * for scores within 1% of its value, and a bucket straddling the threshold counts on one side).
 */
export function estimateBinaryFromHistogram(
  buckets: ReadonlyArray<readonly [value: number, count: number]>,
  calibrate: (scores: number[]) => number[],
  options: BinaryEstimateOptions = {},
): Omit<BinaryPerformanceEstimate, 'rocAuc' | 'rocAucStandardError'> {
  const threshold = options.threshold ?? 0.5;
  const probabilities = calibrate(buckets.map(([value]) => value));
  let n = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const moments = emptyMoments(2);
  const strata = options.calibration && emptyStrataCounts(options.calibration);
  const q = new Float64Array(2);
  buckets.forEach(([value, count], i) => {
    const p = probabilities[i] as number;
    if (!(p >= 0 && p <= 1))
      throw new StewardInputError(
        `calibrated probabilities must be in [0, 1] (bucket ${i}: ${p})`,
        'calibrate',
      );
    n += count;
    const positive = value >= threshold;
    if (positive) {
      tp += count * p;
      fp += count * (1 - p);
    } else {
      fn += count * p;
      tn += count * (1 - p);
    }
    q[0] = 1 - p;
    q[1] = p;
    addRow(moments, q, positive ? 1 : 0, count);
    if (strata) countStratum(strata, p, positive, count);
  });
  if (n === 0) throw new StewardInputError('estimating performance needs at least one row', 'buckets');
  return fromConfusion(n, tp, fp, fn, tn, moments, strata);
}
