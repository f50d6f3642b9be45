import { StewardInputError } from '../errors.js';
import { checkClassLabels, type Label, type Labels } from '../metrics/input.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { seededRandom, shuffleInPlace } from '../stats/random.js';
import { argmaxClasses, encodeClasses } from './classes.js';
import { addTrees, type CompiledTrees, compileTrees } from './compiled-trees.js';
import { defineLearner } from './definition.js';
import { binMatrix } from './histogram-binning.js';
import { HistogramTreeGrower, predictBinnedTree, predictTree, type Tree } from './histogram-tree.js';
import {
  type CheckedRows,
  checkFeatureRows,
  type Dense,
  type FeatureRows,
  toDense,
  toTarget,
} from './matrix.js';
import { checkModelFile, type ModelFile, modelFile } from './model-file.js';

export interface GradientBoostingOptions {
  /** Shrinkage of every tree's leaves (default 0.1). */
  learningRate?: number;
  /** Boosting iterations at most (default 100). */
  maxIter?: number;
  /** Leaves per tree at most, grown best-first (default 31). */
  maxLeafNodes?: number;
  /** Depth limit (default none). */
  maxDepth?: number;
  /** Fewest rows in a leaf (default 20). */
  minSamplesLeaf?: number;
  /** L2 penalty on leaf values (default 0). */
  l2Regularization?: number;
  /** Bins per feature, at most 255 (default 255). */
  maxBins?: number;
  /** 'auto' (default): hold out 10% and stop when it stops improving if there are more than 10,000 rows. */
  earlyStopping?: 'auto' | boolean;
  validationFraction?: number;
  nIterNoChange?: number;
  tol?: number;
  seed?: number;
}

export const GRADIENT_BOOSTING_DEFAULTS = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 255,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
} satisfies Required<GradientBoostingOptions>;

export const GRADIENT_BOOSTING_OPTIONS: OptionsSpec<GradientBoostingOptions> = {
  learningRate: { type: 'number', min: 0, exclusiveMin: true, doc: "shrinkage of every tree's leaves (0.1)" },
  maxIter: { type: 'number', integer: true, min: 1, doc: 'boosting iterations at most (100)' },
  maxLeafNodes: {
    type: 'number',
    integer: true,
    min: 2,
    doc: 'leaves per tree at most, grown best-first (31)',
  },
  maxDepth: { type: 'number', integer: true, min: 1, allowInfinity: true, doc: 'depth limit (none)' },
  minSamplesLeaf: { type: 'number', integer: true, min: 1, doc: 'fewest rows in a leaf (20)' },
  l2Regularization: { type: 'number', min: 0, doc: 'L2 penalty on leaf values (0)' },
  maxBins: { type: 'number', integer: true, min: 2, max: 255, doc: 'bins per feature (255)' },
  earlyStopping: {
    type: 'choice',
    values: ['auto', true, false],
    doc: "'auto': stop on a held-out 10% above 10,000 rows ('auto')",
  },
  validationFraction: {
    type: 'number',
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    doc: 'share held out for early stopping (0.1)',
  },
  nIterNoChange: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'iterations without improvement before stopping (10)',
  },
  tol: { type: 'number', min: 0, doc: 'improvement that counts as one (1e-7)' },
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the early-stopping split (0)' },
};

export interface GradientBoostingFitOptions {
  /** Keep the fitted trees and add iterations up to `maxIter`. */
  warmStart?: boolean;
  /** One non-negative weight per row (not all zero); default every row weighs one. */
  sampleWeight?: ArrayLike<number>;
}

/** Checks sample weights against the rows; undefined when none are given. */
export function checkSampleWeight(
  weights: ArrayLike<number> | undefined,
  rows: number,
): Float64Array | undefined {
  if (weights === undefined) return undefined;
  if (weights.length !== rows)
    throw new StewardInputError(
      `sampleWeight has ${weights.length} weights but X has ${rows} rows`,
      'sampleWeight',
    );
  const out = Float64Array.from(weights);
  let total = 0;
  for (const [i, v] of out.entries()) {
    if (!Number.isFinite(v) || v < 0)
      throw new StewardInputError(
        `sampleWeight[${i}] is ${v}: weights must be finite and not negative`,
        'sampleWeight',
      );
    total += v;
  }
  if (total <= 0)
    throw new StewardInputError('sampleWeight sums to zero: at least one row must weigh', 'sampleWeight');
  return out;
}

