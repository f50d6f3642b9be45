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

export type Activation = 'relu' | 'tanh' | 'logistic' | 'identity';

/** Rows the network takes: dense, or sparse (hashed text) for the first layer. */
type Input = Dense | SparseMatrix;

function asInput(X: FeatureRows | SparseMatrix): Input {
  return isSparseMatrix(X) ? checkSparseMatrix(X) : toDense(X as FeatureRows);
}

/** The rows `rows` of X, in that order. */
function selectRows(X: Input, rows: ArrayLike<number>): Input {
  if (!isSparseMatrix(X)) {
    const data = new Float64Array(rows.length * X.cols);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as number;
      data.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), r * X.cols);
    }
    return { rows: rows.length, cols: X.cols, data };
  }
  const indptr = new Int32Array(rows.length + 1);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    indptr[r + 1] = (indptr[r] as number) + (X.indptr[row + 1] as number) - (X.indptr[row] as number);
  }
  const indices = new Int32Array(indptr[rows.length] as number);
  const data = new Float64Array(indices.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    const from = X.indptr[row] as number;
    const to = X.indptr[row + 1] as number;
    indices.set(X.indices.subarray(from, to), indptr[r] as number);
    data.set(X.data.subarray(from, to), indptr[r] as number);
  }
  return { rows: rows.length, cols: X.cols, indptr, indices, data };
}

export interface MLPOptions {
  /** Units of each hidden layer (default [100], scikit-learn's). */
  hiddenLayers?: number[];
  activation?: Activation;
  /** Adam's step size (default 0.001). */
  learningRate?: number;
  /** L2 penalty, scaled by 1/n as scikit-learn (default 0.0001). */
  alpha?: number;
  /** Rows per mini-batch (default min(200, n)). */
  batchSize?: number;
  /** Epochs of `fit` at most (default 200). */
  maxIter?: number;
  /** Improvement below this for `nIterNoChange` epochs stops `fit` (defaults 1e-4 and 10). */
  tol?: number;
  nIterNoChange?: number;
  /** Hold out `validationFraction` of the rows and stop when their score stops improving; keeps the best epoch. */
  earlyStopping?: boolean;
  validationFraction?: number;
  /** Layers (from the input) whose weights stay fixed: fine-tune only the top of a pretrained network. */
  frozenLayers?: number;
  seed?: number;
}

export const MLP_DEFAULTS = {
  hiddenLayers: [100],
  activation: 'relu',
  learningRate: 0.001,
  alpha: 0.0001,
  batchSize: 200,
  maxIter: 200,
  tol: 1e-4,
  nIterNoChange: 10,
  earlyStopping: false,
  validationFraction: 0.1,
  frozenLayers: 0,
  seed: 0,
} satisfies Required<MLPOptions>;

export const MLP_OPTIONS: OptionsSpec<MLPOptions> = {
  hiddenLayers: {
    type: 'integers',
    min: 1,
    doc: 'units of each hidden layer ([100]); 64 or "64,32" also work',
  },
  activation: {
    type: 'choice',
    values: ['relu', 'tanh', 'logistic', 'identity'],
    doc: "hidden activation ('relu')",
  },
  learningRate: { type: 'number', min: 0, exclusiveMin: true, doc: "Adam's step size (0.001)" },
  alpha: { type: 'number', min: 0, doc: 'L2 penalty, scaled by 1/n (0.0001)' },
  batchSize: { type: 'number', integer: true, min: 1, doc: 'rows per mini-batch, at most n (200)' },
  maxIter: { type: 'number', integer: true, min: 1, doc: 'epochs of fit at most (200)' },
  tol: { type: 'number', min: 0, doc: 'improvement that counts as one (1e-4)' },
  nIterNoChange: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'epochs without improvement before stopping (10)',
  },
  earlyStopping: { type: 'boolean', doc: 'stop on a held-out score and keep the best epoch (false)' },
  validationFraction: {
    type: 'number',
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    doc: 'share held out for early stopping (0.1)',
  },
  frozenLayers: {
    type: 'number',
    integer: true,
    min: 0,
    doc: 'layers from the input whose weights stay fixed (0)',
  },
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the initial weights and shuffles (0)' },
};

interface Layer {
  inputs: number;
  outputs: number;
  W: Float64Array; // inputs × outputs, row-major
  b: Float64Array;
}

