import { StewardInputError } from '../errors.js';
import { checkClassLabels, type Label, type Labels } from '../metrics/input.js';
import { sortedUnique } from '../metrics/labels.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { seededRandom, shuffleInPlace } from '../stats/random.js';
import { argmaxClasses } from './classes.js';
import { defineLearner } from './definition.js';
import { type Dense, type FeatureRows, toDense, toTarget } from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';
import { checkSparseMatrix, isSparseMatrix, type SparseMatrix } from './text/sparse-matrix.js';

/** scikit-learn's learning-rate schedules, by its names. */
export type LearningRate = 'constant' | 'optimal' | 'invscaling' | 'adaptive';

interface SgdCommonOptions {
  /** L2 penalty strength (default 0.0001). */
  alpha?: number;
  learningRate?: LearningRate;
  /** Initial learning rate for 'constant', 'invscaling' and 'adaptive'. */
  eta0?: number;
  /** Exponent of 'invscaling': eta = eta0 / t^powerT. */
  powerT?: number;
  fitIntercept?: boolean;
  /** Epochs of `fit` at most (default 1000). */
  maxIter?: number;
  /** `fit` stops when an epoch's loss has not improved by tol · n for `nIterNoChange` epochs (default 1e-3, 5). */
  tol?: number;
  nIterNoChange?: number;
  /** Shuffle the rows before every epoch, with `seed` (defaults true, 0). */
  shuffle?: boolean;
  seed?: number;
}

export interface SGDClassifierOptions extends SgdCommonOptions {
  /** 'hinge' (a linear SVM, scikit-learn's default) or 'log_loss' (logistic regression, gives probabilities). */
  loss?: 'hinge' | 'log_loss';
}

export interface SGDRegressorOptions extends SgdCommonOptions {
  loss?: 'squared_error';
}

const COMMON_DEFAULTS = {
  alpha: 0.0001,
  fitIntercept: true,
  maxIter: 1000,
  tol: 1e-3,
  nIterNoChange: 5,
  shuffle: true,
  seed: 0,
};

export const SGD_CLASSIFIER_DEFAULTS = {
  ...COMMON_DEFAULTS,
  loss: 'hinge',
  learningRate: 'optimal',
  eta0: 0,
  powerT: 0.5,
} satisfies Required<SGDClassifierOptions>;

export const SGD_REGRESSOR_DEFAULTS = {
  ...COMMON_DEFAULTS,
  loss: 'squared_error',
  learningRate: 'invscaling',
  eta0: 0.01,
  powerT: 0.25,
} satisfies Required<SGDRegressorOptions>;

const COMMON_OPTIONS: OptionsSpec<SgdCommonOptions> = {
  alpha: { type: 'number', min: 0, doc: 'L2 penalty strength (0.0001)' },
  learningRate: {
    type: 'choice',
    values: ['constant', 'optimal', 'invscaling', 'adaptive'],
    doc: "step size schedule ('optimal' for classifiers, 'invscaling' for regressors)",
  },
  eta0: { type: 'number', min: 0, doc: "initial step size of 'constant', 'invscaling' and 'adaptive'" },
  powerT: { type: 'number', doc: "exponent of 'invscaling': eta0 / t^powerT" },
  fitIntercept: { type: 'boolean', doc: 'fit an intercept (true)' },
  maxIter: { type: 'number', integer: true, min: 1, doc: 'epochs of fit at most (1000)' },
  tol: { type: 'number', min: 0, doc: 'stop when an epoch improves the loss by less than tol · n (1e-3)' },
  nIterNoChange: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'epochs without improvement before stopping (5)',
  },
  shuffle: { type: 'boolean', doc: 'shuffle the rows before every epoch (true)' },
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the shuffles (0)' },
};