/** Each fitted state's trees packed for prediction, one pack per output, made on first use. */
const compiledForests = new WeakMap<GBState, CompiledTrees[]>();

interface GBState {
  kind: 'classifier' | 'regressor';
  classes?: Label[];
  baseline: number[];
  /** trees[iteration][k]: one tree per iteration (regression, binary) or one per class (multiclass). */
  trees: Tree[][];
  features: number;
}

/**
 * Histogram-based gradient boosting, as scikit-learn's HistGradientBoosting{Classifier,Regressor}: features
 * binned into at most 255 quantile bins, trees grown best-first to `maxLeafNodes` leaves on gradient and hessian
 * histograms (a child's histogram is the parent's minus its sibling's), log loss for classes (one tree per class
 * and iteration beyond two), squared error for numbers, and early stopping on a held-out 10% above 10,000 rows.
 */
abstract class GradientBoostingBase {
  readonly options: Required<Omit<GradientBoostingOptions, 'maxDepth'>> & { maxDepth: number };
  protected state: GBState | undefined;
  /** Iterations kept by the last fit (fewer than maxIter when early stopping). */
  iterations = 0;
  /** The last fit's sample weights; undefined when every row weighs one. */
  protected weights: Float64Array | undefined;

  constructor(options: GradientBoostingOptions, kind: string) {
    this.options = resolveOptions(kind, GRADIENT_BOOSTING_OPTIONS, GRADIENT_BOOSTING_DEFAULTS, options);
  }

  /** Gradients and hessians of the loss at the raw scores (k = tree index within an iteration). */
  protected abstract gradients(
    raw: Float64Array[],
    rows: Int32Array,
    g: Float64Array[],
    h: Float64Array[],
  ): void;
  /** Loss of row i at the raw scores, for early stopping. */
  protected abstract rowLoss(raw: Float64Array[], i: number): number;

