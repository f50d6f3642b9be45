import { StewardInputError } from '../errors.js';
import { fminBfgs } from '../learn/bfgs.js';
import { pairwiseSum } from '../stats/pairwise-sum.js';

export interface SigmoidCalibratorJSON {
  kind: 'SigmoidCalibrator';
  a: number;
  b: number;
}

const MAX_NEWTON_STEPS = 100;

export interface SigmoidCalibratorOptions {
  /**
   * `'bfgs'` (default): scikit-learn's fit, SciPy's BFGS stopped at a gradient of 1e-5, so coefficients equal
   * scikit-learn's; `'newton'`: Newton's method run to the optimum of the same objective (1e-8 to 1e-6 away from
   * scikit-learn's answer on the committed fixtures; no difference a probability would show).
   */
  solver?: 'bfgs' | 'newton';
}

/**
 * Platt scaling: P(y = 1 | f) = 1 / (1 + exp(a·f + b)), fitted on scores or decision values `f` and labels by
 * minimising the log loss against Platt's smoothed targets ((N₊ + 1) / (N₊ + 2) for positives, 1 / (N₋ + 2) for
 * negatives; weighted counts with sample weights): scikit-learn's `CalibratedClassifierCV(method='sigmoid')`, with
 * its coefficients to 1e-9 (the committed fixtures). Labels: a label above 0 is positive (as scikit-learn's `y > 0`).
 *
 * @example
 * ```ts
 * const platt = new SigmoidCalibrator().fit([-2, -1, 0, 1, 2], [0, 0, 1, 1, 1]);
 * Number(platt.predict([0])[0].toFixed(4)); // 0.6032
 * ```
 */
export class SigmoidCalibrator {
  private params?: { a: number; b: number };

  constructor(private readonly options: SigmoidCalibratorOptions = {}) {
    const solver = options.solver ?? 'bfgs';
    if (solver !== 'bfgs' && solver !== 'newton')
      throw new StewardInputError(`solver must be 'bfgs' or 'newton', not '${String(solver)}'`, 'solver');
  }

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
    const f = Float64Array.from(scores);
    const w = sampleWeight ? Float64Array.from(sampleWeight) : undefined;
    const positive = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(f[i] as number) || !Number.isFinite(labels[i] as number))
        throw new StewardInputError(`scores and labels must be finite numbers (row ${i})`, 'scores');
      if (w && !((w[i] as number) >= 0))
        throw new StewardInputError(`sample weights must be 0 or more (row ${i})`, 'sampleWeight');
      positive[i] = (labels[i] as number) > 0 ? 1 : 0;
    }
    const problem = plattProblem(f, positive, w);
    this.params = this.options.solver === 'newton' ? newtonFit(problem) : bfgsFit(problem);
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

interface PlattProblem {
  f: Float64Array;
  /** Platt's smoothed target of each row. */
  t: Float64Array;
  w?: Float64Array;
  /** The starting point scikit-learn uses: a = 0, b = log((N₋ + 1) / (N₊ + 1)). */
  start: [number, number];
}

function plattProblem(f: Float64Array, positive: Uint8Array, w?: Float64Array): PlattProblem {
  // Class totals as scikit-learn sums them (NumPy's pairwise sum of the weights), so the targets agree to the bit.
  let prior0: number;
  let prior1: number;
  if (w) {
    const neg = w.filter((_, i) => positive[i] === 0);
    const pos = w.filter((_, i) => positive[i] === 1);
    prior0 = pairwiseSum(neg);
    prior1 = pairwiseSum(pos);
  } else {
    prior0 = positive.reduce((c, p) => c + (p === 0 ? 1 : 0), 0);
    prior1 = f.length - prior0;
  }
  const hit = (prior1 + 1) / (prior1 + 2);
  const miss = 1 / (prior0 + 2);
  const t = Float64Array.from(positive, (p) => (p === 1 ? hit : miss));
  return { f, t, ...(w ? { w } : {}), start: [0, Math.log((prior0 + 1) / (prior1 + 1))] };
}

/** scikit-learn's `_sigmoid_calibration`: its objective and gradient, minimised by SciPy's `fmin_bfgs`. */
function bfgsFit({ f, t, w, start }: PlattProblem): { a: number; b: number } {
  const n = f.length;
  const loss = new Float64Array(n);
  const residual = new Float64Array(n);
  const objective = (ab: Float64Array) => {
    const [a, b] = [ab[0] as number, ab[1] as number];
    for (let i = 0; i < n; i++) {
      // P = expit(−(a·f + b)), the loss −(t·log P + (1 − t)·log(1 − P)) as scikit-learn writes it (infinite where
      // P rounds to 0 or 1, which sends SciPy's line search to its fallback exactly as here).
      const p = 1 / (1 + Math.exp(a * (f[i] as number) + b));
      const ti = t[i] as number;
      const li = -(ti * Math.log(p) + (1 - ti) * Math.log(1 - p));
      loss[i] = w ? (w[i] as number) * li : li;
    }
    return pairwiseSum(loss);
  };
  const gradient = (ab: Float64Array) => {
    const [a, b] = [ab[0] as number, ab[1] as number];
    let da = 0;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(a * (f[i] as number) + b));
      const r = (t[i] as number) - p;
      residual[i] = w ? r * (w[i] as number) : r;
      da += (residual[i] as number) * (f[i] as number);
    }
    return Float64Array.of(da, pairwiseSum(residual));
  };
  const { x } = fminBfgs(objective, gradient, start);
  return { a: x[0] as number, b: x[1] as number };
}

/** Newton's method with step halving, to the optimum of the same objective. */
function newtonFit({ f, t, w, start }: PlattProblem): { a: number; b: number } {
  const n = f.length;
  const weight = (i: number) => (w ? (w[i] as number) : 1);
  const loss = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      // −[t·log p + (1 − t)·log(1 − p)] with p = σ(−(a·f + b)), written to stay finite for large |a·f + b|.
      const z = a * (f[i] as number) + b;
      const ti = t[i] as number;
      sum += weight(i) * (ti * softplus(z) + (1 - ti) * softplus(-z));
    }
    return sum;
  };
  let [a, b] = start;
  let current = loss(a, b);
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const fi = f[i] as number;
      const wi = weight(i);
      const p = sigmoid(-(a * fi + b));
      const r = wi * ((t[i] as number) - p);
      ga += r * fi;
      gb += r;
      const d = wi * p * (1 - p);
      haa += d * fi * fi;
      hab += d * fi;
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
  return { a, b };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + exp(z)) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
