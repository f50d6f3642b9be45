import { StewardInputError } from '../errors.js';
import type { Label, Labels } from '../metrics/input.js';
import { checkClassLabels } from '../metrics/input.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { argmaxClasses, encodeClasses } from './classes.js';
import { defineLearner } from './definition.js';
import { minimize } from './lbfgs.js';
import {
  BLOCK_ROWS,
  binaryPass,
  type LogisticPassHelper,
  logisticPassHelperFactory,
  type SharedLogisticPass,
  SPLIT_MIN_ROWS,
} from './logistic-pass.js';
import { type Dense, type FeatureRows, toDense } from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';

export interface LogisticRegressionOptions {
  /** Inverse of the L2 penalty strength, as scikit-learn's C (default 1). The intercept is not penalised. */
  C?: number;
  fitIntercept?: boolean;
  /**
   * Stop when every component of the mean gradient (the gradient of the summed objective divided by the number of
   * samples, scikit-learn's scale) is below this (default 1e-8; scikit-learn's 1e-4 stops far from the optimum).
   */
  tol?: number;
  /** L-BFGS iteration limit (default 1000). */
  maxIter?: number;
}

export const LOGISTIC_REGRESSION_DEFAULTS = {
  C: 1,
  fitIntercept: true,
  tol: 1e-8,
  maxIter: 1000,
} satisfies Required<LogisticRegressionOptions>;

export const LOGISTIC_REGRESSION_OPTIONS: OptionsSpec<LogisticRegressionOptions> = {
  C: { type: 'number', min: 0, exclusiveMin: true, doc: 'inverse of the L2 penalty strength (1)' },
  fitIntercept: { type: 'boolean', doc: 'fit an unpenalised intercept (true)' },
  tol: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'stop when every mean-gradient component is below this (1e-8)',
  },
  maxIter: { type: 'number', integer: true, min: 1, doc: 'L-BFGS iterations at most (1000)' },
};

export interface FitOptions {
  /** Start from the current coefficients (fine-tune) instead of zeros; the classes must be the same. */
  warmStart?: boolean;
}

