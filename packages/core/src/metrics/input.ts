import { StewardInputError } from '../errors.js';

/** A class label: scikit-learn accepts integers or strings, and so do we. */
export type Label = number | string;
/** Class labels, one per sample: `number[]`, `string[]` or any typed array of integers. */
export type Labels = ArrayLike<Label>;
/** Numbers, one per sample: `number[]` or a typed array. */
export type Numbers = ArrayLike<number>;
/** Per-class scores, one row per sample and one column per class (in sorted class order). */
export type ScoreMatrix = ArrayLike<ArrayLike<number>>;

/** A score matrix has rows (one per sample); a score vector has numbers. */
export function isScoreMatrix(scores: Numbers | ScoreMatrix): scores is ScoreMatrix {
  const first = scores[0];
  return first !== undefined && typeof first === 'object';
}

export function checkNotEmpty(name: string, values: ArrayLike<unknown>): void {
  if (values.length === 0)
    throw new StewardInputError(`${name} is empty: a metric needs at least one sample`, name);
}

export function checkSameLength(arrays: Record<string, ArrayLike<unknown> | undefined>): number {
  let n = -1;
  let first = '';
  for (const [name, values] of Object.entries(arrays)) {
    if (values === undefined) continue;
    if (values === null || typeof values.length !== 'number') {
      throw new StewardInputError(`${name} must be an array`, name);
    }
    if (n === -1) {
      n = values.length;
      first = name;
    } else if (values.length !== n) {
      throw new StewardInputError(
        `${name} has ${values.length} values but ${first} has ${n}: they must have one value per sample`,
        name,
      );
    }
  }
  return n;
}

/**
 * Checks that `y` holds class labels (integers or strings, not both) and returns which kind.
 * Non-integer numbers mean continuous targets, which scikit-learn also refuses for classification metrics.
 */
export function checkClassLabels(name: string, y: Labels): 'number' | 'string' {
  let kind: 'number' | 'string' | undefined;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const k = typeof v;
    if (k === 'number') {
      if (!Number.isInteger(v)) {
        throw new StewardInputError(
          `${name}[${i}] is ${v}, not a class label: classification metrics need integer or string labels (threshold scores first, or use rocAuc/averagePrecision/logLoss for scores)`,
          name,
        );
      }
    } else if (k !== 'string') {
      throw new StewardInputError(
        `${name}[${i}] is ${String(v)}: a class label must be an integer or a string`,
        name,
      );
    }
    if (kind === undefined) kind = k as 'number' | 'string';
    else if (kind !== k) {
      throw new StewardInputError(
        `${name} mixes numbers and strings (at index ${i}): use one type of label throughout`,
        name,
      );
    }
  }
  return kind ?? 'number';
}

export function checkFinite(name: string, values: Numbers): void {
  for (let i = 0; i < values.length; i++) {
    // Number.isFinite is false for non-numbers too, so no typeof test is needed
    if (!Number.isFinite(values[i])) {
      throw new StewardInputError(`${name}[${i}] is ${String(values[i])}: expected a finite number`, name);
    }
  }
}

export function checkSampleWeight(sampleWeight: Numbers | undefined, n: number): void {
  if (sampleWeight === undefined) return;
  if (sampleWeight.length !== n) {
    throw new StewardInputError(
      `sampleWeight has ${sampleWeight.length} values but there are ${n} samples`,
      'sampleWeight',
    );
  }
  checkFinite('sampleWeight', sampleWeight);
}

/** Weighted mean `Σ w·x / Σ w`, as `numpy.average`; refuses weights that sum to zero as NumPy does. */
export function weightedMean(values: Numbers, sampleWeight: Numbers | undefined): number {
  const n = values.length;
  if (sampleWeight === undefined) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i];
    return sum / n;
  }
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i] * sampleWeight[i];
    wsum += sampleWeight[i];
  }
  if (wsum === 0)
    throw new StewardInputError('sampleWeight sums to zero: weights cannot be normalised', 'sampleWeight');
  return sum / wsum;
}
