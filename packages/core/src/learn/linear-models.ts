import { StewardInputError } from '../errors.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineLearner } from './definition.js';
import {
  choleskySolve,
  columnMeans,
  type Dense,
  type FeatureRows,
  leastSquares,
  normalEquations,
  toDense,
  toTarget,
} from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';

export interface LinearRegressionOptions {
  /** Fit an intercept (default true): the data are centred first, as scikit-learn does. */
  fitIntercept?: boolean;
}

export interface RidgeOptions extends LinearRegressionOptions {
  /** L2 penalty α on the coefficients, not on the intercept (default 1, scikit-learn's). */
  alpha?: number;
}

export const LINEAR_REGRESSION_DEFAULTS = { fitIntercept: true } satisfies Required<LinearRegressionOptions>;
export const RIDGE_DEFAULTS = { ...LINEAR_REGRESSION_DEFAULTS, alpha: 1 } satisfies Required<RidgeOptions>;

export const LINEAR_REGRESSION_OPTIONS: OptionsSpec<LinearRegressionOptions> = {
  fitIntercept: { type: 'boolean', doc: 'fit an intercept on centred data (true)' },
};
export const RIDGE_OPTIONS: OptionsSpec<RidgeOptions> = {
  ...LINEAR_REGRESSION_OPTIONS,
  alpha: { type: 'number', min: 0, doc: 'L2 penalty on the coefficients, not the intercept (1)' },
};

interface LinearState {
  coef: number[];
  intercept: number;
}

/** Centres X and y when fitting an intercept; returns the offsets to turn the solution back. */
function centre(X: Dense, y: Float64Array, fitIntercept: boolean) {
  if (!fitIntercept) return { X, y, xMean: new Float64Array(X.cols), yMean: 0 };
  const xMean = columnMeans(X);
  let yMean = 0;
  for (const v of y) yMean += v;
  yMean /= y.length;
  const data = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++)
      data[i * X.cols + j] = (X.data[i * X.cols + j] as number) - (xMean[j] as number);
  }
  return { X: { ...X, data }, y: y.map((v) => v - yMean), xMean, yMean };
}

abstract class LinearRegressor {
  coef: Float64Array | undefined;
  intercept = 0;

  protected abstract solve(X: Dense, y: Float64Array): Float64Array;
  protected abstract get fitIntercept(): boolean;
  abstract get kind(): string;

  /** Fits on rows X and targets y; returns this. */
  fit(X: FeatureRows, y: ArrayLike<number>): this {
    const dense = toDense(X);
    const target = toTarget(y, dense.rows);
    const c = centre(dense, target, this.fitIntercept);
    const coef = this.solve(c.X, c.y);
    let intercept = c.yMean;
    for (let j = 0; j < coef.length; j++) intercept -= (c.xMean[j] as number) * (coef[j] as number);
    this.coef = coef;
    this.intercept = this.fitIntercept ? intercept : 0;
    return this;
  }

  predict(X: FeatureRows): Float64Array {
    const coef = this.fitted();
    const dense = toDense(X);
    if (dense.cols !== coef.length) {
      throw new StewardInputError(
        `X has ${dense.cols} features but the model was fitted on ${coef.length}`,
        'X',
      );
    }
    const out = new Float64Array(dense.rows);
    for (let i = 0; i < dense.rows; i++) {
      let s = this.intercept;
      for (let j = 0; j < dense.cols; j++)
        s += (dense.data[i * dense.cols + j] as number) * (coef[j] as number);
      out[i] = s;
    }
    return out;
  }

  protected fitted(): Float64Array {
    if (!this.coef) throw new StewardInputError(`${this.kind} is not fitted yet: call fit first`, 'model');
    return this.coef;
  }

  protected saveState(): LinearState {
    return { coef: Array.from(this.fitted()), intercept: this.intercept };
  }

  protected loadState(file: ModelFile): void {
    const state = file.state as Partial<LinearState>;
    this.coef = numbersField(this.kind, 'coef', state.coef);
    this.intercept = numbersField(this.kind, 'intercept', [state.intercept], 1)[0] as number;
  }
}