interface LogisticState {
  classes: Label[];
  /** One row of coefficients per class (multinomial), or a single row for two classes, as scikit-learn's coef_. */
  coef: number[][];
  intercept: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Logistic regression with an L2 penalty fitted by L-BFGS, as scikit-learn's `LogisticRegression(solver='lbfgs')`:
 * it minimises Σ log-loss + ‖w‖² / (2C); two classes give one coefficient row (the second class is positive),
 * three or more a multinomial (softmax) model with one row per class.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const model = new LogisticRegression().fit(X, y);
 * Array.from(model.predict([[0.5], [4.5]])); // [0,1]
 * model.predictProba([[2.5]]).map((p) => Array.from(p, (v) => Number(v.toFixed(3)))); // [[0.5,0.5]]
 * ```
 */
export class LogisticRegression {
  readonly options: Required<LogisticRegressionOptions>;
  classes: Label[] | undefined;
  coef: Float64Array[] | undefined;
  intercept: Float64Array | undefined;
  /** L-BFGS iterations of the last fit, and whether it reached the tolerance. */
  iterations = 0;
  converged = false;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = resolveOptions(
      'LogisticRegression',
      LOGISTIC_REGRESSION_OPTIONS,
      LOGISTIC_REGRESSION_DEFAULTS,
      options,
    );
  }

  fit(X: FeatureRows, y: Labels, options: FitOptions = {}): this {
    // A helper thread for a large fit starts first, so that it boots (about 30 ms) while the rows are copied
    // into the shared memory it reads (see logistic-pass.ts).
    const helper = startHelper(X);
    try {
      return this.fitWith(X, y, options, helper);
    } finally {
      helper?.helper.close();
    }
  }

  private fitWith(X: FeatureRows, y: Labels, options: FitOptions, helper: Helped | undefined): this {
    const dense = toDense(X, 'X', helper?.shared.data);
    if (y === null || typeof y !== 'object' || y.length !== dense.rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${dense.rows} rows`, 'y');
    }
    checkClassLabels('y', y);
    const { classes, target } = encodeClasses(y);
    if (classes.length < 2) {
      throw new StewardInputError(
        `y has only one class (${String(classes[0])}): a classifier needs two or more`,
        'y',
      );
    }
    const K = classes.length === 2 ? 1 : classes.length;
    const d = dense.cols;
    const width = d + 1; // coefficients, then the intercept
    const x0 = new Float64Array(K * width);
    if (options.warmStart && this.coef && this.intercept && this.classes) {
      if (this.classes.length !== classes.length || this.classes.some((c, i) => c !== classes[i])) {
        throw new StewardInputError('warm start needs the same classes as the fitted model', 'y');
      }
      if ((this.coef[0] as Float64Array).length !== d) {
        throw new StewardInputError(
          `warm start needs ${(this.coef[0] as Float64Array).length} features, X has ${d}`,
          'X',
        );
      }
      for (let k = 0; k < K; k++) {
        x0.set(this.coef[k] as Float64Array, k * width);
        x0[k * width + d] = this.intercept[k] as number;
      }
    }
    helper?.shared.target.set(target);
    const objective =
      K === 1
        ? binaryObjective(dense, target, this.options, helper)
        : softmaxObjective(dense, target, K, this.options);
    const result = minimize(objective, x0, {
      gradientTolerance: this.options.tol * dense.rows,
      maxIterations: this.options.maxIter,
    });
    this.classes = classes;
    this.coef = Array.from({ length: K }, (_, k) => result.x.slice(k * width, k * width + d));
    this.intercept = Float64Array.from({ length: K }, (_, k) =>
      this.options.fitIntercept ? (result.x[k * width + d] as number) : 0,
    );
    this.iterations = result.iterations;
    this.converged = result.converged;
    return this;
  }

  /** Class probabilities, one row per sample, columns in `classes` order. */
  predictProba(X: FeatureRows): Float64Array[] {
    const { coef, intercept } = this.fitted();
    const dense = toDense(X);
    const d = (coef[0] as Float64Array).length;
    if (dense.cols !== d)
      throw new StewardInputError(`X has ${dense.cols} features but the model has ${d}`, 'X');
    const K = coef.length;
    const out: Float64Array[] = [];
    const z = new Float64Array(K);
    for (let i = 0; i < dense.rows; i++) {
      for (let k = 0; k < K; k++)
        z[k] = dot(coef[k] as Float64Array, dense.data, i * d) + (intercept[k] as number);
      if (K === 1) {
        const p = sigmoid(z[0] as number);
        out.push(Float64Array.of(1 - p, p));
      } else out.push(softmax(z));
    }
    return out;
  }

  predict(X: FeatureRows): Label[] {
    return argmaxClasses(this.predictProba(X), this.fitted().classes);
  }

  private fitted() {
    if (!this.coef || !this.intercept || !this.classes) {
      throw new StewardInputError('LogisticRegression is not fitted yet: call fit first', 'model');
    }
    return { coef: this.coef, intercept: this.intercept, classes: this.classes };
  }

  toJSON(): ModelFile<'LogisticRegression', Required<LogisticRegressionOptions>, LogisticState> {
    const { coef, intercept, classes } = this.fitted();
    return modelFile(
      'LogisticRegression',
      { ...this.options },
      {
        classes: [...classes],
        coef: coef.map((row) => Array.from(row)),
        intercept: Array.from(intercept),
        iterations: this.iterations,
        converged: this.converged,
      },
    );
  }

  static fromJSON(json: unknown): LogisticRegression {
    const file = checkModelFile(json, 'LogisticRegression');
    const state = file.state as Partial<LogisticState>;
    const model = new LogisticRegression(file.params as LogisticRegressionOptions);
    if (!Array.isArray(state.classes) || state.classes.length < 2) {
      throw new StewardInputError(
        'LogisticRegression model file: classes must list at least two labels',
        'model',
      );
    }
    const K = state.classes.length === 2 ? 1 : state.classes.length;
    if (!Array.isArray(state.coef) || state.coef.length !== K) {
      throw new StewardInputError(`LogisticRegression model file: coef must have ${K} rows`, 'model');
    }
    const d = Array.isArray(state.coef[0]) ? state.coef[0].length : -1;
    model.classes = [...state.classes];
    model.coef = state.coef.map((row, k) => numbersField('LogisticRegression', `coef[${k}]`, row, d));
    model.intercept = numbersField('LogisticRegression', 'intercept', state.intercept, K);
    model.iterations = state.iterations ?? 0;
    model.converged = state.converged ?? false;
    return model;
  }
}

function dot(w: Float64Array, data: Float64Array, offset: number): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += (w[j] as number) * (data[offset + j] as number);
  return s;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function softmax(z: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  const p = z.map((v) => {
    const e = Math.exp(v - max);
    sum += e;
    return e;
  });
  for (let k = 0; k < p.length; k++) p[k] = (p[k] as number) / sum;
  return p;
}