interface MLPState {
  layers: { inputs: number; outputs: number; W: number[]; b: number[] }[];
  classes?: Label[];
  adamStep: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

function activate(kind: Activation, v: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    v[i] =
      kind === 'relu'
        ? x > 0
          ? x
          : 0
        : kind === 'tanh'
          ? Math.tanh(x)
          : kind === 'logistic'
            ? 1 / (1 + Math.exp(-x))
            : x;
  }
}

/** Multiplies the back-propagated error by the activation's derivative, written in terms of its output. */
function activationDerivative(kind: Activation, out: Float64Array, delta: Float64Array): void {
  for (let i = 0; i < delta.length; i++) {
    const a = out[i] as number;
    const d =
      kind === 'relu' ? (a > 0 ? 1 : 0) : kind === 'tanh' ? 1 - a * a : kind === 'logistic' ? a * (1 - a) : 1;
    delta[i] = (delta[i] as number) * d;
  }
}

/**
 * A multilayer perceptron trained by Adam on mini-batches, as scikit-learn's MLPClassifier/MLPRegressor: Glorot
 * initialisation, an L2 penalty, early stopping on a held-out share, `partialFit` for online updates, and
 * `frozenLayers` to fine-tune only the upper layers of a pretrained network (transfer learning).
 */
abstract class MLPBase {
  readonly options: Required<MLPOptions>;
  layers: Layer[] | undefined;
  /** Adam's moments and step count: kept between fits, so fine-tuning continues the optimiser's state. */
  protected m: Float64Array[] = [];
  protected v: Float64Array[] = [];
  protected adamStep = 0;
  protected random: () => number;
  /** Training loss of each epoch of the last fit, and the validation scores when early stopping. */
  lossCurve: number[] = [];
  validationScores: number[] = [];

  constructor(options: MLPOptions, kind: string) {
    this.options = resolveOptions(kind, MLP_OPTIONS, MLP_DEFAULTS, options);
    const o = this.options;
    if (o.frozenLayers > o.hiddenLayers.length) {
      throw new StewardInputError(
        `frozenLayers must be an integer from 0 to ${o.hiddenLayers.length}`,
        'frozenLayers',
      );
    }
    this.random = seededRandom(o.seed);
  }

  /** The output layer's transformation and loss: softmax/logistic with cross-entropy, or identity with squared error. */
  protected abstract outputKind(): 'softmax' | 'logistic' | 'identity';
  /** Score on held-out rows for early stopping (higher is better). */
  protected abstract score(X: Input, targets: Float64Array): number;

  /** Takes sparse rows (hashed text): only the first layer's rows that a row's entries pick are read. */
  readonly sparseInput = true;

