import { StewardInputError } from '../errors.js';
import { estimateBinaryPerformance } from './binary-cbpe.js';
import {
  type CalibrationStrata,
  countStratum,
  emptyStrataCounts,
  multiclassCalibrationErrors,
  type StrataCounts,
} from './calibration-error.js';
import {
  addRow,
  type ClassificationEstimateErrors,
  emptyMoments,
  type MetricErrors,
  metricErrors,
} from './confusion-moments.js';

/** A multiclass classifier's performance estimated from calibrated class probabilities, without labels. */
export interface MulticlassPerformanceEstimate extends ClassificationEstimateErrors {
  rows: number;
  /** `confusion[t][p]`: the expected number of rows of true class t predicted as p. */
  confusion: number[][];
  accuracy: number;
  /** Macro averages over the classes (each class's precision, recall and F1 from the expected matrix). */
  precision: number;
  recall: number;
  f1: number;
  /** One-vs-rest ROC AUC, the mean over classes of each class's estimated binary ROC AUC (NaN if one is). */
  rocAuc: number;
  /** With `calibration`: the window's rows per stratum of each class's calibrator. */
  strataCounts?: StrataCounts[];
}

/**
 * CBPE for a multiclass classifier: each row spreads its calibrated class probabilities over the true classes, in
 * the column of the class predicted (by default the most probable, the first on ties), which gives the expected
 * confusion matrix; accuracy and macro precision, recall and F1 come from it, ROC AUC one class against the rest.
 * `probabilities[i][k]` is row i's probability of class k; each row must sum to 1 (within 1e-6): calibrate one
 * class against the rest and normalise, as scikit-learn's `CalibratedClassifierCV` does.
 *
 * @example Number(estimateMulticlassPerformance([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1]]).accuracy.toFixed(2)); // 0.75
 */
export function estimateMulticlassPerformance(
  probabilities: ReadonlyArray<ArrayLike<number>>,
  options: {
    predicted?: ArrayLike<number>;
    /** Per class, its calibrator's strata (`calibrationStrata` of that class against the rest). */
    calibration?: readonly CalibrationStrata[];
  } = {},
): MulticlassPerformanceEstimate {
  const n = probabilities.length;
  if (n === 0) throw new StewardInputError('estimating performance needs at least one row', 'probabilities');
  const k = (probabilities[0] as ArrayLike<number>).length;
  if (k < 2) throw new StewardInputError('a multiclass estimate needs two classes or more', 'probabilities');
  const predicted = options.predicted;
  if (predicted && predicted.length !== n)
    throw new StewardInputError(`probabilities has ${n} rows and predicted ${predicted.length}`, 'predicted');
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  const moments = emptyMoments(k);
  if (options.calibration && options.calibration.length !== k)
    throw new StewardInputError(
      `calibration has strata for ${options.calibration.length} classes, the probabilities ${k}`,
      'calibration',
    );
  const strata = options.calibration?.map(emptyStrataCounts);
  for (let i = 0; i < n; i++) {
    const row = probabilities[i] as ArrayLike<number>;
    if (row.length !== k)
      throw new StewardInputError(
        `row ${i} has ${row.length} probabilities, the first ${k}`,
        'probabilities',
      );
    let sum = 0;
    let best = 0;
    for (let c = 0; c < k; c++) {
      const p = row[c] as number;
      if (!(p >= 0 && p <= 1))
        throw new StewardInputError(
          `probabilities must be in [0, 1] (row ${i}, class ${c}: ${p})`,
          'probabilities',
        );
      sum += p;
      if (p > (row[best] as number)) best = c;
    }
    if (Math.abs(sum - 1) > 1e-6)
      throw new StewardInputError(
        `row ${i}'s probabilities sum to ${sum}, not 1: normalise them`,
        'probabilities',
      );
    const column = predicted ? (predicted[i] as number) : best;
    if (!(Number.isInteger(column) && column >= 0 && column < k))
      throw new StewardInputError(`predicted class of row ${i} must be an index in [0, ${k})`, 'predicted');
    for (let t = 0; t < k; t++)
      (confusion[t] as number[])[column] =
        ((confusion[t] as number[])[column] as number) + (row[t] as number);
    correct += row[column] as number;
    addRow(moments, row, column);
    if (strata)
      for (let j = 0; j < k; j++) countStratum(strata[j] as StrataCounts, row[j] as number, j === column);
  }
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  let rocAuc = 0;
  let rocAucVariance = 0;
  for (let c = 0; c < k; c++) {
    const tp = (confusion[c] as number[])[c] as number;
    let predictedAs = 0;
    let trulyIn = 0;
    for (let t = 0; t < k; t++) {
      predictedAs += (confusion[t] as number[])[c] as number;
      trulyIn += (confusion[c] as number[])[t] as number;
    }
    precision += predictedAs === 0 ? 0 : tp / predictedAs;
    recall += trulyIn === 0 ? 0 : tp / trulyIn;
    f1 += predictedAs + trulyIn === 0 ? 0 : (2 * tp) / (predictedAs + trulyIn);
    const oneVsRest = estimateBinaryPerformance(Float64Array.from(probabilities, (row) => row[c] as number));
    rocAuc += oneVsRest.rocAuc;
    rocAucVariance += oneVsRest.rocAucStandardError ** 2;
  }
  const errors = metricErrors(moments, 'macro');
  const calibration = strata && multiclassCalibrationErrors(confusion, strata);
  const combined = (key: keyof MetricErrors) => Math.hypot(errors[key], calibration?.[key] ?? 0);
  return {
    rows: n,
    confusion,
    accuracy: correct / n,
    precision: precision / k,
    recall: recall / k,
    f1: f1 / k,
    rocAuc: rocAuc / k,
    accuracyStandardError: combined('accuracy'),
    precisionStandardError: combined('precision'),
    recallStandardError: combined('recall'),
    f1StandardError: combined('f1'),
    rocAucStandardError: Math.sqrt(rocAucVariance) / k,
    moments,
    samplingErrors: errors,
    ...(calibration && strata ? { calibrationErrors: calibration, strataCounts: strata } : {}),
  };
}