export const SGD_CLASSIFIER_OPTIONS: OptionsSpec<SGDClassifierOptions> = {
  ...COMMON_OPTIONS,
  loss: {
    type: 'choice',
    values: ['hinge', 'log_loss'],
    doc: "'hinge' (a linear SVM) or 'log_loss' (probabilities)",
  },
};

export const SGD_REGRESSOR_OPTIONS: OptionsSpec<SGDRegressorOptions> = {
  ...COMMON_OPTIONS,
  loss: { type: 'choice', values: ['squared_error'], doc: "'squared_error'" },
};

/** One linear model trained by SGD: weights, intercept and the step counter t that drives the schedule. */
interface Linear {
  w: Float64Array;
  b: number;
}

type Loss = { value(p: number, y: number): number; derivative(p: number, y: number): number };

const LOSSES: Record<string, Loss> = {
  hinge: {
    value: (p, y) => Math.max(0, 1 - p * y),
    derivative: (p, y) => (p * y <= 1 ? -y : 0),
  },
  log_loss: {
    value: (p, y) => {
      const z = p * y;
      return z > 18 ? Math.exp(-z) : z < -18 ? -z : Math.log1p(Math.exp(-z));
    },
    derivative: (p, y) => {
      const z = p * y;
      return z > 18 ? -y * Math.exp(-z) : z < -18 ? -y : -y / (Math.exp(z) + 1);
    },
  },
  squared_error: { value: (p, y) => 0.5 * (p - y) ** 2, derivative: (p, y) => p - y },
};

const MAX_DLOSS = 1e12;
// scikit-learn moves the intercept a hundredth as fast on sparse input (SPARSE_INTERCEPT_DECAY): features there are
// mostly absent, so the intercept would otherwise take every step of every row.
const SPARSE_INTERCEPT_DECAY = 0.01;

/** Shared SGD machinery: scikit-learn's plain SGD with an L2 penalty, sample by sample. */
type BaseOptions = Required<SgdCommonOptions> & { loss: string };

abstract class SgdBase {
  readonly options: BaseOptions;
  /** Steps taken so far (scikit-learn's t_), which the learning rate depends on. */
  protected t = 1;
  protected eta = 0;
  protected random: () => number;

  constructor(options: BaseOptions) {
    this.options = options;
    const o = this.options;
    if (o.learningRate !== 'optimal' && !(o.eta0 > 0)) {
      throw new StewardInputError(`learningRate '${o.learningRate}' needs eta0 > 0`, 'eta0');
    }
    if (o.learningRate === 'optimal' && !(o.alpha > 0)) {
      throw new StewardInputError("learningRate 'optimal' needs alpha > 0", 'alpha');
    }
    this.random = seededRandom(o.seed);
    this.eta = o.eta0;
  }

  protected get loss(): Loss {
    return LOSSES[this.options.loss] as Loss;
  }

  /** The t at which 'optimal' starts (Bottou's heuristic, as scikit-learn). */
  private optimalInit(): number {
    const typw = Math.sqrt(1 / Math.sqrt(this.options.alpha));
    const initialEta0 = typw / Math.max(1, this.loss.derivative(-typw, 1));
    return 1 / (initialEta0 * this.options.alpha);
  }

  /** The learning rate of step t (scikit-learn's schedules; 'constant' and 'adaptive' keep the current eta). */
  private stepSize(optimalInit: number): number {
    const { alpha, learningRate, powerT, eta0 } = this.options;
    if (learningRate === 'optimal') return 1 / (alpha * (optimalInit + this.t - 1));
    return learningRate === 'invscaling' ? eta0 / this.t ** powerT : this.eta;
  }