type Options = Required<LogisticRegressionOptions>;

/** The binary objective, on two halves for large data (the second on a helper thread when there is one). */
function binaryObjective(X: Dense, target: Int32Array, o: Options, helper?: Helped) {
  const { rows, cols, data } = X;
  const penalty = 1 / o.C;
  const split = rows >= SPLIT_MIN_ROWS;
  const half = rows >> 1;
  const first = new Float64Array(cols + 2);
  const second = helper?.shared.out ?? new Float64Array(cols + 2);
  return (w: Float64Array, grad: Float64Array): number => {
    const b = o.fitIntercept ? (w[cols] as number) : 0;
    if (!split) binaryPass(data, cols, target, w, b, 0, rows, first, 1);
    else {
      if (helper) {
        helper.shared.w.set(w);
        helper.shared.w[cols] = b;
        helper.helper.start(half, rows);
      }
      binaryPass(data, cols, target, w, b, 0, half, first, BLOCK_ROWS);
      if (helper) helper.helper.wait();
      else binaryPass(data, cols, target, w, b, half, rows, second, BLOCK_ROWS);
      for (let k = 0; k < first.length; k++) first[k] = (first[k] as number) + (second[k] as number);
    }
    for (let j = 0; j < cols; j++) grad[j] = (first[j] as number) + penalty * (w[j] as number);
    grad[cols] = o.fitIntercept ? (first[cols] as number) : 0;
    let loss = first[cols + 1] as number;
    for (let j = 0; j < cols; j++) loss += 0.5 * penalty * (w[j] as number) ** 2;
    return loss;
  };
}

interface Helped {
  shared: SharedLogisticPass;
  helper: LogisticPassHelper;
}

/**
 * Starts a helper thread for a fit of SPLIT_MIN_ROWS rows or more when `@steward/core/node` has registered one,
 * with shared memory sized for X (filled by the fit; a multinomial fit does not use the helper).
 */
function startHelper(X: FeatureRows): Helped | undefined {
  const factory = logisticPassHelperFactory();
  const rows = X?.length;
  const cols = X?.[0]?.length;
  if (!factory || !(rows >= SPLIT_MIN_ROWS) || !(typeof cols === 'number' && cols > 0)) return undefined;
  const shared: SharedLogisticPass = {
    data: new Float64Array(new SharedArrayBuffer(rows * cols * 8)),
    cols,
    target: new Int32Array(new SharedArrayBuffer(rows * 4)),
    w: new Float64Array(new SharedArrayBuffer((cols + 1) * 8)),
    out: new Float64Array(new SharedArrayBuffer((cols + 2) * 8)),
  };
  const helper = factory(shared);
  return helper ? { shared, helper } : undefined;
}

function softmaxObjective(X: Dense, target: Int32Array, K: number, o: Options) {
  const { rows, cols, data } = X;
  const width = cols + 1;
  const penalty = 1 / o.C;
  const z = new Float64Array(K);
  return (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let s = o.fitIntercept ? (w[k * width + cols] as number) : 0;
        for (let j = 0; j < cols; j++) s += (w[k * width + j] as number) * (data[i * cols + j] as number);
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp((z[k] as number) - max);
      const logSum = max + Math.log(sum);
      const t = target[i] as number;
      loss += logSum - (z[t] as number);
      for (let k = 0; k < K; k++) {
        const r = Math.exp((z[k] as number) - logSum) - (k === t ? 1 : 0);
        for (let j = 0; j < cols; j++)
          grad[k * width + j] = (grad[k * width + j] as number) + r * (data[i * cols + j] as number);
        if (o.fitIntercept) grad[k * width + cols] = (grad[k * width + cols] as number) + r;
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < cols; j++) {
        const v = w[k * width + j] as number;
        loss += 0.5 * penalty * v * v;
        grad[k * width + j] = (grad[k * width + j] as number) + penalty * v;
      }
    }
    return loss;
  };
}

export const logisticRegression = defineLearner({
  name: 'LogisticRegression',
  task: 'classification',
  summary:
    "multinomial logistic regression with an L2 penalty (L-BFGS), as scikit-learn's LogisticRegression",
  options: LOGISTIC_REGRESSION_OPTIONS,
  defaults: LOGISTIC_REGRESSION_DEFAULTS,
  online: false,
  create: (options) => new LogisticRegression(options),
  restore: LogisticRegression.fromJSON,
});
