import { StewardInputError } from '../errors.js';
import {
  checkClassLabels,
  checkSameLength,
  checkSampleWeight,
  type Label,
  type Labels,
  type Numbers,
} from './input.js';
import { compareLabels, formatLabels } from './labels.js';
import {
  type AveragedScores,
  averagedScores,
  type PerClassScores,
  perClassScores,
  type SetWiseOptions,
} from './set-wise.js';

export interface ConfusionMatrixOptions {
  /** Rows and columns, in this order. Default: every label seen, sorted. */
  labels?: readonly Label[];
  /** Divide by row sums (`'true'`), column sums (`'pred'`) or the total (`'all'`). Default: raw counts. */
  normalize?: 'true' | 'pred' | 'all';
}

/** The serialised form of a {@link ConfusionState}: `counts` is row-major, rows are true labels. */
export interface ConfusionStateJSON {
  kind: 'confusion';
  version: 1;
  classes: Label[];
  counts: number[];
}

/**
 * Mergeable confusion counts for a window of labelled predictions. Every count-based classification metric
 * is computed from it, so the state of any split of the data, merged, gives exactly the one-shot result
 * (counts are sums of integers; with sample weights, equal up to floating-point reordering).
 *
 * @example
 * const a = ConfusionState.from([0, 1, 1], [0, 1, 0]);
 * const b = ConfusionState.from([1, 0], [1, 1]);
 * a.merge(b).f1(); // 0.6666666666666666, as f1([0, 1, 1, 1, 0], [0, 1, 0, 1, 1])
 */
export class ConfusionState {
  #classes: Label[] = [];
  #index = new Map<Label, number>();
  #counts = new Float64Array(0);

  /** Counts a batch of labelled predictions. */
  static from(yTrue: Labels, yPred: Labels, sampleWeight?: Numbers): ConfusionState {
    return new ConfusionState().add(yTrue, yPred, sampleWeight);
  }

  static fromJSON(json: ConfusionStateJSON): ConfusionState {
    if (json?.kind !== 'confusion' || json.version !== 1) {
      throw new StewardInputError('not a confusion state (expected kind "confusion", version 1)', 'kind');
    }
    const k = json.classes.length;
    if (!Array.isArray(json.counts) || json.counts.length !== k * k) {
      throw new StewardInputError(
        `confusion state counts must have ${k * k} values for ${k} classes`,
        'counts',
      );
    }
    const state = new ConfusionState();
    state.#ensureClasses(json.classes);
    if (state.#classes.length !== k) throw new StewardInputError('confusion state classes repeat', 'classes');
    const order = json.classes.map((c) => state.#index.get(c)!);
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) state.#counts[order[t] * k + order[p]] = json.counts[t * k + p];
    }
    return state;
  }

  /** The labels seen in yTrue or yPred, sorted as scikit-learn sorts them. */
  get classes(): readonly Label[] {
    return this.#classes;
  }

  /** Row-major counts over {@link classes}: `counts[t * k + p]` is the weight of true `t` predicted `p`. */
  get counts(): Float64Array {
    return this.#counts;
  }