  /**
   * One pass over `order`, updating every model in `models` on its own targets (one per class for
   * one-vs-rest), with the same learning rate at each step. Returns the summed loss per model.
   */
  protected epoch(models: Linear[], X: Dense, targets: Float64Array[], order: ArrayLike<number>): number[] {
    const { alpha, learningRate, fitIntercept } = this.options;
    const loss = this.loss;
    const d = X.cols;
    const optimalInit = learningRate === 'optimal' ? this.optimalInit() : 0;
    const sums = models.map(() => 0);
    for (let n = 0; n < order.length; n++) {
      const i = order[n] as number;
      const off = i * d;
      const eta = this.stepSize(optimalInit);
      const decay = Math.max(0, 1 - eta * alpha);
      for (let m = 0; m < models.length; m++) {
        const model = models[m] as Linear;
        const w = model.w;
        const y = (targets[m] as Float64Array)[i] as number;
        let p = model.b;
        for (let j = 0; j < d; j++) p += (w[j] as number) * (X.data[off + j] as number);
        sums[m] = (sums[m] as number) + loss.value(p, y);
        const dloss = Math.min(MAX_DLOSS, Math.max(-MAX_DLOSS, loss.derivative(p, y)));
        const update = -eta * dloss;
        for (let j = 0; j < d; j++) w[j] = (w[j] as number) * decay + update * (X.data[off + j] as number);
        if (fitIntercept) model.b += update;
      }
      this.t += 1;
    }
    return sums;
  }

  /**
   * The same pass on sparse rows, in time proportional to their non-zero entries: each weight vector is kept as
   * scale × w, so the L2 decay of a step multiplies the scale instead of every weight (folded back into w when it
   * falls below 1e-9 and at the end), as scikit-learn's WeightVector.
   */
  protected sparseEpoch(
    models: Linear[],
    X: SparseMatrix,
    targets: Float64Array[],
    order: ArrayLike<number>,
  ): number[] {
    const { alpha, learningRate, fitIntercept } = this.options;
    const loss = this.loss;
    const optimalInit = learningRate === 'optimal' ? this.optimalInit() : 0;
    const sums = models.map(() => 0);
    const scales = models.map(() => 1);
    const { indptr, indices, data } = X;
    for (let n = 0; n < order.length; n++) {
      const i = order[n] as number;
      const from = indptr[i] as number;
      const to = indptr[i + 1] as number;
      const eta = this.stepSize(optimalInit);
      const decay = Math.max(0, 1 - eta * alpha);
      for (let m = 0; m < models.length; m++) {
        const model = models[m] as Linear;
        const w = model.w;
        const y = (targets[m] as Float64Array)[i] as number;
        let dot = 0;
        for (let k = from; k < to; k++) dot += (w[indices[k] as number] as number) * (data[k] as number);
        let scale = scales[m] as number;
        const p = dot * scale + model.b;
        sums[m] = (sums[m] as number) + loss.value(p, y);
        const dloss = Math.min(MAX_DLOSS, Math.max(-MAX_DLOSS, loss.derivative(p, y)));
        const update = -eta * dloss;
        scale *= decay;
        if (scale < 1e-9) {
          for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) * scale;
          scale = 1;
        }
        if (update !== 0) {
          const step = update / scale;
          for (let k = from; k < to; k++)
            w[indices[k] as number] = (w[indices[k] as number] as number) + (data[k] as number) * step;
          if (fitIntercept) model.b += update * SPARSE_INTERCEPT_DECAY;
        }
        scales[m] = scale;
      }
      this.t += 1;
    }
    for (let m = 0; m < models.length; m++) {
      const w = (models[m] as Linear).w;
      const scale = scales[m] as number;
      if (scale !== 1) for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) * scale;
    }
    return sums;
  }

  /** Epochs until the loss stops improving, as scikit-learn's fit (with 'adaptive' dividing eta by 5 instead). */
  protected train(models: Linear[], X: Dense | SparseMatrix, targets: Float64Array[]): number {
    const { maxIter, tol, nIterNoChange, shuffle } = this.options;
    const order = Int32Array.from({ length: X.rows }, (_, i) => i);
    const best = models.map(() => Number.POSITIVE_INFINITY);
    const noImprovement = models.map(() => 0);
    this.eta = this.options.eta0;
    let epochs = 0;
    for (; epochs < maxIter; epochs++) {
      if (shuffle) shuffleInPlace(order, this.random);
      const sums = isSparseMatrix(X)
        ? this.sparseEpoch(models, X, targets, order)
        : this.epoch(models, X, targets, order);
      let stop = true;
      for (let m = 0; m < models.length; m++) {
        const s = sums[m] as number;
        if (!Number.isFinite(s)) {
          throw new StewardInputError(
            'SGD diverged (the loss overflowed): scale the features or lower eta0',
            'X',
          );
        }
        noImprovement[m] = s > (best[m] as number) - tol * X.rows ? (noImprovement[m] as number) + 1 : 0;
        if (s < (best[m] as number)) best[m] = s;
        if ((noImprovement[m] as number) < nIterNoChange) stop = false;
      }
      if (stop) {
        if (this.options.learningRate === 'adaptive' && this.eta > 1e-6) {
          this.eta /= 5;
          noImprovement.fill(0);
        } else return epochs + 1;
      }
    }
    return epochs;
  }

  protected orderFor(rows: number): Int32Array {
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    if (this.options.shuffle) shuffleInPlace(order, this.random);
    return order;
  }

  /** A batch as a dense matrix, in memory reused from the last batch of the same size (partialFit's batches). */
  protected batch(X: FeatureRows): Dense {
    const dense = toDense(X, 'X', this.scratch);
    this.scratch = dense.data;
    return dense;
  }

  private scratch: Float64Array | undefined;
}

