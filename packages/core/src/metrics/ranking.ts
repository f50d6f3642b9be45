import { StewardInputError } from '../errors.js';
import { type BinaryCurve, binaryCurve } from './binary-curve.js';
import {
  checkClassLabels,
  checkFinite,
  checkNotEmpty,
  checkSameLength,
  checkSampleWeight,
  isScoreMatrix,
  type Label,
  type Labels,
  type Numbers,
  type ScoreMatrix,
} from './input.js';
import { compareLabels, formatLabels, hasDefaultPositive, uniqueLabels } from './labels.js';

export interface RocAucOptions {
  /** Multiclass averaging. Default `'macro'`; `'micro'` only with `multiClass: 'ovr'`. */
  average?: 'macro' | 'weighted' | 'micro';
  /** Multiclass strategy: one-vs-rest or one-vs-one (Hand & Till 2001). Required for more than two classes. */
  multiClass?: 'ovr' | 'ovo';
  /** Multiclass: the classes of the score columns, sorted. Default: the labels of yTrue. */
  labels?: readonly Label[];
  /** Binary only: standardised partial AUC over false positive rates in [0, maxFpr] (McClish 1989). */
  maxFpr?: number;
  sampleWeight?: Numbers;
}

export interface CurveOptions {
  /** The positive class. Default `1`, allowed only when yTrue's labels are within {0, 1} or {-1, 1}. */
  posLabel?: Label;
  sampleWeight?: Numbers;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is the highest score plus one, as in scikit-learn 1.2. */
  thresholds: number[];
}

export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/** scikit-learn's `_check_pos_label_consistency`: a default positive class only for {0,1} or {-1,1} labels. */
function resolvePosLabel(yTrue: Labels, posLabel: Label | undefined): Label {
  if (posLabel !== undefined) return posLabel;
  const classes = uniqueLabels(yTrue);
  if (!hasDefaultPositive(classes)) {
    throw new StewardInputError(
      `yTrue takes values in ${formatLabels(classes)} and posLabel is not given: make yTrue take values in {0, 1} or {-1, 1}, or pass posLabel`,
      'posLabel',
    );
  }
  return 1;
}

function checkScores(yTrue: Labels, yScore: Numbers, sampleWeight: Numbers | undefined): void {
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yScore });
  checkSampleWeight(sampleWeight, n);
  checkClassLabels('yTrue', yTrue);
  checkFinite('yScore', yScore);
}

function positiveMask(yTrue: Labels, posLabel: Label): Uint8Array {
  const mask = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) mask[i] = yTrue[i] === posLabel ? 1 : 0;
  return mask;
}

/** Area under the ROC curve from the curve's counts (trapezoids, so tied scores earn half credit). */
function curveAuc(curve: BinaryCurve, maxFpr: number | undefined): number {
  const { tps, fps } = curve;
  const m = tps.length;
  const totalTp = tps[m - 1];
  const totalFp = fps[m - 1];
  if (maxFpr === undefined || maxFpr === 1) {
    let area = 0;
    let prevTp = 0;
    let prevFp = 0;
    for (let k = 0; k < m; k++) {
      area += (fps[k] - prevFp) * (tps[k] + prevTp);
      prevTp = tps[k];
      prevFp = fps[k];
    }
    return area / 2 / (totalTp * totalFp);
  }
  if (!(maxFpr > 0 && maxFpr <= 1))
    throw new StewardInputError(`maxFpr is ${maxFpr}; it must be in (0, 1]`, 'maxFpr');
  // Partial AUC up to maxFpr, with a point interpolated at maxFpr, then McClish's standardisation.
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let k = 0; k < m; k++) {
    const x1 = fps[k] / totalFp;
    const y1 = tps[k] / totalTp;
    if (x1 > maxFpr) {
      const yAt = y0 + ((maxFpr - x0) * (y1 - y0)) / (x1 - x0);
      area += ((maxFpr - x0) * (yAt + y0)) / 2;
      break;
    }
    area += ((x1 - x0) * (y1 + y0)) / 2;
    x0 = x1;
    y0 = y1;
  }
  const minArea = 0.5 * maxFpr * maxFpr;
  return 0.5 * (1 + (area - minArea) / (maxFpr - minArea));
}

