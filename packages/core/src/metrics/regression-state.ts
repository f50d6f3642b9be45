import { StewardInputError } from '../errors.js';
import { checkFinite, checkSameLength, checkSampleWeight, type Numbers } from './input.js';
import { finiteScore } from './regression.js';

/** The serialised form of a {@link RegressionState}. */
export interface RegressionStateJSON {
  kind: 'regression';
  version: 1;
  count: number;
  weight: number;
  shift: number;
  meanTrue: number;
  m2True: number;
  meanError: number;
  m2Error: number;
  sumSquaredError: number;
  sumAbsError: number;
  sumAbsPercentError: number;
}

const EPS = 2 ** -52;

/**
 * Mergeable sums for regression metrics over a window: weighted means and centred second moments of the target
 * and of the error (merged with Chan, Golub & LeVeque's pairwise update, so merging stays numerically stable),
 * plus plain sums. The target's mean is kept relative to `shift` (the first target seen), so targets with a
 * large offset (prices, timestamps) keep their precision. Merged states equal the one-shot metrics up to
 * floating-point rounding.
 *
 * @example
 * const s = RegressionState.from([3, -0.5], [2.5, 0.0]).merge(RegressionState.from([2, 7], [2, 8]));
 * s.r2(); // 0.9486081370449679, as r2([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
 */
export class RegressionState {
  count = 0;
  weight = 0;
  shift = 0;
  /** Weighted mean of yTrue - shift. */
  meanTrue = 0;
  m2True = 0;
  meanError = 0;
  m2Error = 0;
  sumSquaredError = 0;
  sumAbsError = 0;
  sumAbsPercentError = 0;

  static from(yTrue: Numbers, yPred: Numbers, sampleWeight?: Numbers): RegressionState {
    return new RegressionState().add(yTrue, yPred, sampleWeight);
  }

  static fromJSON(json: RegressionStateJSON): RegressionState {
    if (json?.kind !== 'regression' || json.version !== 1) {
      throw new StewardInputError('not a regression state (expected kind "regression", version 1)', 'kind');
    }
    const state = new RegressionState();
    for (const key of FIELDS) {
      if (typeof json[key] !== 'number')
        throw new StewardInputError(`regression state field ${key} must be a number`, key);
      state[key] = json[key];
    }
    return state;
  }

  /** Adds a batch; the batch is checked whole first, so a bad batch changes nothing. */
  add(yTrue: Numbers, yPred: Numbers, sampleWeight?: Numbers): this {
    const n = checkSameLength({ yTrue, yPred });
    checkSampleWeight(sampleWeight, n);
    checkFinite('yTrue', yTrue);
    checkFinite('yPred', yPred);
    if (n === 0) return this;
    const batch = new RegressionState();
    batch.shift = this.count === 0 ? yTrue[0] : this.shift;
    let w = 0;
    let sy = 0;
    let se = 0;
    for (let i = 0; i < n; i++) {
      const wi = sampleWeight === undefined ? 1 : sampleWeight[i];
      const e = yTrue[i] - yPred[i];
      w += wi;
      sy += wi * (yTrue[i] - batch.shift);
      se += wi * e;
      batch.sumSquaredError += wi * e * e;
      batch.sumAbsError += wi * Math.abs(e);
      batch.sumAbsPercentError += (wi * Math.abs(e)) / Math.max(Math.abs(yTrue[i]), EPS);
    }
    batch.count = n;
    batch.weight = w;
    batch.meanTrue = w === 0 ? 0 : sy / w;
    batch.meanError = w === 0 ? 0 : se / w;
    for (let i = 0; i < n; i++) {
      const wi = sampleWeight === undefined ? 1 : sampleWeight[i];
      const dy = yTrue[i] - batch.shift - batch.meanTrue;
      const de = yTrue[i] - yPred[i] - batch.meanError;
      batch.m2True += wi * dy * dy;
      batch.m2Error += wi * de * de;
    }
    return this.merge(batch);
  }

  merge(other: RegressionState): this {
    if (other.count === 0) return this;
    if (this.count === 0) this.shift = other.shift;
    const w = this.weight + other.weight;
    const dy = other.meanTrue + (other.shift - this.shift) - this.meanTrue;
    const de = other.meanError - this.meanError;
    const cross = w === 0 ? 0 : (this.weight * other.weight) / w;
    this.m2True += other.m2True + dy * dy * cross;
    this.m2Error += other.m2Error + de * de * cross;
    if (w !== 0) {
      this.meanTrue += (dy * other.weight) / w;
      this.meanError += (de * other.weight) / w;
    }
    this.count += other.count;
    this.weight = w;
    this.sumSquaredError += other.sumSquaredError;
    this.sumAbsError += other.sumAbsError;
    this.sumAbsPercentError += other.sumAbsPercentError;
    return this;
  }

  clone(): RegressionState {
    return new RegressionState().merge(this);
  }

  toJSON(): RegressionStateJSON {
    const json = { kind: 'regression', version: 1 } as RegressionStateJSON;
    for (const key of FIELDS) json[key] = this[key];
    return json;
  }

  mse(): number {
    return this.#perWeight(this.sumSquaredError);
  }

  rmse(): number {
    return Math.sqrt(this.mse());
  }

  mae(): number {
    return this.#perWeight(this.sumAbsError);
  }

  mape(): number {
    return this.#perWeight(this.sumAbsPercentError);
  }

  /** NaN with fewer than two samples, as scikit-learn. */
  r2(): number {
    this.#checkNotEmpty();
    if (this.count < 2) return Number.NaN;
    return finiteScore(this.sumSquaredError, this.m2True);
  }

  explainedVariance(): number {
    this.#checkNotEmpty();
    return finiteScore(this.m2Error / this.weight, this.m2True / this.weight);
  }

  #perWeight(sum: number): number {
    this.#checkNotEmpty();
    if (this.weight === 0)
      throw new StewardInputError('sample weights sum to zero: the metric is undefined', 'sampleWeight');
    return sum / this.weight;
  }

  #checkNotEmpty(): void {
    if (this.count === 0) throw new StewardInputError('no samples added yet: the metric is undefined');
  }
}

const FIELDS = [
  'count',
  'weight',
  'shift',
  'meanTrue',
  'm2True',
  'meanError',
  'm2Error',
  'sumSquaredError',
  'sumAbsError',
  'sumAbsPercentError',
] as const satisfies readonly (keyof RegressionStateJSON)[];