  protected init(inputs: number, outputs: number): void {
    const sizes = [inputs, ...this.options.hiddenLayers, outputs];
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l] as number;
      const fanOut = sizes[l + 1] as number;
      // Glorot uniform, with scikit-learn's factor 2 for the logistic activation.
      const factor = this.options.activation === 'logistic' ? 2 : 6;
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      const W = Float64Array.from({ length: fanIn * fanOut }, () => (2 * this.random() - 1) * bound);
      const b = Float64Array.from({ length: fanOut }, () => (2 * this.random() - 1) * bound);
      this.layers.push({ inputs: fanIn, outputs: fanOut, W, b });
    }
    this.m = this.layers.flatMap((L) => [new Float64Array(L.W.length), new Float64Array(L.b.length)]);
    this.v = this.layers.flatMap((L) => [new Float64Array(L.W.length), new Float64Array(L.b.length)]);
    this.adamStep = 0;
  }

  /**
   * Forward pass on rows `index` of X; returns every layer's output (the first is the input itself, left empty for
   * sparse rows, whose first layer sums only the rows of W their stored entries pick).
   */
  protected forward(X: Input, index: ArrayLike<number>): Float64Array[] {
    const layers = this.layers as Layer[];
    const n = index.length;
    const sparse = isSparseMatrix(X);
    let input = new Float64Array(sparse ? 0 : n * X.cols);
    if (!sparse)
      for (let r = 0; r < n; r++)
        input.set(
          X.data.subarray((index[r] as number) * X.cols, ((index[r] as number) + 1) * X.cols),
          r * X.cols,
        );
    const outputs = [input];
    for (let l = 0; l < layers.length; l++) {
      const L = layers[l] as Layer;
      const out = new Float64Array(n * L.outputs);
      for (let r = 0; r < n; r++) {
        const o = r * L.outputs;
        out.set(L.b, o);
        if (sparse && l === 0) {
          const row = index[r] as number;
          for (let k = X.indptr[row] as number; k < (X.indptr[row + 1] as number); k++) {
            const x = X.data[k] as number;
            const w = (X.indices[k] as number) * L.outputs;
            for (let j = 0; j < L.outputs; j++)
              out[o + j] = (out[o + j] as number) + x * (L.W[w + j] as number);
          }
          continue;
        }
        for (let i = 0; i < L.inputs; i++) {
          const x = input[r * L.inputs + i] as number;
          if (x === 0) continue;
          const w = i * L.outputs;
          for (let j = 0; j < L.outputs; j++)
            out[o + j] = (out[o + j] as number) + x * (L.W[w + j] as number);
        }
      }
      if (l < layers.length - 1) activate(this.options.activation, out);
      else this.finishOutput(out, n, L.outputs);
      outputs.push(out);
      input = out;
    }
    return outputs;
  }

  private finishOutput(out: Float64Array, n: number, k: number): void {
    const kind = this.outputKind();
    if (kind === 'logistic') activate('logistic', out);
    else if (kind === 'softmax') {
      for (let r = 0; r < n; r++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < k; j++) max = Math.max(max, out[r * k + j] as number);
        let sum = 0;
        for (let j = 0; j < k; j++) {
          const e = Math.exp((out[r * k + j] as number) - max);
          out[r * k + j] = e;
          sum += e;
        }
        for (let j = 0; j < k; j++) out[r * k + j] = (out[r * k + j] as number) / sum;
      }
    }
  }

  /** One pass of mini-batch Adam over `order`; returns the mean loss, penalty included. */
  protected epoch(X: Input, targets: Float64Array, order: ArrayLike<number>): number {
    const layers = this.layers as Layer[];
    const { alpha, learningRate, frozenLayers } = this.options;
    const batchSize = Math.max(1, Math.min(this.options.batchSize, order.length));
    const kOut = (layers[layers.length - 1] as Layer).outputs;
    const outputKind = this.outputKind();
    let lossSum = 0;
    // Gradients are summed into buffers kept for the epoch (a first layer over 2^18 hashed words is millions of
    // weights); frozen layers do not move, so their share of the penalty is summed once.
    const gradients = layers.map((L, l) =>
      l < frozenLayers ? undefined : { W: new Float64Array(L.W.length), b: new Float64Array(L.b.length) },
    );
    let frozenPenalty = 0;
    for (let l = 0; l < Math.min(frozenLayers, layers.length); l++)
      for (const w of (layers[l] as Layer).W) frozenPenalty += w * w;
    for (let start = 0; start < order.length; start += batchSize) {
      const index = Array.prototype.slice.call(order, start, start + batchSize) as number[];
      const n = index.length;
      const acts = this.forward(X, index);
      const out = acts[acts.length - 1] as Float64Array;
      // Output error: prediction − target for all three output/loss pairs.
      let delta = new Float64Array(n * kOut);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < kOut; j++) {
          const p = out[r * kOut + j] as number;
          const t = targets[(index[r] as number) * kOut + j] as number;
          delta[r * kOut + j] = p - t;
          if (outputKind === 'identity') lossSum += 0.5 * (p - t) ** 2;
          else if (outputKind === 'softmax') lossSum -= t * Math.log(Math.max(p, 1e-15));
          else lossSum -= t * Math.log(Math.max(p, 1e-15)) + (1 - t) * Math.log(Math.max(1 - p, 1e-15));
        }
      }
      this.adamStep += 1;
      const t = this.adamStep;
      const stepSize = (learningRate * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
      // Frozen layers are the lowest: below the first of them nothing learns, so the pass back stops there.
      for (let l = layers.length - 1; l >= frozenLayers; l--) {
        const L = layers[l] as Layer;
        const input = acts[l] as Float64Array;
        const { W: gW, b: gb } = gradients[l] as { W: Float64Array; b: Float64Array };
        gW.fill(0);
        gb.fill(0);
        for (let r = 0; r < n; r++) {
          if (l === 0 && isSparseMatrix(X)) {
            const row = index[r] as number;
            for (let k = X.indptr[row] as number; k < (X.indptr[row + 1] as number); k++) {
              const x = X.data[k] as number;
              const w = (X.indices[k] as number) * L.outputs;
              for (let j = 0; j < L.outputs; j++)
                gW[w + j] = (gW[w + j] as number) + x * (delta[r * L.outputs + j] as number);
            }
            for (let j = 0; j < L.outputs; j++)
              gb[j] = (gb[j] as number) + (delta[r * L.outputs + j] as number);
            continue;
          }
          for (let i = 0; i < L.inputs; i++) {
            const x = input[r * L.inputs + i] as number;
            if (x === 0) continue;
            for (let j = 0; j < L.outputs; j++)
              gW[i * L.outputs + j] =
                (gW[i * L.outputs + j] as number) + x * (delta[r * L.outputs + j] as number);
          }
          for (let j = 0; j < L.outputs; j++)
            gb[j] = (gb[j] as number) + (delta[r * L.outputs + j] as number);
        }
        for (let i = 0; i < gW.length; i++) gW[i] = ((gW[i] as number) + alpha * (L.W[i] as number)) / n;
        for (let j = 0; j < gb.length; j++) gb[j] = (gb[j] as number) / n;
        if (l > frozenLayers) {
          const next = new Float64Array(n * L.inputs);
          for (let r = 0; r < n; r++) {
            for (let i = 0; i < L.inputs; i++) {
              let s = 0;
              for (let j = 0; j < L.outputs; j++)
                s += (L.W[i * L.outputs + j] as number) * (delta[r * L.outputs + j] as number);
              next[r * L.inputs + i] = s;
            }
          }
          activationDerivative(this.options.activation, input, next);
          delta = next;
        }
        this.adam(L.W, gW, 2 * l, stepSize);
        this.adam(L.b, gb, 2 * l + 1, stepSize);
      }
      let penalty = frozenPenalty;
      for (let l = frozenLayers; l < layers.length; l++)
        for (const w of (layers[l] as Layer).W) penalty += w * w;
      lossSum += (0.5 * alpha * penalty * n) / order.length;
    }
    return lossSum / order.length;
  }

  private adam(param: Float64Array, grad: Float64Array, slot: number, stepSize: number): void {
    const m = this.m[slot] as Float64Array;
    const v = this.v[slot] as Float64Array;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i] as number;
      m[i] = BETA1 * (m[i] as number) + (1 - BETA1) * g;
      v[i] = BETA2 * (v[i] as number) + (1 - BETA2) * g * g;
      param[i] = (param[i] as number) - (stepSize * (m[i] as number)) / (Math.sqrt(v[i] as number) + EPSILON);
    }
  }

  /** Epochs over X (targets one row per sample), with the stopping rules of scikit-learn's MLP. */
  protected train(X: Input, targets: Float64Array, kOut: number): void {
    const { maxIter, tol, nIterNoChange, earlyStopping, validationFraction } = this.options;
    let trainIndex = Int32Array.from({ length: X.rows }, (_, i) => i);
    let validation: { X: Input; targets: Float64Array } | undefined;
    if (earlyStopping) {
      shuffleInPlace(trainIndex, this.random);
      const nValidation = Math.max(1, Math.round(X.rows * validationFraction));
      const held = trainIndex.subarray(0, nValidation);
      trainIndex = trainIndex.slice(nValidation);
      const t = new Float64Array(held.length * kOut);
      held.forEach((row, r) => {
        t.set(targets.subarray(row * kOut, (row + 1) * kOut), r * kOut);
      });
      validation = { X: selectRows(X, held), targets: t };
    }
    this.lossCurve = [];
    this.validationScores = [];
    let best = earlyStopping ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    let bestLayers: Layer[] | undefined;
    let stale = 0;
    for (let epoch = 0; epoch < maxIter; epoch++) {
      shuffleInPlace(trainIndex, this.random);
      const loss = this.epoch(X, targets, trainIndex);
      if (!Number.isFinite(loss))
        throw new StewardInputError('MLP training diverged: scale the features or lower learningRate', 'X');
      this.lossCurve.push(loss);
      if (validation) {
        const score = this.score(validation.X, validation.targets);
        this.validationScores.push(score);
        if (score > best + tol) stale = 0;
        else stale++;
        if (score > best) {
          best = score;
          bestLayers = cloneLayers(this.layers as Layer[]);
        }
      } else {
        if (loss > best - tol) stale++;
        else stale = 0;
        if (loss < best) best = loss;
      }
      if (stale >= nIterNoChange) break;
    }
    if (bestLayers) this.layers = bestLayers;
  }

  protected orderOf(rows: number): Int32Array {
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    shuffleInPlace(order, this.random);
    return order;
  }

  protected checkInputs(X: Input): void {
    const first = (this.layers as Layer[])[0] as Layer;
    if (X.cols !== first.inputs)
      throw new StewardInputError(`X has ${X.cols} features but the network takes ${first.inputs}`, 'X');
  }

  protected outputsFor(X: FeatureRows | SparseMatrix): { dense: Input; out: Float64Array; k: number } {
    if (!this.layers)
      throw new StewardInputError('the network is not fitted yet: call fit or partialFit first', 'model');
    const dense = asInput(X);
    this.checkInputs(dense);
    const acts = this.forward(
      dense,
      Int32Array.from({ length: dense.rows }, (_, i) => i),
    );
    return {
      dense,
      out: acts[acts.length - 1] as Float64Array,
      k: (this.layers[this.layers.length - 1] as Layer).outputs,
    };
  }

  protected saveState(classes?: Label[]): MLPState {
    if (!this.layers)
      throw new StewardInputError('the network is not fitted yet: call fit or partialFit first', 'model');
    return {
      layers: this.layers.map((L) => ({
        inputs: L.inputs,
        outputs: L.outputs,
        W: Array.from(L.W),
        b: Array.from(L.b),
      })),
      ...(classes ? { classes: [...classes] } : {}),
      adamStep: this.adamStep,
    };
  }

  protected loadState(kind: string, state: Partial<MLPState>): void {
    if (!Array.isArray(state.layers) || state.layers.length !== this.options.hiddenLayers.length + 1) {
      throw new StewardInputError(
        `${kind} model file: expected ${this.options.hiddenLayers.length + 1} layers`,
        'model',
      );
    }
    this.layers = state.layers.map((L, l) => ({
      inputs: L.inputs,
      outputs: L.outputs,
      W: numbersField(kind, `layers[${l}].W`, L.W, L.inputs * L.outputs),
      b: numbersField(kind, `layers[${l}].b`, L.b, L.outputs),
    }));
    this.m = this.layers.flatMap((L) => [new Float64Array(L.W.length), new Float64Array(L.b.length)]);
    this.v = this.layers.flatMap((L) => [new Float64Array(L.W.length), new Float64Array(L.b.length)]);
    this.adamStep = state.adamStep ?? 0;
  }
}