function binaryAuc(
  positive: Uint8Array,
  scores: Numbers,
  sampleWeight: Numbers | undefined,
  maxFpr?: number,
): number {
  let nPos = 0;
  for (let i = 0; i < positive.length; i++) nPos += positive[i];
  if (nPos === 0 || nPos === positive.length) {
    throw new StewardInputError(
      'only one class is present in yTrue: ROC AUC is not defined in that case',
      'yTrue',
    );
  }
  return curveAuc(binaryCurve(positive, scores, sampleWeight), maxFpr);
}

/**
 * Area under the ROC curve (scikit-learn's `roc_auc_score`). Binary: `yScore` holds the score of the greater
 * label. Multiclass: `yScore` has one row per sample and one column per class (sorted), rows summing to 1.
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(yTrue: Labels, yScore: Numbers | ScoreMatrix, options: RocAucOptions = {}): number {
  const { sampleWeight } = options;
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yScore });
  checkSampleWeight(sampleWeight, n);
  checkClassLabels('yTrue', yTrue);
  const classes = uniqueLabels(yTrue);
  if (classes.length <= 2 && !(isScoreMatrix(yScore) && yScore[0].length > 2)) {
    if (isScoreMatrix(yScore)) {
      throw new StewardInputError(
        'for a binary target, yScore must be one score per sample (of the greater label)',
        'yScore',
      );
    }
    checkFinite('yScore', yScore);
    const posLabel = classes[classes.length - 1];
    return binaryAuc(positiveMask(yTrue, posLabel), yScore, sampleWeight, options.maxFpr);
  }
  if (options.maxFpr !== undefined && options.maxFpr !== 1) {
    throw new StewardInputError('partial AUC (maxFpr) is not available for multiclass targets', 'maxFpr');
  }
  if (options.multiClass === undefined) {
    throw new StewardInputError(
      `yTrue has ${classes.length} classes: set multiClass to 'ovr' (one-vs-rest) or 'ovo' (one-vs-one)`,
      'multiClass',
    );
  }
  if (!isScoreMatrix(yScore)) {
    throw new StewardInputError(
      'for a multiclass target, yScore must have one row per sample and one column per class',
      'yScore',
    );
  }
  return multiclassAuc(yTrue, yScore, classes, options);
}

function multiclassAuc(yTrue: Labels, yScore: ScoreMatrix, present: Label[], options: RocAucOptions): number {
  const { multiClass, sampleWeight } = options;
  const average = options.average ?? 'macro';
  const allowed = multiClass === 'ovr' ? ['micro', 'macro', 'weighted'] : ['macro', 'weighted'];
  if (!allowed.includes(average)) {
    throw new StewardInputError(
      `average '${average}' is not available with multiClass '${multiClass}'; use one of ${allowed.join(', ')}`,
      'average',
    );
  }
  if (multiClass !== 'ovr' && multiClass !== 'ovo') {
    throw new StewardInputError(
      `multiClass is '${String(multiClass)}'; it must be 'ovr' or 'ovo'`,
      'multiClass',
    );
  }
  const n = yTrue.length;
  const k = yScore[0].length;
  const columns: Float64Array[] = Array.from({ length: k }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = yScore[i];
    if (row.length !== k)
      throw new StewardInputError(`yScore[${i}] has ${row.length} columns but yScore[0] has ${k}`, 'yScore');
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new StewardInputError(`yScore[${i}][${c}] is ${String(v)}: expected a finite number`, 'yScore');
      columns[c][i] = v;
      sum += v;
    }
    // numpy.allclose(1, sum): |sum - 1| <= 1e-8 + 1e-5 * |sum|
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5 * Math.abs(sum))) {
      throw new StewardInputError(
        `yScore[${i}] sums to ${sum}: multiclass ROC AUC needs probabilities that sum to 1 over classes`,
        'yScore',
      );
    }
  }
  const classes = resolveScoreClasses(present, options.labels, k);
  const index = new Map(classes.map((c, i) => [c, i]));
  const codes = Int32Array.from({ length: n }, (_, i) => index.get(yTrue[i])!);
  return multiClass === 'ovo'
    ? oneVsOne(codes, columns, average, sampleWeight)
    : oneVsRest(codes, columns, average, sampleWeight);
}

function resolveScoreClasses(
  present: Label[],
  labels: readonly Label[] | undefined,
  k: number,
): readonly Label[] {
  if (labels === undefined) {
    if (present.length !== k) {
      throw new StewardInputError(
        `yTrue has ${present.length} classes but yScore has ${k} columns: pass labels to name the columns`,
        'yScore',
      );
    }
    return present;
  }
  if (new Set(labels).size !== labels.length) throw new StewardInputError('labels must be unique', 'labels');
  if (labels.some((l, i) => i > 0 && compareLabels(labels[i - 1], l) > 0))
    throw new StewardInputError('labels must be sorted', 'labels');
  if (labels.length !== k)
    throw new StewardInputError(`${labels.length} labels given but yScore has ${k} columns`, 'labels');
  const missing = present.filter((c) => !labels.includes(c));
  if (missing.length > 0)
    throw new StewardInputError(
      `yTrue holds labels ${formatLabels(missing)} that are not in labels`,
      'labels',
    );
  return labels;
}

function oneVsRest(
  codes: Int32Array,
  columns: Float64Array[],
  average: string,
  sampleWeight: Numbers | undefined,
): number {
  const n = codes.length;
  const k = columns.length;
  if (average === 'micro') {
    const positive = new Uint8Array(n * k);
    const scores = new Float64Array(n * k);
    const weights = sampleWeight === undefined ? undefined : new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        positive[i * k + c] = codes[i] === c ? 1 : 0;
        scores[i * k + c] = columns[c][i];
        if (weights) weights[i * k + c] = sampleWeight![i];
      }
    }
    return binaryAuc(positive, scores, weights);
  }
  const scores = new Float64Array(k);
  const classWeight = new Float64Array(k);
  for (let i = 0; i < n; i++) classWeight[codes[i]] += sampleWeight === undefined ? 1 : sampleWeight[i];
  for (let c = 0; c < k; c++) {
    const positive = Uint8Array.from(codes, (code) => (code === c ? 1 : 0));
    scores[c] = binaryAuc(positive, columns[c], sampleWeight);
  }
  if (average === 'macro') return scores.reduce((a, b) => a + b, 0) / k;
  let total = 0;
  let weighted = 0;
  for (let c = 0; c < k; c++) {
    total += classWeight[c];
    if (classWeight[c] !== 0) weighted += scores[c] * classWeight[c];
  }
  if (Math.abs(total) <= 1e-8) return 0;
  return weighted / total;
}

/** Hand & Till (2001): mean over class pairs of the two one-against-the-other AUCs. */
function oneVsOne(
  codes: Int32Array,
  columns: Float64Array[],
  average: string,
  sampleWeight: Numbers | undefined,
): number {
  if (sampleWeight !== undefined) {
    throw new StewardInputError(
      'sampleWeight is not supported for one-vs-one multiclass ROC AUC',
      'sampleWeight',
    );
  }
  const n = codes.length;
  const present = [...new Set(codes)].sort((a, b) => a - b);
  let sum = 0;
  let wsum = 0;
  for (let x = 0; x < present.length; x++) {
    for (let y = x + 1; y < present.length; y++) {
      const a = present[x];
      const b = present[y];
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (codes[i] === a || codes[i] === b) rows.push(i);
      const isA = Uint8Array.from(rows, (i) => (codes[i] === a ? 1 : 0));
      const isB = Uint8Array.from(isA, (v) => 1 - v);
      const aucA = binaryAuc(
        isA,
        Float64Array.from(rows, (i) => columns[a][i]),
        undefined,
      );
      const aucB = binaryAuc(
        isB,
        Float64Array.from(rows, (i) => columns[b][i]),
        undefined,
      );
      const weight = average === 'weighted' ? rows.length / n : 1;
      sum += ((aucA + aucB) / 2) * weight;
      wsum += weight;
    }
  }
  return sum / wsum;
}

