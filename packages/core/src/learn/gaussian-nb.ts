import { StewardInputError } from '../errors.js';
import { checkClassLabels, type Label, type Labels } from '../metrics/input.js';
import { compareLabels, sortedUnique } from '../metrics/labels.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { argmaxClasses } from './classes.js';
import { defineLearner } from './definition.js';
import { type Dense, type FeatureRows, toDense } from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';

export interface GaussianNBOptions {
  /** Share of the largest feature variance added to every variance, for stability (default 1e-9). */
  varSmoothing?: number;
}

export const GAUSSIAN_NB_DEFAULTS = { varSmoothing: 1e-9 } satisfies Required<GaussianNBOptions>;

export const GAUSSIAN_NB_OPTIONS: OptionsSpec<GaussianNBOptions> = {
  varSmoothing: {
    type: 'number',
    min: 0,
    doc: 'share of the largest feature variance added to every variance (1e-9)',
  },
};

interface GaussianNBState {
  classes: Label[];
  classCount: number[];
  theta: number[][];
  variance: number[][];
  epsilon: number;
}

/**
 * Gaussian naive Bayes, as scikit-learn's `GaussianNB`: per class, an independent normal per feature. `partialFit`
 * merges batches exactly (Chan, Golub & LeVeque), so a model kept up to date batch by batch equals one fitted on
 * everything at once, up to rounding and scikit-learn's own handling of the smoothing term (recomputed per batch).
 *
 * @example
 * ```ts
 * const model = new GaussianNB().fit([[0], [1], [5], [6]], ['a', 'a', 'b', 'b']);
 * Array.from(model.predict([[0.5], [5.5]])); // ["a","b"]
 * ```
 */
export class GaussianNB {
  readonly options: Required<GaussianNBOptions>;
  private s: GaussianNBState | undefined;

  constructor(options: GaussianNBOptions = {}) {
    this.options = resolveOptions('GaussianNB', GAUSSIAN_NB_OPTIONS, GAUSSIAN_NB_DEFAULTS, options);
  }

  get classes(): Label[] | undefined {
    return this.s?.classes;
  }

  /** Per-class feature means (scikit-learn's theta_). */
  get theta(): number[][] | undefined {
    return this.s?.theta;
  }

  /** Per-class feature variances including the smoothing term (scikit-learn's var_). */
  get variance(): number[][] | undefined {
    return this.s?.variance;
  }

  fit(X: FeatureRows, y: Labels): this {
    this.s = undefined;
    return this.partialFit(X, y);
  }

