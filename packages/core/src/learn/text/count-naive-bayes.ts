import { StewardInputError } from '../../errors.js';
import { checkClassLabels, type Label, type Labels } from '../../metrics/input.js';
import { sortedUnique } from '../../metrics/labels.js';
import { argmaxClasses } from '../classes.js';
import { checkModelFile, type ModelFile, modelFile } from '../model-file.js';
import { checkSparseMatrix, type SparseMatrix } from './sparse-matrix.js';

export interface CountNaiveBayesOptions {
  /** Additive (Laplace/Lidstone) smoothing of the counts (default 1; below 1e-10 it is 1e-10, as scikit-learn 1.2). */
  alpha?: number;
  /** Learn the class priors from the data (default true); false: uniform. */
  fitPrior?: boolean;
  /** Fixed class priors, in the order of the sorted classes (overrides fitPrior). */
  classPrior?: readonly number[];
}

interface CountState {
  classes: Label[];
  classCount: Float64Array;
  /** featureCount[c][j]: the sum of column j over the rows of class c. */
  featureCount: Float64Array[];
  features: number;
}

const MIN_ALPHA = 1e-10;

/**
 * What multinomial and complement naive Bayes share: per-class sums of each column of non-negative counts (or
 * TF-IDF), kept exactly, so `partialFit` batch by batch equals one `fit` on everything.
 */
export abstract class CountNaiveBayes {
  readonly options: { alpha: number; fitPrior: boolean; classPrior?: readonly number[] };
  protected s: CountState | undefined;
  protected featureLogProbs: Float64Array[] = [];
  protected classLogPriors = new Float64Array(0);

  constructor(
    protected readonly kind: string,
    options: CountNaiveBayesOptions,
  ) {
    const alpha = options.alpha ?? 1;
    if (!(typeof alpha === 'number' && alpha >= 0 && Number.isFinite(alpha)))
      throw new StewardInputError(
        `${kind}: alpha must be a non-negative number, got ${String(alpha)}`,
        'alpha',
      );
    this.options = {
      alpha: Math.max(alpha, MIN_ALPHA),
      fitPrior: options.fitPrior ?? true,
      ...(options.classPrior ? { classPrior: options.classPrior } : {}),
    };
  }

  get classes(): Label[] | undefined {
    return this.s?.classes;
  }

  /** log P(feature | class) per class, or its complement's weights (scikit-learn's `feature_log_prob_`). */
  get featureLogProb(): Float64Array[] {
    return this.featureLogProbs;
  }

  /** log P(class) (scikit-learn's `class_log_prior_`). */
  get classLogPrior(): Float64Array {
    return this.classLogPriors;
  }

  /**
   * Learns the counts of `X`. With `warmStart` a fitted model adds them to what it has (its classes stay), which for
   * counts is exactly fine-tuning: the result equals one fit on the old rows and the new ones.
   */
  fit(X: SparseMatrix, y: Labels, options: { warmStart?: boolean } = {}): this {
    if (!options.warmStart) this.s = undefined;
    return this.partialFit(X, y);
  }

  /** Takes sparse rows (hashed text): a pipeline with text columns may hand it a `SparseMatrix`. */
  readonly sparseInput = true;

