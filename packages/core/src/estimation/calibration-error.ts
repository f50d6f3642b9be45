import { StewardInputError } from '../errors.js';
import type { MetricErrors } from './confusion-moments.js';

/**
 * What a calibrator could not learn exactly: the reference rows cut into strata of calibrated probability (its
 * quantiles), and per stratum the variance of its share of positives, p̄(1 − p̄)/n. The calibrator learnt each level
 * of probability from a stratum's rows, so it errs on all of a window's rows in that stratum alike.
 */
export interface CalibrationStrata {
  /** Upper edges of every stratum but the last, in calibrated probability. */
  edges: number[];
  variance: number[];
}

/**
 * A window's rows per stratum of one calibrator: how many were predicted positive and how many negative. Windows
 * estimated with the same calibrator add up; with different ones they stay separate groups.
 */
export interface StrataCounts {
  strata: CalibrationStrata;
  positive: number[];
  negative: number[];
}

/** The strata of a calibrator from its calibrated reference probabilities and the reference labels (0 or 1). */
export function calibrationStrata(
  calibrated: ArrayLike<number>,
  labels: ArrayLike<number>,
  strata = 10,
): CalibrationStrata {
  if (labels.length !== calibrated.length)
    throw new StewardInputError(
      `calibrated has ${calibrated.length} values and labels ${labels.length}`,
      'labels',
    );
  return quantileStrata(calibrated, labels, strata, (values) => {
    let positives = 0;
    for (const v of values) positives += v > 0 ? 1 : 0;
    const share = positives / values.length;
    return (share * (1 - share)) / values.length;
  });
}

/**
 * The reference cut into `strata` strata of `fitted` (its quantiles, as equal counts of rows): the upper edge of each
 * but the last, and per stratum `varianceOfMean` of the `actual` values of its rows — how far a model that learnt
 * the stratum's level from those rows may be off. CBPE's calibrators and DLE's loss models both use it.
 */
export function quantileStrata(
  fitted: ArrayLike<number>,
  actual: ArrayLike<number>,
  strata: number,
  varianceOfMean: (values: Float64Array) => number,
): CalibrationStrata {
  if (!Number.isInteger(strata) || strata < 1)
    throw new StewardInputError(`strata must be a positive integer, got ${strata}`, 'strata');
  const n = fitted.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (fitted[a] as number) - (fitted[b] as number),
  );
  const k = Math.max(1, Math.min(strata, n));
  const edges: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < k; c++) {
    const members = order.slice(Math.floor((c * n) / k), Math.floor(((c + 1) * n) / k));
    if (c < k - 1) edges.push(fitted[members[members.length - 1] as number] as number);
    variance.push(
      members.length > 0 ? varianceOfMean(Float64Array.from(members, (i) => actual[i] as number)) : 0,
    );
  }
  return { edges, variance };
}

/**
 * The error of a mean over `values` (a window's predicted levels) that comes from the strata's own errors, each
 * stratum erring alike on all its rows: √(Σ q_c² v_c) with q_c the share of the values in stratum c.
 */
export function strataError(strata: CalibrationStrata, values: ArrayLike<number>): number {
  const counts = new Float64Array(strata.variance.length);
  for (let i = 0; i < values.length; i++) {
    const c = stratumOf(strata, values[i] as number);
    counts[c] = (counts[c] as number) + 1;
  }
  let variance = 0;
  for (let c = 0; c < counts.length; c++)
    variance += ((counts[c] as number) / values.length) ** 2 * (strata.variance[c] as number);
  return Math.sqrt(variance);
}

