import { StewardInputError } from '../errors.js';
import type { Label } from './input.js';
import { formatLabels } from './labels.js';

/** How per-class scores are combined, with scikit-learn's meanings. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';
/** The value of a ratio whose denominator is zero; `'warn'` acts as 0, as in scikit-learn. */
export type ZeroDivision = 'warn' | 0 | 1;

export interface SetWiseOptions {
  /** Default `'binary'`: report only `posLabel`'s score (the target must have at most two labels). */
  average?: Average;
  /** The positive class when `average` is `'binary'`. Default `1`. */
  posLabel?: Label;
  /** The labels to score and average over, in this order. Default: every label in yTrue or yPred. */
  labels?: readonly Label[];
  /** Value of precision or recall when its denominator is zero. Default `'warn'` (0). */
  zeroDivision?: ZeroDivision;
}

export interface PerClassScores {
  labels: Label[];
  precision: number[];
  recall: number[];
  fScore: number[];
  /** Weighted count of true samples per label. */
  support: number[];
}

export interface AveragedScores {
  precision: number;
  recall: number;
  fScore: number;
}

/** The confusion counts that set-wise metrics are computed from: `counts[t * k + p]`, classes sorted. */
export interface ConfusionCounts {
  readonly classes: readonly Label[];
  readonly counts: Float64Array;
}

const AVERAGES: readonly Average[] = ['binary', 'micro', 'macro', 'weighted'];

function classTotals(view: ConfusionCounts, labels: readonly Label[]) {
  const k = view.classes.length;
  const index = new Map<Label, number>(view.classes.map((c, i) => [c, i]));
  const tp = new Float64Array(labels.length);
  const predSum = new Float64Array(labels.length);
  const trueSum = new Float64Array(labels.length);
  labels.forEach((label, j) => {
    const c = index.get(label);
    if (c === undefined) return;
    tp[j] = view.counts[c * k + c];
    for (let o = 0; o < k; o++) {
      predSum[j] += view.counts[o * k + c];
      trueSum[j] += view.counts[c * k + o];
    }
  });
  return { tp, predSum, trueSum };
}

/** Which labels a set-wise metric scores, with scikit-learn's checks of `average` and `posLabel`. */
function resolveLabels(view: ConfusionCounts, options: SetWiseOptions): readonly Label[] {
  const average = options.average ?? 'binary';
  if (!AVERAGES.includes(average)) {
    throw new StewardInputError(
      `average is '${String(average)}'; it must be one of ${AVERAGES.join(', ')}`,
      'average',
    );
  }
  if (average === 'binary') {
    const present = view.classes;
    if (present.length > 2) {
      throw new StewardInputError(
        `the target is multiclass (labels ${formatLabels(present)}) but average is 'binary': choose 'micro', 'macro' or 'weighted'`,
        'average',
      );
    }
    const posLabel = options.posLabel ?? 1;
    if (!present.includes(posLabel) && present.length >= 2) {
      throw new StewardInputError(
        `posLabel=${JSON.stringify(posLabel)} is not a valid label: it should be one of ${formatLabels(present)}`,
        'posLabel',
      );
    }
    return [posLabel];
  }
  if (options.labels !== undefined) {
    if (options.labels.length === 0)
      throw new StewardInputError('labels is empty: give at least one label', 'labels');
    return options.labels;
  }
  return view.classes;
}

function divide(num: Float64Array, den: Float64Array, zeroDivision: ZeroDivision): Float64Array {
  const fill = zeroDivision === 1 ? 1 : 0;
  const out = new Float64Array(num.length);
  for (let i = 0; i < num.length; i++) out[i] = den[i] === 0 ? fill : num[i] / den[i];
  return out;
}

function checkBeta(beta: number): void {
  if (!(beta >= 0)) throw new StewardInputError(`beta is ${beta}; the F-beta score needs beta >= 0`, 'beta');
}

function fScores(precision: Float64Array, recall: Float64Array, beta: number): Float64Array {
  if (beta === Number.POSITIVE_INFINITY) return recall.slice();
  const beta2 = beta * beta;
  const out = new Float64Array(precision.length);
  for (let i = 0; i < out.length; i++) {
    const denom = beta2 * precision[i] + recall[i];
    out[i] = ((1 + beta2) * precision[i] * recall[i]) / (denom === 0 ? 1 : denom);
  }
  return out;
}

function mean(values: Float64Array, weights?: Float64Array): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i] : 1;
    sum += values[i] * w;
    wsum += w;
  }
  return sum / wsum;
}

/** Per-label precision, recall, F-beta and support (scikit-learn's `precision_recall_fscore_support`, average=None). */
export function perClassScores(
  view: ConfusionCounts,
  beta: number,
  options: Omit<SetWiseOptions, 'average' | 'posLabel'> = {},
): PerClassScores {
  checkBeta(beta);
  const labels = resolveLabels(view, { ...options, average: 'macro' });
  const { tp, predSum, trueSum } = classTotals(view, labels);
  const zd = options.zeroDivision ?? 'warn';
  const precision = divide(tp, predSum, zd);
  const recall = divide(tp, trueSum, zd);
  return {
    labels: [...labels],
    precision: [...precision],
    recall: [...recall],
    fScore: [...fScores(precision, recall, beta)],
    support: [...trueSum],
  };
}

/** Averaged precision, recall and F-beta with scikit-learn 1.2's rules (`precision_recall_fscore_support`). */
export function averagedScores(
  view: ConfusionCounts,
  beta: number,
  options: SetWiseOptions = {},
): AveragedScores {
  checkBeta(beta);
  const average = options.average ?? 'binary';
  const labels = resolveLabels(view, options);
  let { tp, predSum, trueSum } = classTotals(view, labels);
  if (average === 'micro') {
    tp = Float64Array.of(tp.reduce((a, b) => a + b, 0));
    predSum = Float64Array.of(predSum.reduce((a, b) => a + b, 0));
    trueSum = Float64Array.of(trueSum.reduce((a, b) => a + b, 0));
  }
  const zd = options.zeroDivision ?? 'warn';
  const precision = divide(tp, predSum, zd);
  const recall = divide(tp, trueSum, zd);
  const fScore = fScores(precision, recall, beta);
  if (average === 'weighted') {
    const totalTrue = trueSum.reduce((a, b) => a + b, 0);
    if (totalTrue === 0) {
      const zero = zd === 1 ? 1 : 0;
      const noPredictions = predSum.reduce((a, b) => a + b, 0) === 0;
      return noPredictions
        ? { precision: zero, recall: zero, fScore: zero }
        : { precision: 0, recall: zero, fScore: 0 };
    }
    return {
      precision: mean(precision, trueSum),
      recall: mean(recall, trueSum),
      fScore: mean(fScore, trueSum),
    };
  }
  return { precision: mean(precision), recall: mean(recall), fScore: mean(fScore) };
}