function binaryCurveFor(yTrue: Labels, yScore: Numbers, options: CurveOptions): BinaryCurve {
  checkScores(yTrue, yScore, options.sampleWeight);
  const classes = uniqueLabels(yTrue);
  if (classes.length > 2) {
    throw new StewardInputError(
      `yTrue has ${classes.length} classes ${formatLabels(classes)}: this metric supports binary targets only`,
      'yTrue',
    );
  }
  const posLabel = resolvePosLabel(yTrue, options.posLabel);
  return binaryCurve(positiveMask(yTrue, posLabel), yScore, options.sampleWeight);
}

/**
 * Average precision: precision at each threshold weighted by the recall gained there (scikit-learn's
 * `average_precision_score`, binary targets; no interpolation).
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333333333333333
 */
export function averagePrecision(
  yTrue: Labels,
  yScore: Numbers,
  options: Omit<CurveOptions, 'posLabel'> & { posLabel?: Label } = {},
): number {
  checkNotEmpty('yTrue', yTrue);
  const posLabel = options.posLabel ?? 1;
  const present = uniqueLabels(yTrue);
  if (present.length === 2 && !present.includes(posLabel)) {
    throw new StewardInputError(
      `posLabel=${JSON.stringify(posLabel)} is not a valid label: it should be one of ${formatLabels(present)}`,
      'posLabel',
    );
  }
  const { tps, fps } = binaryCurveFor(yTrue, yScore, { ...options, posLabel });
  const m = tps.length;
  const totalTp = tps[m - 1];
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < m; k++) {
    const recallK = totalTp === 0 ? 1 : tps[k] / totalTp;
    const ps = tps[k] + fps[k];
    ap += (recallK - prevRecall) * (ps === 0 ? 0 : tps[k] / ps);
    prevRecall = recallK;
  }
  return ap;
}

