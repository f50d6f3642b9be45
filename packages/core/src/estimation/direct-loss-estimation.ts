import { StewardInputError } from '../errors.js';
import { type GradientBoostingOptions, GradientBoostingRegressor } from '../learn/gradient-boosting.js';

/** A regressor's error estimated without labels. */
export interface RegressionErrorEstimate {
  rows: number;
  /** Mean absolute error: the mean of the absolute errors the loss model expects. */
  mae: number;
  /** Mean squared error: the mean of the squared errors the loss model expects. */
  mse: number;
  rmse: number;
  /**
   * Sampling error of the MAE (and of the MSE): the reference's spread of absolute (squared) errors over √rows, as
   * NannyML's DLE reports; ±1.96 of it is the band.
   */
  maeStandardError: number;
  mseStandardError: number;
}

export interface DirectLossEstimatorOptions {
  /** The loss models' gradient boosting (default: 100 iterations, 31 leaves, 20 rows a leaf, as scikit-learn). */
  learner?: GradientBoostingOptions;
}

/**
 * Direct loss estimation (NannyML's DLE) for a regressor: two models learn, on labelled reference rows, the
 * absolute and the squared error the monitored model makes from its inputs and its prediction; on new rows their
 * predictions, averaged, estimate MAE and MSE. It works where the errors depend on where the inputs fall (covariate
 * shift, heteroscedastic noise), not where the relation between inputs and target changes (concept drift).
 *
 * @example
 * ```ts
 * const X = Array.from({ length: 400 }, (_, i) => [i % 20]);
 * const predicted = X.map(([x]) => x);
 * const actual = X.map(([x], i) => x + (i % 2 === 0 ? 1 : -1) * (x >= 10 ? 3 : 1));
 * const dle = new DirectLossEstimator().fit(X, predicted, actual);
 * Number(dle.estimate([[15], [16]], [15, 16]).mae.toFixed(1)); // 3
 * ```
 */
export class DirectLossEstimator {
  readonly options: DirectLossEstimatorOptions;
  private fitted?: {
    absolute: GradientBoostingRegressor;
    squared: GradientBoostingRegressor;
    features: number;
    absoluteSpread: number;
    squaredSpread: number;
  };

  constructor(options: DirectLossEstimatorOptions = {}) {
    this.options = options;
  }

  /** Learns the errors of `predicted` against `actual` on reference rows `X` (the monitored model's inputs). */
  fit(X: ReadonlyArray<ArrayLike<number>>, predicted: ArrayLike<number>, actual: ArrayLike<number>): this {
    const n = X.length;
    if (n < 2) throw new StewardInputError('direct loss estimation needs at least two reference rows', 'X');
    if (predicted.length !== n || actual.length !== n)
      throw new StewardInputError(
        `X has ${n} rows, predicted ${predicted.length} and actual ${actual.length}: give one of each a row`,
        'predicted',
      );
    const features = (X[0] as ArrayLike<number>).length;
    const absolute = new Float64Array(n);
    const squared = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const error = (actual[i] as number) - (predicted[i] as number);
      if (!Number.isFinite(error))
        throw new StewardInputError(`predicted and actual must be finite numbers (row ${i})`, 'actual');
      absolute[i] = Math.abs(error);
      squared[i] = error * error;
    }
    const rows = withPrediction(X, predicted, features);
    this.fitted = {
      absolute: new GradientBoostingRegressor(this.options.learner).fit(rows, absolute),
      squared: new GradientBoostingRegressor(this.options.learner).fit(rows, squared),
      features,
      absoluteSpread: standardDeviation(absolute),
      squaredSpread: standardDeviation(squared),
    };
    return this;
  }

  /** The estimated MAE, MSE and RMSE of rows `X` served with `predicted`, and their sampling errors. */
  estimate(X: ReadonlyArray<ArrayLike<number>>, predicted: ArrayLike<number>): RegressionErrorEstimate {
    const f = this.fitted;
    if (!f)
      throw new StewardInputError(
        'DirectLossEstimator is not fitted: call fit with reference rows first',
        'model',
      );
    const n = X.length;
    if (n === 0) throw new StewardInputError('estimating the error needs at least one row', 'X');
    if (predicted.length !== n)
      throw new StewardInputError(`X has ${n} rows and predicted ${predicted.length}`, 'predicted');
    const rows = withPrediction(X, predicted, f.features);
    // Losses are never negative: a loss model's prediction below zero counts as zero.
    const mean = (values: ArrayLike<number>) => {
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += Math.max(0, values[i] as number);
      return sum / values.length;
    };
    const mae = mean(f.absolute.predict(rows));
    const mse = mean(f.squared.predict(rows));
    return {
      rows: n,
      mae,
      mse,
      rmse: Math.sqrt(mse),
      maeStandardError: f.absoluteSpread / Math.sqrt(n),
      mseStandardError: f.squaredSpread / Math.sqrt(n),
    };
  }
}

/** The rows with the monitored model's prediction as one more column. */
function withPrediction(X: ReadonlyArray<ArrayLike<number>>, predicted: ArrayLike<number>, features: number) {
  return X.map((row, i) => {
    if (row.length !== features)
      throw new StewardInputError(`row ${i} has ${row.length} features, the reference ${features}`, 'X');
    const out = Array.from(row);
    out.push(predicted[i] as number);
    return out;
  });
}

function standardDeviation(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}
