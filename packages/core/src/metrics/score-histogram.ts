import { StewardInputError } from '../errors.js';
import {
  checkClassLabels,
  checkFinite,
  checkSameLength,
  checkSampleWeight,
  type Label,
  type Labels,
  type Numbers,
} from './input.js';

export interface ScoreHistogramOptions {
  /** Number of equal-width bins. Default 1000. */
  bins?: number;
  /** Score range; scores outside fall into the edge bins. Default [0, 1] (probabilities). */
  range?: readonly [number, number];
  /** The positive class. Default 1. */
  posLabel?: Label;
}

/** The serialised form of a {@link ScoreHistogram}. */
export interface ScoreHistogramJSON {
  kind: 'score-histogram';
  version: 1;
  range: [number, number];
  posLabel: Label;
  positives: number[];
  negatives: number[];
}

/** An AUC estimate and the largest amount by which it can differ from the exact AUC of the same data. */
export interface ApproximateAuc {
  value: number;
  /** |value - exact ROC AUC| <= errorBound, always (not a confidence interval). */
  errorBound: number;
}

/**
 * Mergeable histogram of binary-classifier scores, split by outcome, for the ROC AUC of a window without
 * keeping its scores. Pairs of a positive and a negative in different bins are ordered exactly; pairs sharing a
 * bin get half credit, so the estimate is off by at most half the share of such pairs: the `errorBound` returned,
 * computed from the data (typically below 1e-3 with 1000 bins).
 *
 * @example
 * const h = new ScoreHistogram({ bins: 2 }).add([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * h.rocAuc(); // { value: 0.75, errorBound: 0.25 }: 0.35 shares a bin with both negatives
 */
export class ScoreHistogram {
  readonly bins: number;
  readonly range: readonly [number, number];
  readonly posLabel: Label;
  readonly positives: Float64Array;
  readonly negatives: Float64Array;

  constructor(options: ScoreHistogramOptions = {}) {
    const bins = options.bins ?? 1000;
    const range = options.range ?? [0, 1];
    if (!Number.isInteger(bins) || bins < 1)
      throw new StewardInputError(`bins is ${bins}; it must be a positive integer`, 'bins');
    if (!(range[0] < range[1]) || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) {
      throw new StewardInputError(`range [${range[0]}, ${range[1]}] must be finite with low < high`, 'range');
    }
    this.bins = bins;
    this.range = [range[0], range[1]];
    this.posLabel = options.posLabel ?? 1;
    this.positives = new Float64Array(bins);
    this.negatives = new Float64Array(bins);
  }

  static fromJSON(json: ScoreHistogramJSON): ScoreHistogram {
    if (json?.kind !== 'score-histogram' || json.version !== 1) {
      throw new StewardInputError(
        'not a score histogram (expected kind "score-histogram", version 1)',
        'kind',
      );
    }
    if (!Array.isArray(json.positives) || json.positives.length !== json.negatives?.length) {
      throw new StewardInputError(
        'score histogram positives and negatives must be arrays of one length',
        'positives',
      );
    }
    const h = new ScoreHistogram({ bins: json.positives.length, range: json.range, posLabel: json.posLabel });
    h.positives.set(json.positives);
    h.negatives.set(json.negatives);
    return h;
  }

  /** Adds a batch (checked whole first). `yTrue` equal to `posLabel` counts as positive, anything else negative. */
  add(yTrue: Labels, scores: Numbers, sampleWeight?: Numbers): this {
    const n = checkSameLength({ yTrue, scores });
    checkSampleWeight(sampleWeight, n);
    checkClassLabels('yTrue', yTrue);
    checkFinite('scores', scores);
    const [lo, hi] = this.range;
    const scale = this.bins / (hi - lo);
    const last = this.bins - 1;
    for (let i = 0; i < n; i++) {
      const raw = Math.floor((scores[i] - lo) * scale);
      const bin = raw < 0 ? 0 : Math.min(raw, last);
      const w = sampleWeight === undefined ? 1 : sampleWeight[i];
      if (yTrue[i] === this.posLabel) this.positives[bin] += w;
      else this.negatives[bin] += w;
    }
    return this;
  }

  merge(other: ScoreHistogram): this {
    if (
      other.bins !== this.bins ||
      other.range[0] !== this.range[0] ||
      other.range[1] !== this.range[1] ||
      other.posLabel !== this.posLabel
    ) {
      throw new StewardInputError('cannot merge score histograms with different bins, range or posLabel');
    }
    for (let b = 0; b < this.bins; b++) {
      this.positives[b] += other.positives[b];
      this.negatives[b] += other.negatives[b];
    }
    return this;
  }

  toJSON(): ScoreHistogramJSON {
    return {
      kind: 'score-histogram',
      version: 1,
      range: [this.range[0], this.range[1]],
      posLabel: this.posLabel,
      positives: [...this.positives],
      negatives: [...this.negatives],
    };
  }

  /** ROC AUC with ties within a bin counted as half, and the bound on its error. */
  rocAuc(): ApproximateAuc {
    let negBelow = 0;
    let credit = 0;
    let shared = 0;
    let totalPos = 0;
    for (let b = 0; b < this.bins; b++) {
      const p = this.positives[b];
      const q = this.negatives[b];
      credit += p * (negBelow + 0.5 * q);
      shared += p * q;
      negBelow += q;
      totalPos += p;
    }
    const pairs = totalPos * negBelow;
    if (pairs === 0) {
      throw new StewardInputError(
        'only one class has been seen: ROC AUC is not defined in that case',
        'yTrue',
      );
    }
    return { value: credit / pairs, errorBound: (0.5 * shared) / pairs };
  }
}