  /**
   * Adds a batch. The first call fixes the classes: pass `classes` when the first batch may not contain them all.
   */
  partialFit(X: FeatureRows, y: Labels, classes?: readonly Label[]): this {
    const dense = toDense(X);
    if (y === null || typeof y !== 'object' || y.length !== dense.rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${dense.rows} rows`, 'y');
    }
    checkClassLabels('y', y);
    const labels = Array.from(y);
    const d = dense.cols;
    const epsilon = this.options.varSmoothing * maxColumnVariance(dense);
    let s = this.s;
    if (!s) {
      const all = sortedUnique(classes ?? labels);
      s = {
        classes: all,
        classCount: all.map(() => 0),
        theta: all.map(() => new Array<number>(d).fill(0)),
        variance: all.map(() => new Array<number>(d).fill(0)),
        epsilon,
      };
    } else {
      if ((s.theta[0] as number[]).length !== d) {
        throw new StewardInputError(
          `X has ${d} features but the model has ${(s.theta[0] as number[]).length}`,
          'X',
        );
      }
      // As scikit-learn: the smoothing term of *this* batch is taken off before merging and put back after.
      for (const row of s.variance) for (let j = 0; j < d; j++) row[j] = (row[j] as number) - epsilon;
    }
    const index = new Map(s.classes.map((c, i) => [c, i]));
    const unknown = labels.find((label) => !index.has(label));
    if (unknown !== undefined) {
      throw new StewardInputError(
        `label ${String(unknown)} is not one of the model's classes (${s.classes.join(', ')}): pass all classes on the first partialFit`,
        'y',
      );
    }
    for (const [k, label] of s.classes.entries()) {
      const rows: number[] = [];
      labels.forEach((l, i) => {
        if (compareLabels(l, label) === 0) rows.push(i);
      });
      if (rows.length === 0) continue;
      mergeClass(s, k, dense, rows);
    }
    for (const row of s.variance) for (let j = 0; j < d; j++) row[j] = (row[j] as number) + epsilon;
    s.epsilon = epsilon;
    this.s = s;
    return this;
  }

  /** Class probabilities, one row per sample, in `classes` order. */
  predictProba(X: FeatureRows): Float64Array[] {
    const s = this.fitted();
    const dense = toDense(X);
    const d = (s.theta[0] as number[]).length;
    if (dense.cols !== d)
      throw new StewardInputError(`X has ${dense.cols} features but the model has ${d}`, 'X');
    const total = s.classCount.reduce((a, b) => a + b, 0);
    const K = s.classes.length;
    const logPrior = s.classCount.map((c) => Math.log(c / total));
    const logNorm = s.variance.map((v) => -0.5 * v.reduce((acc, x) => acc + Math.log(2 * Math.PI * x), 0));
    const out: Float64Array[] = [];
    for (let i = 0; i < dense.rows; i++) {
      const jll = new Float64Array(K);
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        const theta = s.theta[k] as number[];
        const variance = s.variance[k] as number[];
        let q = 0;
        for (let j = 0; j < d; j++)
          q += ((dense.data[i * d + j] as number) - (theta[j] as number)) ** 2 / (variance[j] as number);
        jll[k] = (logPrior[k] as number) + (logNorm[k] as number) - 0.5 * q;
        max = Math.max(max, jll[k] as number);
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp((jll[k] as number) - max);
      const logSum = max + Math.log(sum);
      out.push(jll.map((v) => Math.exp(v - logSum)));
    }
    return out;
  }

  predict(X: FeatureRows): Label[] {
    return argmaxClasses(this.predictProba(X), this.fitted().classes);
  }

  private fitted(): GaussianNBState {
    if (!this.s) throw new StewardInputError('GaussianNB is not fitted yet: call fit first', 'model');
    return this.s;
  }

  toJSON(): ModelFile<'GaussianNB', Required<GaussianNBOptions>, GaussianNBState> {
    return modelFile(
      'GaussianNB',
      { ...this.options },
      JSON.parse(JSON.stringify(this.fitted())) as GaussianNBState,
    );
  }

  static fromJSON(json: unknown): GaussianNB {
    const file = checkModelFile(json, 'GaussianNB');
    const state = file.state as Partial<GaussianNBState>;
    const model = new GaussianNB(file.params as GaussianNBOptions);
    const K = Array.isArray(state.classes) ? state.classes.length : 0;
    if (K < 1) throw new StewardInputError('GaussianNB model file: classes must not be empty', 'model');
    const d = Array.isArray(state.theta?.[0]) ? state.theta[0].length : 0;
    const rows = (name: string, value: unknown) => {
      if (!Array.isArray(value) || value.length !== K) {
        throw new StewardInputError(`GaussianNB model file: ${name} must have ${K} rows`, 'model');
      }
      return value.map((row, k) => Array.from(numbersField('GaussianNB', `${name}[${k}]`, row, d)));
    };
    model.s = {
      classes: [...(state.classes as Label[])],
      classCount: Array.from(numbersField('GaussianNB', 'classCount', state.classCount, K)),
      theta: rows('theta', state.theta),
      variance: rows('variance', state.variance),
      epsilon: numbersField('GaussianNB', 'epsilon', [state.epsilon], 1)[0] as number,
    };
    return model;
  }
}

function maxColumnVariance(m: Dense): number {
  let max = 0;
  for (let j = 0; j < m.cols; j++) {
    let mean = 0;
    for (let i = 0; i < m.rows; i++) mean += m.data[i * m.cols + j] as number;
    mean /= m.rows;
    let v = 0;
    for (let i = 0; i < m.rows; i++) v += ((m.data[i * m.cols + j] as number) - mean) ** 2;
    max = Math.max(max, v / m.rows);
  }
  return max;
}

/** Merges the rows of one class into its running mean and variance (population variance, as numpy.var). */
function mergeClass(s: GaussianNBState, k: number, X: Dense, rows: number[]): void {
  const d = X.cols;
  const nNew = rows.length;
  const nPast = s.classCount[k] as number;
  const theta = s.theta[k] as number[];
  const variance = s.variance[k] as number[];
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const i of rows) mean += X.data[i * d + j] as number;
    mean /= nNew;
    let v = 0;
    for (const i of rows) v += ((X.data[i * d + j] as number) - mean) ** 2;
    v /= nNew;
    if (nPast === 0) {
      theta[j] = mean;
      variance[j] = v;
    } else {
      const total = nPast + nNew;
      const oldMean = theta[j] as number;
      theta[j] = (nNew * mean + nPast * oldMean) / total;
      const ssd =
        nPast * (variance[j] as number) + nNew * v + ((nNew * nPast) / total) * (oldMean - mean) ** 2;
      variance[j] = ssd / total;
    }
  }
  s.classCount[k] = nPast + nNew;
}

export const gaussianNB = defineLearner({
  name: 'GaussianNB',
  task: 'classification',
  summary: "Gaussian naive Bayes, as scikit-learn's GaussianNB",
  options: GAUSSIAN_NB_OPTIONS,
  defaults: GAUSSIAN_NB_DEFAULTS,
  online: true,
  create: (options) => new GaussianNB(options),
  restore: GaussianNB.fromJSON,
});