  /** Total weight (the number of samples when unweighted). */
  get total(): number {
    let sum = 0;
    for (const c of this.#counts) sum += c;
    return sum;
  }

  /** Adds a batch. The batch is checked whole before anything is counted: a bad batch changes nothing. */
  add(yTrue: Labels, yPred: Labels, sampleWeight?: Numbers): this {
    const n = checkSameLength({ yTrue, yPred });
    checkSampleWeight(sampleWeight, n);
    const kindTrue = checkClassLabels('yTrue', yTrue);
    const kindPred = checkClassLabels('yPred', yPred);
    if (n > 0 && kindTrue !== kindPred) {
      throw new StewardInputError(
        `yTrue holds ${kindTrue}s but yPred holds ${kindPred}s: labels must be of one type`,
        'yPred',
      );
    }
    const existing = this.#classes[0];
    if (n > 0 && existing !== undefined && typeof existing !== kindTrue) {
      throw new StewardInputError(
        `this state counts ${typeof existing} labels but the batch holds ${kindTrue}s`,
        'yTrue',
      );
    }
    this.#ensureClasses(this.#newLabels(yTrue, yPred));
    const k = this.#classes.length;
    const counts = this.#counts;
    const index = this.#index;
    for (let i = 0; i < n; i++) {
      const cell = index.get(yTrue[i])! * k + index.get(yPred[i])!;
      counts[cell] += sampleWeight === undefined ? 1 : sampleWeight[i];
    }
    return this;
  }

  /** Adds another state's counts into this one. */
  merge(other: ConfusionState): this {
    const mine = this.#classes[0];
    const theirs = other.#classes[0];
    if (mine !== undefined && theirs !== undefined && typeof mine !== typeof theirs) {
      throw new StewardInputError('cannot merge states over number labels with states over string labels');
    }
    this.#ensureClasses(other.#classes);
    const k = this.#classes.length;
    const ko = other.#classes.length;
    const map = other.#classes.map((c) => this.#index.get(c)!);
    for (let t = 0; t < ko; t++) {
      for (let p = 0; p < ko; p++) this.#counts[map[t] * k + map[p]] += other.#counts[t * ko + p];
    }
    return this;
  }

  clone(): ConfusionState {
    return new ConfusionState().merge(this);
  }

  toJSON(): ConfusionStateJSON {
    return { kind: 'confusion', version: 1, classes: [...this.#classes], counts: [...this.#counts] };
  }

  /** Share (or, with `normalize: false`, weighted count) of correct predictions. */
  accuracy(options: { normalize?: boolean } = {}): number {
    this.#checkNotEmpty();
    const k = this.#classes.length;
    let correct = 0;
    for (let c = 0; c < k; c++) correct += this.#counts[c * k + c];
    if (options.normalize === false) return correct;
    const total = this.total;
    if (total === 0)
      throw new StewardInputError('sample weights sum to zero: accuracy is undefined', 'sampleWeight');
    return correct / total;
  }

  /** The confusion matrix, rows true labels and columns predicted labels (scikit-learn's `confusion_matrix`). */
  confusionMatrix(options: ConfusionMatrixOptions = {}): number[][] {
    this.#checkNotEmpty();
    const labels = options.labels ?? this.#classes;
    if (labels.length === 0)
      throw new StewardInputError('labels is empty: give at least one label', 'labels');
    const k = this.#classes.length;
    const idx = labels.map((l) => this.#index.get(l));
    const inTrue = idx.some((c) => c !== undefined && this.#rowSum(c) > 0);
    if (options.labels !== undefined && !inTrue) {
      throw new StewardInputError(
        `none of labels ${formatLabels(labels)} occurs in yTrue: at least one must`,
        'labels',
      );
    }
    const matrix = idx.map((t) =>
      idx.map((p) => (t === undefined || p === undefined ? 0 : this.#counts[t * k + p])),
    );
    return normalizeMatrix(matrix, options.normalize);
  }

  precisionRecallFscore(beta: number, options: SetWiseOptions = {}): AveragedScores {
    this.#checkNotEmpty();
    return averagedScores(this, beta, options);
  }

  /** Per-label precision, recall, F-beta and support, for reports. */
  perClass(options: { beta?: number } & Omit<SetWiseOptions, 'average' | 'posLabel'> = {}): PerClassScores {
    this.#checkNotEmpty();
    return perClassScores(this, options.beta ?? 1, options);
  }

  precision(options: SetWiseOptions = {}): number {
    return this.precisionRecallFscore(1, options).precision;
  }

  recall(options: SetWiseOptions = {}): number {
    return this.precisionRecallFscore(1, options).recall;
  }

  f1(options: SetWiseOptions = {}): number {
    return this.precisionRecallFscore(1, options).fScore;
  }

  fbeta(beta: number, options: SetWiseOptions = {}): number {
    return this.precisionRecallFscore(beta, options).fScore;
  }

  /** Matthews correlation coefficient, multiclass form (Gorodkin 2004), as scikit-learn computes it. */
  matthewsCorrcoef(): number {
    this.#checkNotEmpty();
    const k = this.#classes.length;
    const tSum = new Float64Array(k);
    const pSum = new Float64Array(k);
    let correct = 0;
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const c = this.#counts[t * k + p];
        tSum[t] += c;
        pSum[p] += c;
      }
      correct += this.#counts[t * k + t];
    }
    let n = 0;
    let tp = 0;
    let pp = 0;
    let tt = 0;
    for (let c = 0; c < k; c++) {
      n += pSum[c];
      tp += tSum[c] * pSum[c];
      pp += pSum[c] * pSum[c];
      tt += tSum[c] * tSum[c];
    }
    const covYtYp = correct * n - tp;
    const covYpYp = n * n - pp;
    const covYtYt = n * n - tt;
    if (covYpYp * covYtYt === 0) return 0;
    return covYtYp / Math.sqrt(covYtYt * covYpYp);
  }

  /** Mean recall over the labels present in yTrue; `adjusted` rescales so chance scores 0. */
  balancedAccuracy(options: { adjusted?: boolean } = {}): number {
    this.#checkNotEmpty();
    const k = this.#classes.length;
    let sum = 0;
    let present = 0;
    for (let c = 0; c < k; c++) {
      const row = this.#rowSum(c);
      if (row === 0) continue;
      sum += this.#counts[c * k + c] / row;
      present++;
    }
    if (present === 0)
      throw new StewardInputError('no true labels with non-zero weight: balanced accuracy is undefined');
    let score = sum / present;
    if (options.adjusted) {
      const chance = 1 / present;
      score = (score - chance) / (1 - chance);
    }
    return score;
  }

  #rowSum(c: number): number {
    const k = this.#classes.length;
    let sum = 0;
    for (let p = 0; p < k; p++) sum += this.#counts[c * k + p];
    return sum;
  }

  #checkNotEmpty(): void {
    if (this.#classes.length === 0)
      throw new StewardInputError('no samples counted yet: the metric is undefined');
  }

  #newLabels(yTrue: Labels, yPred: Labels): Label[] {
    const fresh = new Set<Label>();
    for (const y of [yTrue, yPred]) {
      for (let i = 0; i < y.length; i++) if (!this.#index.has(y[i])) fresh.add(y[i]);
    }
    return [...fresh];
  }

  /** Adds labels (keeping classes sorted) and moves the counts to the new layout. */
  #ensureClasses(labels: readonly Label[]): void {
    const fresh = labels.filter((l) => !this.#index.has(l));
    if (fresh.length === 0) return;
    const old = this.#classes;
    const oldCounts = this.#counts;
    const ko = old.length;
    const classes = [...new Set([...old, ...fresh])].sort(compareLabels);
    const k = classes.length;
    this.#classes = classes;
    this.#index = new Map(classes.map((c, i) => [c, i]));
    this.#counts = new Float64Array(k * k);
    const map = old.map((c) => this.#index.get(c)!);
    for (let t = 0; t < ko; t++) {
      for (let p = 0; p < ko; p++) this.#counts[map[t] * k + map[p]] = oldCounts[t * ko + p];
    }
  }
}

function normalizeMatrix(matrix: number[][], normalize: ConfusionMatrixOptions['normalize']): number[][] {
  if (normalize === undefined) return matrix;
  const safe = (num: number, den: number) => (den === 0 ? 0 : num / den);
  if (normalize === 'true') return matrix.map((row) => row.map((v) => safe(v, sum(row))));
  if (normalize === 'pred') {
    const cols = matrix[0].map((_, j) => sum(matrix.map((row) => row[j])));
    return matrix.map((row) => row.map((v, j) => safe(v, cols[j])));
  }
  if (normalize === 'all') {
    const total = sum(matrix.map(sum));
    return matrix.map((row) => row.map((v) => safe(v, total)));
  }
  throw new StewardInputError(
    `normalize is '${String(normalize)}'; it must be 'true', 'pred' or 'all'`,
    'normalize',
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