function cloneLayers(layers: Layer[]): Layer[] {
  return layers.map((L) => ({ ...L, W: L.W.slice(), b: L.b.slice() }));
}

/**
 * MLP for classes (softmax output, or one logistic unit for two classes), as scikit-learn's MLPClassifier.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const model = new MLPClassifier({ hiddenLayers: [8], learningRate: 0.01, maxIter: 500 }).fit(X, y);
 * Array.from(model.predict([[0.5], [4.5]])); // [0,1]
 * ```
 */
export class MLPClassifier extends MLPBase {
  constructor(options: MLPOptions = {}) {
    super(options, 'MLPClassifier');
  }

  classes: Label[] | undefined;

  protected outputKind() {
    return (this.classes?.length ?? 0) === 2 ? ('logistic' as const) : ('softmax' as const);
  }

  protected score(X: Input, targets: Float64Array): number {
    const layers = this.layers as Layer[];
    const k = (layers[layers.length - 1] as Layer).outputs;
    const out = this.forward(
      X,
      Int32Array.from({ length: X.rows }, (_, i) => i),
    );
    const p = out[out.length - 1] as Float64Array;
    let right = 0;
    for (let r = 0; r < X.rows; r++) {
      if (k === 1) right += ((p[r] as number) > 0.5 ? 1 : 0) === targets[r] ? 1 : 0;
      else {
        let best = 0;
        for (let j = 1; j < k; j++) if ((p[r * k + j] as number) > (p[r * k + best] as number)) best = j;
        right += targets[r * k + best] === 1 ? 1 : 0;
      }
    }
    return right / X.rows;
  }

