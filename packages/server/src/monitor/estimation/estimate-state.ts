import {
  type ClassificationEstimateErrors,
  calibrationErrors,
  mergeClassStrataCounts,
  mergeStrataCounts,
  metricErrors,
  multiclassCalibrationErrors,
  type StrataCounts,
} from '@steward/core';
// What a window's estimate keeps, so windows merge (a day from its hours, a chart's points from many windows) and
// every server sees the same numbers: expected counts and sums, and the variances of their sampling errors.

/**
 * Classification (CBPE): the expected confusion matrix (true class × predicted class), Σ q(1 − q), and the other
 * sums the standard errors of precision, recall and F1 need (`ConfusionMoments` of @steward/core).
 */
export interface ClassificationEstimateState {
  kind: 'classification';
  rows: number;
  /** `confusion[t][p]`, classes in the model's order (binary: [negative, positive]). */
  confusion: number[][];
  variance: number;
  /** Absent in states kept before these errors were estimated (their metrics then have no band). */
  gram?: number[][];
  byPredicted?: number[][];
  /** Binary models: the window's rows per stratum of the calibrator that estimated it (its share of the band). */
  calibration?: StrataCounts[];
  /** Multiclass models: the same per class (one calibrator each), a group per set of calibrators. */
  classCalibration?: StrataCounts[][];
}

/**
 * Regression (DLE): the sums of expected absolute and squared errors, their sampling variances (n · s²), and the
 * loss models' errors on them (rows × the model error of the mean). Model errors add up as they are: the same
 * loss model errs the same way on every window it estimates, so a merged window's model error is at most the sum
 * (equal when the windows spread over the loss strata alike), where sampling errors, independent, add in variance.
 */
export interface RegressionEstimateState {
  kind: 'regression';
  rows: number;
  absolute: number;
  squared: number;
  absoluteVariance: number;
  squaredVariance: number;
  /** Absent in states kept before the model error was estimated (read as 0). */
  absoluteModelError?: number;
  squaredModelError?: number;
}

export type EstimateState = ClassificationEstimateState | RegressionEstimateState;

/**
 * A window's state from a CBPE estimate of its rows (or score histogram), with the rows per stratum of the
 * calibrator (binary) or of each class's calibrator (multiclass) when the estimate was given them.
 */
export function classificationState(
  e: Pick<ClassificationEstimateErrors, 'moments' | 'samplingErrors'> & { rows: number },
  strata: { calibration?: StrataCounts[]; classCalibration?: StrataCounts[][] } = {},
): ClassificationEstimateState {
  return {
    kind: 'classification',
    rows: e.rows,
    confusion: e.moments.confusion,
    variance: (e.samplingErrors.accuracy * e.rows) ** 2,
    gram: e.moments.gram,
    byPredicted: e.moments.byPredicted,
    ...strata,
  };
}

/** Estimated metrics of a window, each with the standard error of the ones that have a band. */
export interface EstimatedMetrics {
  accuracy?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  accuracyStandardError?: number;
  precisionStandardError?: number;
  recallStandardError?: number;
  f1StandardError?: number;
  mae?: number;
  mse?: number;
  rmse?: number;
  maeStandardError?: number;
  mseStandardError?: number;
}

export function mergeStates(states: readonly EstimateState[]): EstimateState | null {
  const [first, ...rest] = states;
  if (!first) return null;
  if (first.kind === 'classification') {
    const copy = (m: number[][]) => m.map((row) => [...row]);
    const addInto = (into: number[][], from: number[][]) => {
      for (const [t, row] of from.entries()) {
        const target = into[t] as number[];
        for (const [p, v] of row.entries()) target[p] = (target[p] as number) + v;
      }
    };
    const confusion = copy(first.confusion);
    let gram = first.gram && copy(first.gram);
    let byPredicted = first.byPredicted && copy(first.byPredicted);
    let { rows, variance } = first;
    let calibration = first.calibration;
    let classCalibration = first.classCalibration;
    for (const s of rest) {
      if (s.kind !== 'classification' || s.confusion.length !== confusion.length) continue;
      rows += s.rows;
      variance += s.variance;
      calibration = calibration && s.calibration ? mergeStrataCounts(calibration, s.calibration) : undefined;
      classCalibration =
        classCalibration && s.classCalibration
          ? mergeClassStrataCounts(classCalibration, s.classCalibration)
          : undefined;
      addInto(confusion, s.confusion);
      if (gram && byPredicted && s.gram && s.byPredicted) {
        addInto(gram, s.gram);
        addInto(byPredicted, s.byPredicted);
      } else {
        gram = undefined;
        byPredicted = undefined;
      }
    }
    return {
      kind: 'classification',
      rows,
      confusion,
      variance,
      ...(gram && byPredicted ? { gram, byPredicted } : {}),
      ...(calibration ? { calibration } : {}),
      ...(classCalibration ? { classCalibration } : {}),
    };
  }
  const merged = { ...first };
  for (const s of rest) {
    if (s.kind !== 'regression') continue;
    merged.rows += s.rows;
    merged.absolute += s.absolute;
    merged.squared += s.squared;
    merged.absoluteVariance += s.absoluteVariance;
    merged.squaredVariance += s.squaredVariance;
    merged.absoluteModelError = (merged.absoluteModelError ?? 0) + (s.absoluteModelError ?? 0);
    merged.squaredModelError = (merged.squaredModelError ?? 0) + (s.squaredModelError ?? 0);
  }
  return merged;
}