/** The stratum of a calibrated probability. */
export function stratumOf(strata: CalibrationStrata, probability: number): number {
  let lo = 0;
  let hi = strata.edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (probability > (strata.edges[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts `rows` rows at calibrated `probability`, predicted as the class (`positive`) or as another. */
export function countStratum(counts: StrataCounts, probability: number, positive: boolean, rows = 1): void {
  const c = stratumOf(counts.strata, probability);
  const into = positive ? counts.positive : counts.negative;
  into[c] = (into[c] as number) + rows;
}

export function emptyStrataCounts(strata: CalibrationStrata): StrataCounts {
  const k = strata.variance.length;
  return { strata, positive: new Array<number>(k).fill(0), negative: new Array<number>(k).fill(0) };
}

/** Whether two strata are one calibrator's (the same edges and variances). */
function sameStrata(a: CalibrationStrata, b: CalibrationStrata): boolean {
  return (
    a.edges.length === b.edges.length &&
    a.edges.every((e, i) => e === b.edges[i]) &&
    a.variance.every((v, i) => v === b.variance[i])
  );
}

const copyCounts = (g: StrataCounts): StrataCounts => ({
  ...g,
  positive: [...g.positive],
  negative: [...g.negative],
});

function addCounts(into: StrataCounts, from: StrataCounts): void {
  for (let c = 0; c < from.positive.length; c++) {
    into.positive[c] = (into.positive[c] as number) + (from.positive[c] as number);
    into.negative[c] = (into.negative[c] as number) + (from.negative[c] as number);
  }
}

/** Adds another window's counts: into a group of the same calibrator, else as a group of its own. */
export function mergeStrataCounts(groups: StrataCounts[], more: readonly StrataCounts[]): StrataCounts[] {
  const out = groups.map(copyCounts);
  for (const g of more) {
    const same = out.find((o) => sameStrata(o.strata, g.strata));
    if (same) addCounts(same, g);
    else out.push(copyCounts(g));
  }
  return out;
}

/** The same for multiclass windows: a group is one calibrator per class, merged when every class's is the same. */
export function mergeClassStrataCounts(
  groups: readonly StrataCounts[][],
  more: readonly StrataCounts[][],
): StrataCounts[][] {
  const out = groups.map((g) => g.map(copyCounts));
  for (const group of more) {
    const same = out.find(
      (o) =>
        o.length === group.length &&
        o.every((counts, j) => sameStrata(counts.strata, (group[j] as StrataCounts).strata)),
    );
    if (same) for (const [j, counts] of group.entries()) addCounts(same[j] as StrataCounts, counts);
    else out.push(group.map(copyCounts));
  }
  return out;
}

/**
 * The calibration's share of the error of a binary estimate's accuracy, precision, recall and F1 (positive class),
 * from the expected counts (TP, FP, FN, TN) and the window's rows per stratum: a calibration error δ_c moves the
 * expected TP by m⁺_c δ_c and the expected FN by m⁻_c δ_c; linearised as `metricErrors` does. Groups of different
 * calibrators are taken as erring alike (their errors add), the cautious side.
 */
export function calibrationErrors(
  counts: { tp: number; fp: number; fn: number; tn: number },
  groups: readonly StrataCounts[],
): MetricErrors {
  const { tp, fp, fn, tn } = counts;
  const n = tp + fp + fn + tn;
  const predictedPositive = tp + fp;
  const actualPositive = tp + fn;
  const f1Denominator = predictedPositive + actualPositive;
  const weights = {
    accuracy: [1 / n, -1 / n],
    precision: [predictedPositive > 0 ? 1 / predictedPositive : 0, 0],
    recall: actualPositive > 0 ? [fn / actualPositive ** 2, -tp / actualPositive ** 2] : [0, 0],
    f1:
      f1Denominator > 0
        ? [(2 * (predictedPositive + fn)) / f1Denominator ** 2, (-2 * tp) / f1Denominator ** 2]
        : [0, 0],
  };
  const errorOf = ([w, v]: number[]) => {
    let total = 0;
    for (const g of groups) {
      let variance = 0;
      for (let c = 0; c < g.positive.length; c++)
        variance +=
          ((w as number) * (g.positive[c] as number) + (v as number) * (g.negative[c] as number)) ** 2 *
          (g.strata.variance[c] as number);
      total += Math.sqrt(variance);
    }
    return n > 0 ? total : 0;
  };
  return {
    accuracy: errorOf(weights.accuracy),
    precision: errorOf(weights.precision),
    recall: errorOf(weights.recall),
    f1: errorOf(weights.f1),
  };
}

/**
 * The calibration's share of a multiclass estimate's errors: one calibrator per class (that class against the rest),
 * `perClass[j]` the window's rows per stratum of class j's probability, `positive` those predicted as j and
 * `negative` the others. Class j's error δ moves its expected true positives (rows predicted j) and false negatives
 * (rows predicted otherwise); accuracy sums the true positives; the macro metrics average the classes', whose
 * calibrators are taken as independent.
 */
export function multiclassCalibrationErrors(
  confusion: readonly (readonly number[])[],
  perClass: readonly StrataCounts[],
): MetricErrors {
  const k = confusion.length;
  let n = 0;
  for (const row of confusion) for (const v of row) n += v;
  if (n === 0) return { accuracy: 0, precision: 0, recall: 0, f1: 0 };
  let accuracy = 0;
  const sums = { precision: 0, recall: 0, f1: 0 };
  for (let j = 0; j < k; j++) {
    const counts = perClass[j];
    if (!counts) continue;
    const tp = (confusion[j] as readonly number[])[j] as number;
    let predicted = 0;
    let actual = 0;
    for (let t = 0; t < k; t++) {
      predicted += (confusion[t] as readonly number[])[j] as number;
      actual += (confusion[j] as readonly number[])[t] as number;
    }
    const fp = predicted - tp;
    const fn = actual - tp;
    const one = calibrationErrors({ tp, fp, fn, tn: n - tp - fp - fn }, [counts]);
    sums.precision += one.precision ** 2;
    sums.recall += one.recall ** 2;
    sums.f1 += one.f1 ** 2;
    for (let c = 0; c < counts.positive.length; c++)
      accuracy += ((counts.positive[c] as number) / n) ** 2 * (counts.strata.variance[c] as number);
  }
  return {
    accuracy: Math.sqrt(accuracy),
    precision: Math.sqrt(sums.precision) / k,
    recall: Math.sqrt(sums.recall) / k,
    f1: Math.sqrt(sums.f1) / k,
  };
}