  fit(X: FeatureRows | SparseMatrix, y: Labels, options: { warmStart?: boolean } = {}): this {
    const dense = asInput(X);
    const classes = this.labelsOf(y, dense.rows);
    if (!options.warmStart || !this.layers) {
      if (classes.length < 2)
        throw new StewardInputError('y has only one class: a classifier needs two or more', 'y');
      this.classes = classes;
      this.init(dense.cols, classes.length === 2 ? 1 : classes.length);
    } else this.checkClasses(classes, dense, true); // a warm start keeps the classes: a batch may hold some of them
    this.train(dense, this.targets(y), this.kOut());
    return this;
  }

  /** One epoch over a batch; the first call fixes the classes (pass `classes` if the batch may lack some). */
  partialFit(X: FeatureRows | SparseMatrix, y: Labels, classes?: readonly Label[]): this {
    const dense = asInput(X);
    const seen = this.labelsOf(y, dense.rows);
    if (!this.layers) {
      const all = sortedUnique([...(classes ?? []), ...seen]);
      if (all.length < 2)
        throw new StewardInputError('the first partialFit needs two classes: pass classes', 'y');
      this.classes = all;
      this.init(dense.cols, all.length === 2 ? 1 : all.length);
    } else this.checkClasses(seen, dense, true);
    this.epoch(dense, this.targets(y), this.orderOf(dense.rows));
    return this;
  }