/**
 * The ROC curve (scikit-learn 1.2's `roc_curve`): false and true positive rates at each threshold, with
 * collinear points dropped unless `dropIntermediate` is false. A rate with no samples to divide by is NaN.
 */
export function rocCurve(
  yTrue: Labels,
  yScore: Numbers,
  options: CurveOptions & { dropIntermediate?: boolean } = {},
): RocCurve {
  let { thresholds, tps, fps } = binaryCurveFor(yTrue, yScore, options);
  const m = tps.length;
  if ((options.dropIntermediate ?? true) && m > 2) {
    const keep: number[] = [0];
    for (let k = 1; k < m - 1; k++) {
      const d2fp = fps[k + 1] - 2 * fps[k] + fps[k - 1];
      const d2tp = tps[k + 1] - 2 * tps[k] + tps[k - 1];
      if (d2fp !== 0 || d2tp !== 0) keep.push(k);
    }
    keep.push(m - 1);
    thresholds = Float64Array.from(keep, (k) => thresholds[k]);
    tps = Float64Array.from(keep, (k) => tps[k]);
    fps = Float64Array.from(keep, (k) => fps[k]);
  }
  const totalTp = tps[tps.length - 1];
  const totalFp = fps[fps.length - 1];
  return {
    fpr: [0, ...fps].map((v) => (totalFp <= 0 ? Number.NaN : v / totalFp)),
    tpr: [0, ...tps].map((v) => (totalTp <= 0 ? Number.NaN : v / totalTp)),
    thresholds: [thresholds[0] + 1, ...thresholds],
  };
}

/**
 * Precision and recall at each threshold (scikit-learn 1.2's `precision_recall_curve`), ordered by increasing
 * threshold and ending with the point (recall 0, precision 1). With no positives recall is 1 throughout.
 */
export function precisionRecallCurve(
  yTrue: Labels,
  yScore: Numbers,
  options: CurveOptions = {},
): PrecisionRecallCurve {
  const { thresholds, tps, fps } = binaryCurveFor(yTrue, yScore, options);
  const m = tps.length;
  const totalTp = tps[m - 1];
  const precision: number[] = [];
  const recall: number[] = [];
  const ascending: number[] = [];
  for (let k = m - 1; k >= 0; k--) {
    const ps = tps[k] + fps[k];
    precision.push(ps === 0 ? 0 : tps[k] / ps);
    recall.push(totalTp === 0 ? 1 : tps[k] / totalTp);
    ascending.push(thresholds[k]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: ascending };
}