  /** Mean loss on `rows` (weighted by the sample weights, as scikit-learn's), for early stopping. */
  private loss(raw: Float64Array[], rows: Int32Array): number {
    const w = this.weights;
    let total = 0;
    let weight = 0;
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q] as number;
      const wi = w ? (w[i] as number) : 1;
      total += wi * this.rowLoss(raw, i);
      weight += wi;
    }
    return weight > 0 ? total / weight : 0;
  }

  /** Scales each row's gradient and hessian by its weight: a row of weight 2 counts as two. */
  private weigh(rows: Int32Array, g: Float64Array[], h: Float64Array[]): void {
    const w = this.weights;
    if (!w) return;
    for (let k = 0; k < g.length; k++) {
      const gk = g[k] as Float64Array;
      const hk = h[k] as Float64Array;
      for (let q = 0; q < rows.length; q++) {
        const i = rows[q] as number;
        gk[i] = (gk[i] as number) * (w[i] as number);
        hk[i] = (hk[i] as number) * (w[i] as number);
      }
    }
  }

  /**
   * Boosts until `maxIter` iterations in all. With `previous` trees (warm start), their predictions are the
   * starting point and only the missing iterations are added, as scikit-learn's warm_start.
   */
  protected boost(X: CheckedRows, baseline: number[], trees: number, previous: Tree[][] = []): void {
    const o = this.options;
    const n = X.rows;
    const d = X.cols;
    const random = seededRandom(o.seed);
    const binned = binMatrix(X, o.maxBins, o.seed);
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    const early = o.earlyStopping === 'auto' ? n > 10_000 : o.earlyStopping;
    let train = all;
    let validation: Int32Array | undefined;
    if (early) {
      const shuffled = all.slice();
      shuffleInPlace(shuffled, random);
      const nv = Math.max(1, Math.round(n * o.validationFraction));
      validation = shuffled.slice(0, nv).sort();
      train = shuffled.slice(nv).sort();
    }
    const raw = baseline.map((b) => new Float64Array(n).fill(b));
    // A warm start needs the previous trees' predictions, on the raw features.
    const dense = previous.length > 0 ? toDense(X.X).data : undefined;
    for (const iteration of previous) {
      for (let k = 0; k < trees; k++) {
        const r = raw[k] as Float64Array;
        for (let i = 0; i < n; i++)
          r[i] = (r[i] as number) + predictTree(iteration[k] as Tree, dense as Float64Array, i * d);
      }
    }
    const forest: Tree[][] = [...previous];
    let best = Number.POSITIVE_INFINITY;
    let stale = 0;
    const grower = new HistogramTreeGrower(binned, train, { ...o }, trees);
    try {
      for (let it = previous.length; it < o.maxIter; it++) {
        this.gradients(raw, train, grower.gradients, grower.hessians);
        this.weigh(train, grower.gradients, grower.hessians);
        const iteration: Tree[] = [];
        for (let k = 0; k < trees; k++) {
          const grown = grower.grow(k, raw[k] as Float64Array);
          iteration.push(grown.tree);
          const r = raw[k] as Float64Array;
          if (validation)
            for (let q = 0; q < validation.length; q++) {
              const i = validation[q] as number;
              r[i] = (r[i] as number) + predictBinnedTree(grown, binned.bins, i * d);
            }
        }
        forest.push(iteration);
        if (validation) {
          const loss = this.loss(raw, validation);
          if (loss < best - o.tol) {
            best = loss;
            stale = 0;
          } else if (++stale >= o.nIterNoChange) break;
        }
      }
    } finally {
      grower.close();
    }
    // As scikit-learn: early stopping keeps every iteration it ran (the last nIterNoChange did not help).
    this.iterations = forest.length;
    this.state = { ...(this.state as GBState), baseline, trees: forest, features: d };
  }

  /** Raw scores (before the link function) for every row, one array per tree of an iteration. */
  protected rawScores(X: FeatureRows | Dense): Float64Array[] {
    const s = this.fitted();
    const dense = isDense(X) ? X : toDense(X);
    if (dense.cols !== s.features) {
      throw new StewardInputError(
        `X has ${dense.cols} features but the model was fitted on ${s.features}`,
        'X',
      );
    }
    const raw = s.baseline.map((b) => new Float64Array(dense.rows).fill(b));
    let compiled = compiledForests.get(s);
    if (!compiled) {
      compiled = s.baseline.map((_, k) => compileTrees(s.trees.map((iteration) => iteration[k] as Tree)));
      compiledForests.set(s, compiled);
    }
    for (const [k, trees] of compiled.entries())
      addTrees(trees, dense.data, s.features, raw[k] as Float64Array);
    return raw;
  }

  protected fitted(): GBState {
    if (!this.state) throw new StewardInputError('the model is not fitted yet: call fit first', 'model');
    return this.state;
  }

  protected load(kind: string, json: unknown): void {
    const file = checkModelFile(json, kind);
    const state = file.state as Partial<GBState>;
    if (!Array.isArray(state.trees) || !Array.isArray(state.baseline) || typeof state.features !== 'number') {
      throw new StewardInputError(`${kind} model file: trees, baseline and features are required`, 'model');
    }
    for (const iteration of state.trees) {
      for (const t of iteration) {
        const size = t?.feature?.length;
        const ok =
          Array.isArray(t?.feature) &&
          [t.threshold, t.left, t.right, t.value].every((a) => Array.isArray(a) && a.length === size) &&
          t.left.every((c) => c === -1 || (Number.isInteger(c) && c > 0 && c < size));
        if (!ok) throw new StewardInputError(`${kind} model file: a tree is malformed`, 'model');
      }
    }
    this.state = state as GBState;
  }
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Gradient boosting for classes (log loss), as scikit-learn's HistGradientBoostingClassifier.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const model = new GradientBoostingClassifier({ minSamplesLeaf: 1 }).fit(X, y);
 * Array.from(model.predict([[0.5], [4.5]])); // [0,1]
 * ```
 */
export class GradientBoostingClassifier extends GradientBoostingBase {
  constructor(options: GradientBoostingOptions = {}) {
    super(options, 'GradientBoostingClassifier');
  }

  private target: Int32Array = new Int32Array(0);

  get classes(): Label[] | undefined {
    return this.state?.classes;
  }

  /**
   * Fits; with `warmStart`, keeps the fitted trees and adds iterations up to `maxIter` (raise it first). A row's
   * `sampleWeight` multiplies its gradient and hessian, as scikit-learn's `sample_weight`.
   */
  fit(X: FeatureRows, y: Labels, options: GradientBoostingFitOptions = {}): this {
    const rows = checkFeatureRows(X);
    if (y === null || typeof y !== 'object' || y.length !== rows.rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${rows.rows} rows`, 'y');
    }
    checkClassLabels('y', y);
    const { classes, target } = encodeClasses(y);
    if (classes.length < 2)
      throw new StewardInputError('y has only one class: a classifier needs two or more', 'y');
    this.target = target;
    this.weights = checkSampleWeight(options.sampleWeight, rows.rows);
    const counts = classes.map(() => 0);
    const w = this.weights;
    this.target.forEach((t, i) => {
      counts[t] = (counts[t] as number) + (w ? (w[i] as number) : 1);
    });
    const total = counts.reduce((a, b) => a + b, 0);
    const least = w ? Number.EPSILON * total : 1;
    const baseline =
      classes.length === 2
        ? [Math.log(Math.max(counts[1] as number, least) / Math.max(counts[0] as number, least))]
        : counts.map((c) => Math.log(Math.max(c, least) / total));
    const previous = options.warmStart ? this.warmTrees(classes, rows.cols) : undefined;
    if (previous) {
      this.boost(rows, (this.state as GBState).baseline, (this.state as GBState).baseline.length, previous);
      return this;
    }
    this.state = { kind: 'classifier', classes, baseline, trees: [], features: rows.cols };
    this.boost(rows, baseline, baseline.length);
    return this;
  }

  private warmTrees(classes: Label[], features: number): Tree[][] | undefined {
    const s = this.state;
    if (!s) return undefined;
    const mine = s.classes ?? [];
    if (mine.length !== classes.length || mine.some((c, i) => c !== classes[i]) || s.features !== features) {
      throw new StewardInputError('warm start needs the same classes and features as the fitted model', 'y');
    }
    return s.trees;
  }

  protected gradients(raw: Float64Array[], rows: Int32Array, g: Float64Array[], h: Float64Array[]): void {
    const K = raw.length;
    if (K === 1) {
      const r = raw[0] as Float64Array;
      const g0 = g[0] as Float64Array;
      const h0 = h[0] as Float64Array;
      for (let q = 0; q < rows.length; q++) {
        const i = rows[q] as number;
        const p = sigmoid(r[i] as number);
        g0[i] = p - (this.target[i] as number);
        h0[i] = p * (1 - p);
      }
      return;
    }
    const p = new Float64Array(K);
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q] as number;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, (raw[k] as Float64Array)[i] as number);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        p[k] = Math.exp(((raw[k] as Float64Array)[i] as number) - max);
        sum += p[k] as number;
      }
      for (let k = 0; k < K; k++) {
        const pk = (p[k] as number) / sum;
        (g[k] as Float64Array)[i] = pk - (this.target[i] === k ? 1 : 0);
        (h[k] as Float64Array)[i] = pk * (1 - pk);
      }
    }
  }

  protected rowLoss(raw: Float64Array[], i: number): number {
    if (raw.length === 1) {
      const z = (raw[0] as Float64Array)[i] as number;
      return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z))) - (this.target[i] as number) * z;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (const r of raw) max = Math.max(max, r[i] as number);
    let sum = 0;
    for (const r of raw) sum += Math.exp((r[i] as number) - max);
    return max + Math.log(sum) - ((raw[this.target[i] as number] as Float64Array)[i] as number);
  }

  predictProba(X: FeatureRows): Float64Array[] {
    const raw = this.rawScores(X);
    const n = (raw[0] as Float64Array).length;
    return Array.from({ length: n }, (_, i) => {
      if (raw.length === 1) {
        const p = sigmoid((raw[0] as Float64Array)[i] as number);
        return Float64Array.of(1 - p, p);
      }
      const z = Float64Array.from(raw, (r) => r[i] as number);
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
  }

  predict(X: FeatureRows): Label[] {
    return argmaxClasses(this.predictProba(X), this.fitted().classes as Label[]);
  }

  toJSON(): ModelFile<'GradientBoostingClassifier', GradientBoostingOptions, GBState> {
    return modelFile(
      'GradientBoostingClassifier',
      { ...this.options, maxDepth: finiteOrUndefined(this.options.maxDepth) },
      this.fitted(),
    );
  }

  static fromJSON(json: unknown): GradientBoostingClassifier {
    const model = new GradientBoostingClassifier((json as ModelFile)?.params as GradientBoostingOptions);
    model.load('GradientBoostingClassifier', json);
    return model;
  }
}

/**
 * Gradient boosting for numbers (squared error), as scikit-learn's HistGradientBoostingRegressor.
 *
 * @example
 * ```ts
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [2, 4, 6, 8, 10, 12];
 * const model = new GradientBoostingRegressor({ minSamplesLeaf: 1 }).fit(X, y);
 * Array.from(model.predict([[1], [6]]), (v) => Number(v.toFixed(2))); // [2,12]
 * ```
 */
export class GradientBoostingRegressor extends GradientBoostingBase {
  constructor(options: GradientBoostingOptions = {}) {
    super(options, 'GradientBoostingRegressor');
  }

  private target: Float64Array = new Float64Array(0);

  /** Fits; with `warmStart`, keeps the fitted trees and adds iterations up to `maxIter` (raise it first). */
  fit(X: FeatureRows, y: ArrayLike<number>, options: GradientBoostingFitOptions = {}): this {
    const rows = checkFeatureRows(X);
    this.target = toTarget(y, rows.rows);
    this.weights = checkSampleWeight(options.sampleWeight, rows.rows);
    if (options.warmStart && this.state) {
      if (this.state.features !== rows.cols) {
        throw new StewardInputError('warm start needs the same features as the fitted model', 'X');
      }
      this.boost(rows, this.state.baseline, 1, this.state.trees);
      return this;
    }
    const w = this.weights;
    let weighted = 0;
    let weight = 0;
    this.target.forEach((t, i) => {
      weighted += (w ? (w[i] as number) : 1) * t;
      weight += w ? (w[i] as number) : 1;
    });
    const mean = weighted / weight;
    this.state = { kind: 'regressor', baseline: [mean], trees: [], features: rows.cols };
    this.boost(rows, [mean], 1);
    return this;
  }

  protected gradients(raw: Float64Array[], rows: Int32Array, g: Float64Array[], h: Float64Array[]): void {
    const r = raw[0] as Float64Array;
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q] as number;
      (g[0] as Float64Array)[i] = (r[i] as number) - (this.target[i] as number);
      (h[0] as Float64Array)[i] = 1;
    }
  }

  protected rowLoss(raw: Float64Array[], i: number): number {
    return 0.5 * (((raw[0] as Float64Array)[i] as number) - (this.target[i] as number)) ** 2;
  }

  /** Predictions for feature rows, or for a dense row-major matrix already checked (finite, the fitted width). */
  predict(X: FeatureRows | Dense): Float64Array {
    return this.rawScores(X)[0] as Float64Array;
  }

  toJSON(): ModelFile<'GradientBoostingRegressor', GradientBoostingOptions, GBState> {
    return modelFile(
      'GradientBoostingRegressor',
      { ...this.options, maxDepth: finiteOrUndefined(this.options.maxDepth) },
      this.fitted(),
    );
  }

  static fromJSON(json: unknown): GradientBoostingRegressor {
    const model = new GradientBoostingRegressor((json as ModelFile)?.params as GradientBoostingOptions);
    model.load('GradientBoostingRegressor', json);
    return model;
  }
}