  predictProba(X: FeatureRows | SparseMatrix): Float64Array[] {
    const { dense, out, k } = this.outputsFor(X);
    return Array.from({ length: dense.rows }, (_, r) =>
      k === 1 ? Float64Array.of(1 - (out[r] as number), out[r] as number) : out.slice(r * k, (r + 1) * k),
    );
  }

  predict(X: FeatureRows | SparseMatrix): Label[] {
    return argmaxClasses(this.predictProba(X), this.classes as Label[]);
  }

  private kOut(): number {
    return (this.classes as Label[]).length === 2 ? 1 : (this.classes as Label[]).length;
  }

  private labelsOf(y: Labels, rows: number): Label[] {
    if (y === null || typeof y !== 'object' || y.length !== rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${rows} rows`, 'y');
    }
    checkClassLabels('y', y);
    return sortedUnique(Array.from(y));
  }

  private checkClasses(seen: Label[], X: Input, subset = false): void {
    this.checkInputs(X);
    const known = this.classes as Label[];
    const unknown = seen.find((c) => !known.includes(c));
    if (unknown !== undefined || (!subset && seen.length !== known.length)) {
      throw new StewardInputError(
        `the labels (${seen.join(', ')}) do not match the network's classes (${known.join(', ')})`,
        'y',
      );
    }
  }

  private targets(y: Labels): Float64Array {
    const classes = this.classes as Label[];
    const k = this.kOut();
    const labels = Array.from(y);
    const t = new Float64Array(labels.length * k);
    labels.forEach((label, r) => {
      const c = classes.indexOf(label);
      if (k === 1) t[r] = c === 1 ? 1 : 0;
      else t[r * k + c] = 1;
    });
    return t;
  }

  toJSON(): ModelFile<'MLPClassifier', Required<MLPOptions>, MLPState> {
    return modelFile(
      'MLPClassifier',
      { ...this.options, hiddenLayers: [...this.options.hiddenLayers] },
      this.saveState(this.classes),
    );
  }

  static fromJSON(json: unknown): MLPClassifier {
    const file = checkModelFile(json, 'MLPClassifier');
    const state = file.state as Partial<MLPState>;
    const model = new MLPClassifier(file.params as MLPOptions);
    if (!Array.isArray(state.classes) || state.classes.length < 2) {
      throw new StewardInputError('MLPClassifier model file: classes must list at least two labels', 'model');
    }
    model.classes = [...state.classes];
    model.loadState('MLPClassifier', state);
    return model;
  }
}