/**
 * The metrics of a state. Binary (two classes): precision, recall and F1 of the positive class (the second);
 * more classes: their macro averages, as the realized metrics report them.
 */
export function metricsOf(state: EstimateState): EstimatedMetrics {
  const n = state.rows;
  if (n === 0) return {};
  if (state.kind === 'regression') {
    const mse = state.squared / n;
    return {
      mae: state.absolute / n,
      mse,
      rmse: Math.sqrt(mse),
      maeStandardError: Math.hypot(Math.sqrt(state.absoluteVariance), state.absoluteModelError ?? 0) / n,
      mseStandardError: Math.hypot(Math.sqrt(state.squaredVariance), state.squaredModelError ?? 0) / n,
    };
  }
  const c = state.confusion;
  const k = c.length;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  let correct = 0;
  const perClass = c.map((_, j) => {
    const tp = (c[j] as number[])[j] as number;
    correct += tp;
    let predicted = 0;
    let actual = 0;
    for (let t = 0; t < k; t++) predicted += (c[t] as number[])[j] as number;
    for (let p = 0; p < k; p++) actual += (c[j] as number[])[p] as number;
    return {
      precision: ratio(tp, predicted),
      recall: ratio(tp, actual),
      f1: ratio(2 * tp, predicted + actual),
    };
  });
  const average = (key: 'precision' | 'recall' | 'f1') =>
    k === 2
      ? ((perClass[1] as (typeof perClass)[number])[key] as number)
      : perClass.reduce((sum, m) => sum + m[key], 0) / k;
  const errors =
    state.gram && state.byPredicted
      ? metricErrors(
          { confusion: c, gram: state.gram, byPredicted: state.byPredicted },
          k === 2 ? 'binary' : 'macro',
        )
      : undefined;
  const calibration =
    k > 2 && state.classCalibration
      ? summedErrors(state.classCalibration.map((group) => multiclassCalibrationErrors(c, group)))
      : k === 2 && state.calibration
        ? calibrationErrors(
            {
              tp: (c[1] as number[])[1] as number,
              fp: (c[0] as number[])[1] as number,
              fn: (c[1] as number[])[0] as number,
              tn: (c[0] as number[])[0] as number,
            },
            state.calibration,
          )
        : undefined;
  // The calibrator's share of each band, in quadrature with the labels' (binary models that kept their strata).
  const withCalibration = (sampling: number, key: 'accuracy' | 'precision' | 'recall' | 'f1') =>
    Math.hypot(sampling, calibration?.[key] ?? 0);
  return {
    accuracy: correct / n,
    precision: average('precision'),
    recall: average('recall'),
    f1: average('f1'),
    accuracyStandardError: withCalibration(Math.sqrt(state.variance) / n, 'accuracy'),
    ...(errors
      ? {
          precisionStandardError: withCalibration(errors.precision, 'precision'),
          recallStandardError: withCalibration(errors.recall, 'recall'),
          f1StandardError: withCalibration(errors.f1, 'f1'),
        }
      : {}),
  };
}

/** Errors of different calibrators taken as erring alike: they add. */
function summedErrors(errors: ReadonlyArray<ReturnType<typeof multiclassCalibrationErrors>>) {
  const sum = { accuracy: 0, precision: 0, recall: 0, f1: 0 };
  for (const e of errors) for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += e[key];
  return sum;
}