/**
 * Ordinary least squares, as scikit-learn's `LinearRegression` (exact solution by Householder QR).
 *
 * @example
 * ```ts
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [2, 4, 6, 8, 10, 12];
 * const model = new LinearRegression().fit(X, y);
 * Array.from(model.predict([[7]]), (v) => Number(v.toFixed(6))); // [14]
 * ```
 */
export class LinearRegression extends LinearRegressor {
  readonly options: Required<LinearRegressionOptions>;

  constructor(options: LinearRegressionOptions = {}) {
    super();
    this.options = resolveOptions(
      'LinearRegression',
      LINEAR_REGRESSION_OPTIONS,
      LINEAR_REGRESSION_DEFAULTS,
      options,
    );
  }

  get kind(): string {
    return 'LinearRegression';
  }

  protected get fitIntercept(): boolean {
    return this.options.fitIntercept;
  }

  protected solve(X: Dense, y: Float64Array): Float64Array {
    return leastSquares(X, y);
  }

  toJSON(): ModelFile<'LinearRegression', Required<LinearRegressionOptions>, LinearState> {
    return modelFile('LinearRegression', { ...this.options }, this.saveState());
  }

  static fromJSON(json: unknown): LinearRegression {
    const file = checkModelFile(json, 'LinearRegression');
    const model = new LinearRegression(file.params as LinearRegressionOptions);
    model.loadState(file);
    return model;
  }
}

/**
 * Least squares with an L2 penalty, as scikit-learn's `Ridge` (its Cholesky solver on centred data).
 *
 * @example
 * ```ts
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [2, 4, 6, 8, 10, 12];
 * // the penalty shrinks the slope below 2
 * Array.from(new Ridge({ alpha: 1 }).fit(X, y).predict([[7]]), (v) => Number(v.toFixed(4))); // [13.6216]
 * ```
 */
export class Ridge extends LinearRegressor {
  readonly options: Required<RidgeOptions>;

  constructor(options: RidgeOptions = {}) {
    super();
    this.options = resolveOptions('Ridge', RIDGE_OPTIONS, RIDGE_DEFAULTS, options);
  }

  get kind(): string {
    return 'Ridge';
  }

  protected get fitIntercept(): boolean {
    return this.options.fitIntercept;
  }

  protected solve(X: Dense, y: Float64Array): Float64Array {
    const { xtx, xty } = normalEquations(X, y);
    for (let j = 0; j < X.cols; j++)
      xtx[j * X.cols + j] = (xtx[j * X.cols + j] as number) + this.options.alpha;
    const w = choleskySolve(xtx, xty, X.cols);
    if (!w) {
      throw new StewardInputError('XᵀX + αI is singular: raise alpha or drop constant features', 'X');
    }
    return w;
  }

  toJSON(): ModelFile<'Ridge', Required<RidgeOptions>, LinearState> {
    return modelFile('Ridge', { ...this.options }, this.saveState());
  }

  static fromJSON(json: unknown): Ridge {
    const file = checkModelFile(json, 'Ridge');
    const model = new Ridge(file.params as RidgeOptions);
    model.loadState(file);
    return model;
  }
}

export const linearRegression = defineLearner({
  name: 'LinearRegression',
  task: 'regression',
  summary: "ordinary least squares, as scikit-learn's LinearRegression",
  options: LINEAR_REGRESSION_OPTIONS,
  defaults: LINEAR_REGRESSION_DEFAULTS,
  online: false,
  create: (options) => new LinearRegression(options),
  restore: LinearRegression.fromJSON,
});

export const ridge = defineLearner({
  name: 'Ridge',
  task: 'regression',
  summary: "least squares with an L2 penalty, as scikit-learn's Ridge",
  options: RIDGE_OPTIONS,
  defaults: RIDGE_DEFAULTS,
  online: false,
  create: (options) => new Ridge(options),
  restore: Ridge.fromJSON,
});