interface ClassifierState {
  classes: Label[];
  coef: number[][];
  intercept: number[];
  t: number;
}

/**
 * Linear classifier trained by stochastic gradient descent, as scikit-learn's `SGDClassifier`: hinge (default) or
 * log loss, L2 penalty, its learning-rate schedules, one-vs-rest for more than two classes. `partialFit` runs one
 * pass over a batch and continues the schedule where the last call left it: online learning on a stream.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const model = new SGDClassifier({ loss: 'log_loss' }).fit(X, y);
 * Array.from(model.predict([[0.5], [4.5]])); // [0,1]
 * ```
 */
export class SGDClassifier extends SgdBase {
  declare readonly options: Required<SGDClassifierOptions>;
  classes: Label[] | undefined;
  models: Linear[] | undefined;
  /** Epochs run by the last `fit`. */
  epochs = 0;

  constructor(options: SGDClassifierOptions = {}) {
    super(resolveOptions('SGDClassifier', SGD_CLASSIFIER_OPTIONS, SGD_CLASSIFIER_DEFAULTS, options));
  }

  /** Takes sparse rows (hashed text): a pipeline with text columns may hand it a `SparseMatrix`. */
  readonly sparseInput = true;

  /**
   * Trains on dense rows or on a `SparseMatrix` (hashed text: time proportional to the non-zero entries). With
   * `warmStart` a fitted model goes on from its weights and keeps its classes, so a batch may hold only some of them
   * (fine-tuning on a window of one class; scikit-learn refuses a single class here).
   */
  fit(X: FeatureRows | SparseMatrix, y: Labels, options: { warmStart?: boolean } = {}): this {
    const dense = isSparseMatrix(X) ? checkSparseMatrix(X) : toDense(X);
    const goOn = options.warmStart === true && this.models !== undefined;
    const classes = this.checkLabels(y, dense.rows, goOn);
    if (!goOn) {
      this.start(classes, dense.cols);
      this.t = 1;
    } else {
      const known = new Set(this.classes);
      const unknown = classes.find((c) => !known.has(c));
      if (unknown !== undefined)
        throw new StewardInputError(
          `label ${String(unknown)} is not one of the model's classes (${this.classes?.join(', ')}): a warm start keeps them; fit without warmStart to learn new ones`,
          'y',
        );
      this.checkSame(this.classes as Label[], dense.cols);
    }
    this.epochs = this.train(this.models as Linear[], dense, this.targets(y));
    return this;
  }