/**
 * MLP for one numeric target (identity output, squared error), as scikit-learn's MLPRegressor.
 *
 * @example
 * ```ts
 * const X = [[1], [2], [3], [4], [5], [6]];
 * const y = [2, 4, 6, 8, 10, 12];
 * const model = new MLPRegressor({ hiddenLayers: [8], learningRate: 0.01, maxIter: 2000 }).fit(X, y);
 * Array.from(model.predict([[3.5]]), (v) => Number(v.toFixed(1))); // [7]
 * ```
 */
export class MLPRegressor extends MLPBase {
  constructor(options: MLPOptions = {}) {
    super(options, 'MLPRegressor');
  }

  protected outputKind() {
    return 'identity' as const;
  }

  protected score(X: Input, targets: Float64Array): number {
    const out = this.forward(
      X,
      Int32Array.from({ length: X.rows }, (_, i) => i),
    );
    const p = out[out.length - 1] as Float64Array;
    let mean = 0;
    for (const t of targets) mean += t / targets.length;
    let ssRes = 0;
    let ssTot = 0;
    for (let r = 0; r < X.rows; r++) {
      ssRes += ((targets[r] as number) - (p[r] as number)) ** 2;
      ssTot += ((targets[r] as number) - mean) ** 2;
    }
    return ssTot > 0 ? 1 - ssRes / ssTot : 0;
  }

  fit(X: FeatureRows | SparseMatrix, y: ArrayLike<number>, options: { warmStart?: boolean } = {}): this {
    const dense = asInput(X);
    const target = toTarget(y, dense.rows);
    if (!options.warmStart || !this.layers) this.init(dense.cols, 1);
    else this.checkInputs(dense);
    this.train(dense, target, 1);
    return this;
  }

  partialFit(X: FeatureRows | SparseMatrix, y: ArrayLike<number>): this {
    const dense = asInput(X);
    const target = toTarget(y, dense.rows);
    if (!this.layers) this.init(dense.cols, 1);
    else this.checkInputs(dense);
    this.epoch(dense, target, this.orderOf(dense.rows));
    return this;
  }

  predict(X: FeatureRows | SparseMatrix): Float64Array {
    return this.outputsFor(X).out;
  }

  toJSON(): ModelFile<'MLPRegressor', Required<MLPOptions>, MLPState> {
    return modelFile(
      'MLPRegressor',
      { ...this.options, hiddenLayers: [...this.options.hiddenLayers] },
      this.saveState(),
    );
  }

  static fromJSON(json: unknown): MLPRegressor {
    const file = checkModelFile(json, 'MLPRegressor');
    const model = new MLPRegressor(file.params as MLPOptions);
    model.loadState('MLPRegressor', file.state as Partial<MLPState>);
    return model;
  }
}

const MLP_TUNING = {
  space: {
    hiddenLayers: { type: 'categorical', choices: ['32', '64', '32,32', '64,32'] },
    learningRate: { type: 'loguniform', low: 1e-4, high: 3e-2 },
    alpha: { type: 'loguniform', low: 1e-6, high: 1e-2 },
  },
  fixed: { maxIter: 50 },
} as const;

export const mlpClassifier = defineLearner({
  name: 'MLPClassifier',
  task: 'classification',
  summary: "multi-layer perceptron trained by Adam on log loss, as scikit-learn's MLPClassifier",
  options: MLP_OPTIONS,
  defaults: MLP_DEFAULTS,
  online: true,
  sparse: true,
  fineTunable: ['frozenLayers', 'learningRate', 'maxIter', 'alpha', 'tol', 'nIterNoChange', 'earlyStopping'],
  tuning: MLP_TUNING,
  create: (options) => new MLPClassifier(options),
  restore: MLPClassifier.fromJSON,
});

export const mlpRegressor = defineLearner({
  name: 'MLPRegressor',
  task: 'regression',
  summary: "multi-layer perceptron trained by Adam on squared error, as scikit-learn's MLPRegressor",
  options: MLP_OPTIONS,
  defaults: MLP_DEFAULTS,
  online: true,
  sparse: true,
  fineTunable: ['frozenLayers', 'learningRate', 'maxIter', 'alpha', 'tol', 'nIterNoChange', 'earlyStopping'],
  tuning: MLP_TUNING,
  create: (options) => new MLPRegressor(options),
  restore: MLPRegressor.fromJSON,
});
