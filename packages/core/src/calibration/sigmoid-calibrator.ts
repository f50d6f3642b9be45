import { StewardInputError } from '../errors.js';

export interface SigmoidCalibratorJSON {
  kind: 'SigmoidCalibrator';
  a: number;
  b: number;
}

const MAX_STEPS = 100;

/**
 * Platt scaling: P(y = 1 | f) = 1 / (1 + exp(a·f + b)), fitted on scores or decision values `f` and labels by
 * minimising the log loss against Platt's smoothed targets ((N₊ + 1) / (N₊ + 2) for positives, 1 / (N₋ + 2) for
 * negatives; weighted counts with sample weights): the objective of scikit-learn's
 * `CalibratedClassifierCV(method='sigmoid')`. scikit-learn stops its BFGS at a gradient of 1e-5, 1e-8 to 1e-6 from
 * the optimum in `a` and `b` on the committed fixtures; this fit runs Newton's method (with step halving) to the
 * optimum itself, which the fixtures also hold (computed from scikit-learn's answer), and matches it to 1e-9.
 * Labels: a label above 0 is positive (as scikit-learn's `y > 0`).
 *
 * @example
 * ```ts
 * const platt = new SigmoidCalibrator().fit([-2, -1, 0, 1, 2], [0, 0, 1, 1, 1]);
 * Number(platt.predict([0])[0].toFixed(4)); // 0.6032
 * ```
 */
export class SigmoidCalibrator {
  private params?: { a: number; b: number };

  fit(scores: ArrayLike<number>, labels: ArrayLike<number>, sampleWeight?: ArrayLike<number>): this {
    const n = scores.length;
    if (n === 0) throw new StewardInputError('SigmoidCalibrator needs at least one sample', 'scores');
    if (labels.length !== n)
      throw new StewardInputError(`scores has ${n} values and labels ${labels.length}`, 'labels');
    if (sampleWeight && sampleWeight.length !== n)
      throw new StewardInputError(
        `scores has ${n} values and sampleWeight ${sampleWeight.length}`,
        'sampleWeight',
      );
    let prior0 = 0;
    let prior1 = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(scores[i] as number) || !Number.isFinite(labels[i] as number))
        throw new StewardInputError(`scores and labels must be finite numbers (row ${i})`, 'scores');
      const w = sampleWeight?.[i] ?? 1;
      if (!(w >= 0))
        throw new StewardInputError(`sample weights must be 0 or more (row ${i})`, 'sampleWeight');
      if ((labels[i] as number) > 0) prior1 += w;
      else prior0 += w;
    }
    const positive = (prior1 + 1) / (prior1 + 2);
    const negative = 1 / (prior0 + 2);
    const target = (i: number) => ((labels[i] as number) > 0 ? positive : negative);
    const weight = (i: number) => sampleWeight?.[i] ?? 1;
    const loss = (a: number, b: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        // −[t·log p + (1 − t)·log(1 − p)] with p = σ(−(a·f + b)), written to stay finite for large |a·f + b|.
        const z = a * (scores[i] as number) + b;
        const t = target(i);
        sum += weight(i) * (t * softplus(z) + (1 - t) * softplus(-z));
      }
      return sum;
    };
    let a = 0;
    let b = Math.log((prior0 + 1) / (prior1 + 1));
    let current = loss(a, b);
    for (let step = 0; step < MAX_STEPS; step++) {
      let ga = 0;
      let gb = 0;
      let haa = 0;
      let hab = 0;
      let hbb = 0;
      for (let i = 0; i < n; i++) {
        const f = scores[i] as number;
        const w = weight(i);
        const p = sigmoid(-(a * f + b));
        const r = w * (target(i) - p);
        ga += r * f;
        gb += r;
        const d = w * p * (1 - p);
        haa += d * f * f;
        hab += d * f;
        hbb += d;
      }
      const det = haa * hbb - hab * hab;
      if (!(det > 0)) break;
      const da = (hbb * ga - hab * gb) / det;
      const db = (haa * gb - hab * ga) / det;
      let scale = 1;
      let next = loss(a - da, b - db);
      while (next > current && scale > 1e-10) {
        scale /= 2;
        next = loss(a - scale * da, b - scale * db);
      }
      if (next > current) break;
      a -= scale * da;
      b -= scale * db;
      const moved = Math.abs(scale * da) + Math.abs(scale * db);
      current = next;
      if (moved <= 1e-15 * (1 + Math.abs(a) + Math.abs(b))) break;
    }
    this.params = { a, b };
    return this;
  }

  /** Calibrated probabilities of the positive class. */
  predict(scores: ArrayLike<number>): number[] {
    const { a, b } = this.requireFitted();
    return Array.from(scores, (f) => sigmoid(-(a * f + b)));
  }

  /** The fitted slope and intercept (P = 1 / (1 + exp(a·f + b))). */
  get coefficients(): { a: number; b: number } {
    return { ...this.requireFitted() };
  }

  toJSON(): SigmoidCalibratorJSON {
    return { kind: 'SigmoidCalibrator', ...this.requireFitted() };
  }

  static fromJSON(json: SigmoidCalibratorJSON): SigmoidCalibrator {
    if (json.kind !== 'SigmoidCalibrator' || !Number.isFinite(json.a) || !Number.isFinite(json.b))
      throw new StewardInputError('not a SigmoidCalibrator model file', 'json');
    const model = new SigmoidCalibrator();
    model.params = { a: json.a, b: json.b };
    return model;
  }

  private requireFitted() {
    if (!this.params) throw new StewardInputError('SigmoidCalibrator is not fitted: call fit first', 'model');
    return this.params;
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + exp(z)) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