  /** One pass over a batch. The first call fixes the classes: pass `classes` if the batch may lack some. */
  partialFit(X: FeatureRows | SparseMatrix, y: Labels, classes?: readonly Label[]): this {
    if (classes !== undefined && !Array.isArray(classes)) {
      throw new StewardInputError('partialFit classes must be an array of labels, as [0, 1]', 'classes');
    }
    const dense = isSparseMatrix(X) ? checkSparseMatrix(X) : this.batch(X);
    const seen = this.checkLabels(y, dense.rows, true);
    if (!this.models) {
      const all = sortedUnique([...(classes ?? []), ...seen]);
      if (all.length < 2) {
        throw new StewardInputError(
          'the first partialFit needs two classes: pass classes when the batch has one',
          'y',
        );
      }
      this.start(all, dense.cols);
    } else {
      const known = new Set(this.classes);
      const unknown = seen.find((c) => !known.has(c));
      if (unknown !== undefined) {
        throw new StewardInputError(
          `label ${String(unknown)} is not one of the model's classes (${this.classes?.join(', ')})`,
          'y',
        );
      }
      this.checkSame(this.classes as Label[], dense.cols);
    }
    const order = this.orderFor(dense.rows);
    if (isSparseMatrix(dense)) this.sparseEpoch(this.models as Linear[], dense, this.targets(y), order);
    else this.epoch(this.models as Linear[], dense, this.targets(y), order);
    return this;
  }