function finiteOrUndefined(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}

const GRADIENT_BOOSTING_TUNING = {
  space: {
    learningRate: { type: 'loguniform', low: 0.01, high: 0.3 },
    maxLeafNodes: { type: 'int', low: 7, high: 63, log: true },
    minSamplesLeaf: { type: 'int', low: 5, high: 100, log: true },
    l2Regularization: { type: 'loguniform', low: 1e-4, high: 10 },
  },
} as const;

export const gradientBoostingClassifier = defineLearner({
  name: 'GradientBoostingClassifier',
  task: 'classification',
  summary: "histogram-based gradient boosting on log loss, as scikit-learn's HistGradientBoostingClassifier",
  options: GRADIENT_BOOSTING_OPTIONS,
  defaults: GRADIENT_BOOSTING_DEFAULTS,
  online: false,
  sampleWeight: true,
  tuning: GRADIENT_BOOSTING_TUNING,
  create: (options) => new GradientBoostingClassifier(options),
  restore: GradientBoostingClassifier.fromJSON,
});

export const gradientBoostingRegressor = defineLearner({
  name: 'GradientBoostingRegressor',
  task: 'regression',
  summary:
    "histogram-based gradient boosting on squared error, as scikit-learn's HistGradientBoostingRegressor",
  options: GRADIENT_BOOSTING_OPTIONS,
  defaults: GRADIENT_BOOSTING_DEFAULTS,
  online: false,
  sampleWeight: true,
  tuning: GRADIENT_BOOSTING_TUNING,
  create: (options) => new GradientBoostingRegressor(options),
  restore: GradientBoostingRegressor.fromJSON,
});

function isDense(X: FeatureRows | Dense): X is Dense {
  return (X as Dense).data instanceof Float64Array && typeof (X as Dense).cols === 'number';
}