  /** Adds a batch. The first call fixes the classes: pass `classes` when the first batch may not hold them all. */
  partialFit(X: SparseMatrix, y: Labels, classes?: readonly Label[]): this {
    checkSparseMatrix(X);
    if (y === null || typeof y !== 'object' || y.length !== X.rows)
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${X.rows} rows`, 'y');
    checkClassLabels('y', y);
    const data = X.data;
    for (let k = 0; k < data.length; k++)
      if ((data[k] as number) < 0)
        throw new StewardInputError(
          `${this.kind} counts must not be negative (got ${data[k]}): use alternateSign: false in the HashingVectorizer`,
          'X',
        );
    if (!this.s) {
      const known = sortedUnique(classes ? [...classes, ...Array.from(y)] : Array.from(y));
      this.s = {
        classes: known,
        classCount: new Float64Array(known.length),
        featureCount: known.map(() => new Float64Array(X.cols)),
        features: X.cols,
      };
    }
    const s = this.s;
    if (X.cols !== s.features)
      throw new StewardInputError(`X has ${X.cols} columns, the model was fitted on ${s.features}`, 'X');
    // Every label is checked before anything is counted: a batch with a bad label changes nothing.
    const index = new Map(s.classes.map((c, k) => [c, k]));
    const rowClass = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const c = index.get((y as ArrayLike<Label>)[i] as Label);
      if (c === undefined)
        throw new StewardInputError(
          `label ${String((y as ArrayLike<Label>)[i])} is not one of the classes ${JSON.stringify(s.classes)} fixed by the first batch`,
          'y',
        );
      rowClass[i] = c;
    }
    const { indptr, indices } = X;
    for (let i = 0; i < X.rows; i++) {
      const c = rowClass[i] as number;
      s.classCount[c] = (s.classCount[c] as number) + 1;
      const counts = s.featureCount[c] as Float64Array;
      const end = indptr[i + 1] as number;
      for (let k = indptr[i] as number; k < end; k++)
        counts[indices[k] as number] = (counts[indices[k] as number] as number) + (data[k] as number);
    }
    this.update();
    return this;
  }

  /** The joint log-likelihood of each row and class (scikit-learn's `_joint_log_likelihood`). */
  protected abstract jointLogLikelihood(X: SparseMatrix): Float64Array[];
  protected abstract updateFeatureLogProb(s: CountState): void;

  predictProba(X: SparseMatrix): Float64Array[] {
    return this.jointLogLikelihood(this.checked(X)).map((row) => {
      let max = Number.NEGATIVE_INFINITY;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (const v of row) sum += Math.exp(v - max);
      const log = max + Math.log(sum);
      return row.map((v) => Math.exp(v - log));
    });
  }

  predict(X: SparseMatrix): Label[] {
    const scores = this.jointLogLikelihood(this.checked(X));
    return argmaxClasses(scores, (this.s as CountState).classes);
  }

  /** Row × class: Σ_j x_ij · weights[c][j]. */
  protected scores(X: SparseMatrix, weights: readonly Float64Array[]): Float64Array[] {
    const out: Float64Array[] = [];
    for (let i = 0; i < X.rows; i++) {
      const row = new Float64Array(weights.length);
      for (const [c, w] of weights.entries()) {
        let sum = 0;
        for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++)
          sum += (X.data[k] as number) * (w[X.indices[k] as number] as number);
        row[c] = sum;
      }
      out.push(row);
    }
    return out;
  }

  toJSON(): ModelFile {
    const s = this.s;
    if (!s) throw new StewardInputError(`${this.kind} is not fitted: nothing to save`, 'model');
    // Counts are mostly zero (hashed n-grams): only the non-zero ones, as [column, count] pairs.
    const sparse = (counts: Float64Array) => {
      const pairs: number[] = [];
      counts.forEach((v, j) => {
        if (v !== 0) pairs.push(j, v);
      });
      return pairs;
    };
    return modelFile(this.kind, this.options, {
      classes: s.classes,
      classCount: Array.from(s.classCount),
      features: s.features,
      featureCount: s.featureCount.map(sparse),
    });
  }

  protected load(json: unknown): this {
    const file = checkModelFile(json, this.kind);
    const state = file.state as {
      classes?: unknown;
      classCount?: unknown;
      features?: unknown;
      featureCount?: unknown;
    };
    const classes = state.classes;
    const features = state.features;
    if (
      !Array.isArray(classes) ||
      !Array.isArray(state.classCount) ||
      state.classCount.length !== classes.length ||
      !Number.isInteger(features) ||
      !Array.isArray(state.featureCount) ||
      state.featureCount.length !== classes.length
    )
      throw new StewardInputError(
        `${this.kind} model file: classes, classCount, features and featureCount are required`,
        'model',
      );
    const featureCount = state.featureCount.map((pairs: unknown) => {
      const counts = new Float64Array(features as number);
      if (!Array.isArray(pairs) || pairs.length % 2 !== 0)
        throw new StewardInputError(
          `${this.kind} model file: featureCount holds [column, count] pairs`,
          'model',
        );
      for (let k = 0; k < pairs.length; k += 2) {
        const j = pairs[k];
        const v = pairs[k + 1];
        if (!Number.isInteger(j) || j < 0 || j >= (features as number) || typeof v !== 'number' || !(v >= 0))
          throw new StewardInputError(
            `${this.kind} model file: a featureCount pair is out of range`,
            'model',
          );
        counts[j] = v;
      }
      return counts;
    });
    this.s = {
      classes: classes as Label[],
      classCount: Float64Array.from(state.classCount as number[]),
      featureCount,
      features: features as number,
    };
    this.update();
    return this;
  }

  private update(): void {
    const s = this.s as CountState;
    const k = s.classes.length;
    const prior = this.options.classPrior;
    if (prior) {
      if (prior.length !== k)
        throw new StewardInputError(`classPrior has ${prior.length} values for ${k} classes`, 'classPrior');
      this.classLogPriors = Float64Array.from(prior, Math.log);
    } else if (this.options.fitPrior) {
      let total = 0;
      for (const c of s.classCount) total += c;
      // scikit-learn: log(count) − log(total), so a class not seen yet gets −∞.
      this.classLogPriors = s.classCount.map((c) => Math.log(c) - Math.log(total));
    } else this.classLogPriors = new Float64Array(k).fill(-Math.log(k));
    this.updateFeatureLogProb(s);
  }

  private checked(X: SparseMatrix): SparseMatrix {
    checkSparseMatrix(X);
    const s = this.s;
    if (!s) throw new StewardInputError(`${this.kind} is not fitted yet: call fit first`, 'model');
    if (X.cols !== s.features)
      throw new StewardInputError(`X has ${X.cols} columns, the model was fitted on ${s.features}`, 'X');
    return X;
  }
}

export type { CountState };