  /** Signed distance to each class's hyperplane (one column for two classes), as scikit-learn's decision_function. */
  decisionFunction(X: FeatureRows | SparseMatrix): Float64Array[] {
    const models = this.fitted();
    const d = (models[0] as Linear).w.length;
    if (isSparseMatrix(X)) {
      checkSparseMatrix(X);
      if (X.cols !== d) throw new StewardInputError(`X has ${X.cols} features but the model has ${d}`, 'X');
      return Array.from({ length: X.rows }, (_, i) =>
        Float64Array.from(models, (m) => {
          let p = m.b;
          for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++)
            p += (m.w[X.indices[k] as number] as number) * (X.data[k] as number);
          return p;
        }),
      );
    }
    const dense = toDense(X);
    if (dense.cols !== d)
      throw new StewardInputError(`X has ${dense.cols} features but the model has ${d}`, 'X');
    const out: Float64Array[] = [];
    for (let i = 0; i < dense.rows; i++) {
      out.push(
        Float64Array.from(models, (m) => {
          let p = m.b;
          for (let j = 0; j < d; j++) p += (m.w[j] as number) * (dense.data[i * d + j] as number);
          return p;
        }),
      );
    }
    return out;
  }

  predict(X: FeatureRows | SparseMatrix): Label[] {
    const classes = this.classes as Label[];
    const scores = this.decisionFunction(X);
    if (classes.length === 2) return scores.map((z) => classes[(z[0] as number) > 0 ? 1 : 0] as Label);
    return argmaxClasses(scores, classes);
  }

  /** Probabilities for loss 'log_loss' (one-vs-rest sigmoids normalised to sum to 1, as scikit-learn). */
  predictProba(X: FeatureRows | SparseMatrix): Float64Array[] {
    if (this.options.loss !== 'log_loss') {
      throw new StewardInputError(
        `predictProba needs loss 'log_loss'; this model uses '${this.options.loss}'`,
        'loss',
      );
    }
    return this.decisionFunction(X).map((z) => {
      const p = z.map((v) => 1 / (1 + Math.exp(-v)));
      if (p.length === 1) return Float64Array.of(1 - (p[0] as number), p[0] as number);
      const sum = p.reduce((a, b) => a + b, 0);
      return p.map((v) => v / sum);
    });
  }

  private checkLabels(y: Labels, rows: number, allowOne = false): Label[] {
    if (y === null || typeof y !== 'object' || y.length !== rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${rows} rows`, 'y');
    }
    checkClassLabels('y', y);
    const classes = sortedUnique(Array.from(y));
    if (!allowOne && classes.length < 2) {
      throw new StewardInputError(
        `y has only one class (${String(classes[0])}): a classifier needs two or more`,
        'y',
      );
    }
    return classes;
  }

  private start(classes: Label[], d: number): void {
    this.classes = classes;
    const count = classes.length === 2 ? 1 : classes.length;
    this.models = Array.from({ length: count }, () => ({ w: new Float64Array(d), b: 0 }));
  }

  private checkSame(classes: readonly Label[], d: number): void {
    const mine = this.classes as Label[];
    if (classes.length !== mine.length || classes.some((c, i) => c !== mine[i])) {
      throw new StewardInputError('warm start needs the same classes as the fitted model', 'y');
    }
    const have = ((this.models as Linear[])[0] as Linear).w.length;
    if (have !== d) throw new StewardInputError(`X has ${d} features but the model has ${have}`, 'X');
  }

  /** ±1 targets per model: for two classes the second is positive; otherwise one-vs-rest. */
  private targets(y: Labels): Float64Array[] {
    const classes = this.classes as Label[];
    const positives = classes.length === 2 ? [classes[1] as Label] : classes;
    return positives.map((c) => {
      const t = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) t[i] = y[i] === c ? 1 : -1;
      return t;
    });
  }

  private fitted(): Linear[] {
    if (!this.models)
      throw new StewardInputError('SGDClassifier is not fitted yet: call fit or partialFit first', 'model');
    return this.models;
  }

  toJSON(): ModelFile<'SGDClassifier', Required<SGDClassifierOptions>, ClassifierState> {
    const models = this.fitted();
    return modelFile(
      'SGDClassifier',
      { ...this.options },
      {
        classes: [...(this.classes as Label[])],
        coef: models.map((m) => Array.from(m.w)),
        intercept: models.map((m) => m.b),
        t: this.t,
      },
    );
  }

  static fromJSON(json: unknown): SGDClassifier {
    const file = checkModelFile(json, 'SGDClassifier');
    const state = file.state as Partial<ClassifierState>;
    const model = new SGDClassifier(file.params as SGDClassifierOptions);
    if (!Array.isArray(state.classes) || state.classes.length < 2) {
      throw new StewardInputError('SGDClassifier model file: classes must list at least two labels', 'model');
    }
    const count = state.classes.length === 2 ? 1 : state.classes.length;
    if (!Array.isArray(state.coef) || state.coef.length !== count) {
      throw new StewardInputError(`SGDClassifier model file: coef must have ${count} rows`, 'model');
    }
    const d = Array.isArray(state.coef[0]) ? state.coef[0].length : -1;
    const intercept = numbersField('SGDClassifier', 'intercept', state.intercept, count);
    model.classes = [...state.classes];
    model.models = state.coef.map((row, k) => ({
      w: numbersField('SGDClassifier', `coef[${k}]`, row, d),
      b: intercept[k] as number,
    }));
    model.t = numbersField('SGDClassifier', 't', [state.t], 1)[0] as number;
    return model;
  }
}

interface RegressorState {
  coef: number[];
  intercept: number;
  t: number;
}

/**
 * Linear regression trained by SGD, as scikit-learn's `SGDRegressor` (squared error, 'invscaling' by default).
 *
 * @example
 * ```ts
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [2, 4, 6, 8, 10, 12];
 * const model = new SGDRegressor().fit(X, y);
 * Array.from(model.predict([[7]]), (v) => Number(v.toFixed(1))); // [13.7]
 * ```
 */
export class SGDRegressor extends SgdBase {
  declare readonly options: Required<SGDRegressorOptions>;
  model: Linear | undefined;
  epochs = 0;

  constructor(options: SGDRegressorOptions = {}) {
    super(resolveOptions('SGDRegressor', SGD_REGRESSOR_OPTIONS, SGD_REGRESSOR_DEFAULTS, options));
  }

  fit(X: FeatureRows, y: ArrayLike<number>, options: { warmStart?: boolean } = {}): this {
    const dense = toDense(X);
    const target = toTarget(y, dense.rows);
    if (!options.warmStart || !this.model) {
      this.model = { w: new Float64Array(dense.cols), b: 0 };
      this.t = 1;
    } else this.checkFeatures(dense.cols);
    this.epochs = this.train([this.model], dense, [target]);
    return this;
  }

  partialFit(X: FeatureRows, y: ArrayLike<number>): this {
    const dense = this.batch(X);
    const target = toTarget(y, dense.rows);
    if (!this.model) this.model = { w: new Float64Array(dense.cols), b: 0 };
    else this.checkFeatures(dense.cols);
    this.epoch([this.model], dense, [target], this.orderFor(dense.rows));
    return this;
  }

  predict(X: FeatureRows): Float64Array {
    if (!this.model)
      throw new StewardInputError('SGDRegressor is not fitted yet: call fit or partialFit first', 'model');
    const m = this.model;
    const dense = toDense(X);
    this.checkFeatures(dense.cols);
    const d = dense.cols;
    return Float64Array.from({ length: dense.rows }, (_, i) => {
      let p = m.b;
      for (let j = 0; j < d; j++) p += (m.w[j] as number) * (dense.data[i * d + j] as number);
      return p;
    });
  }

  private checkFeatures(d: number): void {
    const have = (this.model as Linear).w.length;
    if (have !== d) throw new StewardInputError(`X has ${d} features but the model has ${have}`, 'X');
  }

  toJSON(): ModelFile<'SGDRegressor', Required<SGDRegressorOptions>, RegressorState> {
    if (!this.model)
      throw new StewardInputError('SGDRegressor is not fitted yet: call fit or partialFit first', 'model');
    return modelFile(
      'SGDRegressor',
      { ...this.options },
      { coef: Array.from(this.model.w), intercept: this.model.b, t: this.t },
    );
  }

  static fromJSON(json: unknown): SGDRegressor {
    const file = checkModelFile(json, 'SGDRegressor');
    const state = file.state as Partial<RegressorState>;
    const model = new SGDRegressor(file.params as SGDRegressorOptions);
    model.model = {
      w: numbersField('SGDRegressor', 'coef', state.coef),
      b: numbersField('SGDRegressor', 'intercept', [state.intercept], 1)[0] as number,
    };
    model.t = numbersField('SGDRegressor', 't', [state.t], 1)[0] as number;
    return model;
  }
}

export const sgdClassifier = defineLearner({
  name: 'SGDClassifier',
  task: 'classification',
  summary: "linear classifier trained by stochastic gradient descent, as scikit-learn's SGDClassifier",
  options: SGD_CLASSIFIER_OPTIONS,
  defaults: SGD_CLASSIFIER_DEFAULTS,
  online: true,
  sparse: true,
  fineTunable: ['alpha', 'maxIter', 'tol', 'nIterNoChange', 'eta0', 'learningRate', 'powerT'],
  create: (options) => new SGDClassifier(options),
  restore: SGDClassifier.fromJSON,
});

export const sgdRegressor = defineLearner({
  name: 'SGDRegressor',
  task: 'regression',
  summary: "linear regression trained by stochastic gradient descent, as scikit-learn's SGDRegressor",
  options: SGD_REGRESSOR_OPTIONS,
  defaults: SGD_REGRESSOR_DEFAULTS,
  online: true,
  create: (options) => new SGDRegressor(options),
  restore: SGDRegressor.fromJSON,
});
