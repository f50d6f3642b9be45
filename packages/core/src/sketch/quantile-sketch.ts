import { StewardInputError } from '../errors.js';

/**
 * The serialised form of a {@link QuantileSketch}: the non-empty buckets as `[index, count, index, count, …]` in
 * index order (version 2; version 1 kept them as objects, index → count, and is still read).
 */
export interface QuantileSketchJSON {
  kind: 'quantile-sketch';
  version: 1 | 2;
  relativeAccuracy: number;
  count: number;
  zeros: number;
  min: number;
  max: number;
  sum: number;
  positive: number[] | Record<string, number>;
  negative: number[] | Record<string, number>;
}

export interface QuantileSketchOptions {
  /** Every quantile estimate is within this relative error of a true value of that rank. Default 0.01. */
  relativeAccuracy?: number;
}

// Values closer to zero than this are counted as zero (their relative error would need unbounded buckets).
const MIN_INDEXABLE = 1e-12;

/**
 * Mergeable quantile sketch with a relative-error guarantee (DDSketch: Masson, Rim and Lee, VLDB 2019).
 *
 * Each value falls into a logarithmic bucket; a bucket's counts are integers, so merging sketches is exact and
 * independent of order: N processes that each sketch part of a window merge to the sketch one process would
 * have built. Quantiles are within `relativeAccuracy` of the true value of that rank (lower rank convention:
 * the value at index floor(q·(n−1)) of the sorted data).
 *
 * @example
 * const s = new QuantileSketch();
 * s.addAll([1, 2, 3, 4, 100]);
 * s.quantile(0.5); // ≈ 3 (within 1%)
 */
export class QuantileSketch {
  readonly relativeAccuracy: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly positive = new Map<number, number>();
  private readonly negative = new Map<number, number>();
  private zeros = 0;
  private n = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;
  private total = 0;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.01;
    if (!(alpha > 0 && alpha < 1)) {
      throw new StewardInputError(`relativeAccuracy must be in (0, 1), got ${alpha}`, 'relativeAccuracy');
    }
    this.relativeAccuracy = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  static fromJSON(json: QuantileSketchJSON): QuantileSketch {
    if (json?.kind !== 'quantile-sketch' || (json.version !== 1 && json.version !== 2)) {
      throw new StewardInputError('not a quantile sketch (kind "quantile-sketch", version 1 or 2)', 'sketch');
    }
    const sketch = new QuantileSketch({ relativeAccuracy: json.relativeAccuracy });
    readBuckets(json.positive, sketch.positive);
    readBuckets(json.negative, sketch.negative);
    sketch.zeros = json.zeros;
    sketch.n = json.count;
    sketch.minValue = json.count > 0 ? json.min : Number.POSITIVE_INFINITY;
    sketch.maxValue = json.count > 0 ? json.max : Number.NEGATIVE_INFINITY;
    sketch.total = json.sum;
    return sketch;
  }

  /** Number of values added. */
  get count(): number {
    return this.n;
  }
  get min(): number {
    return this.n > 0 ? this.minValue : Number.NaN;
  }
  get max(): number {
    return this.n > 0 ? this.maxValue : Number.NaN;
  }
  get sum(): number {
    return this.total;
  }
  get mean(): number {
    return this.n > 0 ? this.total / this.n : Number.NaN;
  }

  /** Adds one finite value (non-finite values are refused: count them as missing instead). */
  add(value: number): this {
    if (!Number.isFinite(value))
      throw new StewardInputError(`sketch values must be finite, got ${value}`, 'value');
    if (value > MIN_INDEXABLE) increment(this.positive, this.index(value));
    else if (value < -MIN_INDEXABLE) increment(this.negative, this.index(-value));
    else this.zeros++;
    this.n++;
    this.total += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    return this;
  }

  addAll(values: Iterable<number>): this {
    for (const v of values) this.add(v);
    return this;
  }

  /** Adds `other`'s counts to this sketch; both must have the same relative accuracy. */
  merge(other: QuantileSketch): this {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new StewardInputError(
        `cannot merge sketches of relative accuracy ${this.relativeAccuracy} and ${other.relativeAccuracy}`,
        'sketch',
      );
    }
    for (const [k, c] of other.positive) increment(this.positive, k, c);
    for (const [k, c] of other.negative) increment(this.negative, k, c);
    this.zeros += other.zeros;
    this.n += other.n;
    this.total += other.total;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
    return this;
  }

  /**
   * The sketch as a histogram: each non-empty bucket's value (within the relative accuracy of every value it
   * holds, clamped to the exact min and max) and count, in ascending order; zeros as one bucket at 0.
   */
  buckets(): Array<[value: number, count: number]> {
    const out: Array<[number, number]> = [];
    for (const k of [...this.negative.keys()].sort((a, b) => b - a))
      out.push([this.clamp(-this.value(k)), this.negative.get(k) as number]);
    if (this.zeros > 0) out.push([0, this.zeros]);
    for (const k of [...this.positive.keys()].sort((a, b) => a - b))
      out.push([this.clamp(this.value(k)), this.positive.get(k) as number]);
    return out;
  }

  /** The q-quantile (0 ≤ q ≤ 1); NaN when empty. q = 0 and q = 1 give the exact min and max. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new StewardInputError(`quantile must be in [0, 1], got ${q}`, 'q');
    if (this.n === 0) return Number.NaN;
    if (q === 0) return this.minValue;
    if (q === 1) return this.maxValue;
    const rank = Math.floor(q * (this.n - 1));
    let seen = 0;
    for (const k of [...this.negative.keys()].sort((a, b) => b - a)) {
      seen += this.negative.get(k) ?? 0;
      if (seen > rank) return this.clamp(-this.value(k));
    }
    seen += this.zeros;
    if (seen > rank) return 0;
    for (const k of [...this.positive.keys()].sort((a, b) => a - b)) {
      seen += this.positive.get(k) ?? 0;
      if (seen > rank) return this.clamp(this.value(k));
    }
    return this.maxValue;
  }

  /** Several quantiles in one pass over the buckets (each as {@link quantile} gives it). */
  quantiles(qs: readonly number[]): number[] {
    for (const q of qs)
      if (!(q >= 0 && q <= 1)) throw new StewardInputError(`quantile must be in [0, 1], got ${q}`, 'q');
    if (this.n === 0) return qs.map(() => Number.NaN);
    const negative = [...this.negative.keys()].sort((a, b) => b - a);
    const positive = [...this.positive.keys()].sort((a, b) => a - b);
    return qs.map((q) => {
      if (q === 0) return this.minValue;
      if (q === 1) return this.maxValue;
      const rank = Math.floor(q * (this.n - 1));
      let seen = 0;
      for (const k of negative) {
        seen += this.negative.get(k) ?? 0;
        if (seen > rank) return this.clamp(-this.value(k));
      }
      seen += this.zeros;
      if (seen > rank) return 0;
      for (const k of positive) {
        seen += this.positive.get(k) ?? 0;
        if (seen > rank) return this.clamp(this.value(k));
      }
      return this.maxValue;
    });
  }

  toJSON(): QuantileSketchJSON {
    return {
      kind: 'quantile-sketch',
      version: 2,
      relativeAccuracy: this.relativeAccuracy,
      count: this.n,
      zeros: this.zeros,
      min: this.n > 0 ? this.minValue : 0,
      max: this.n > 0 ? this.maxValue : 0,
      sum: this.total,
      positive: flatBuckets(this.positive),
      negative: flatBuckets(this.negative),
    };
  }

  private index(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this.logGamma);
  }

  // The point of bucket k's range (γ^(k−1), γ^k] whose relative error to either end is at most α.
  private value(k: number): number {
    return (2 * this.gamma ** k) / (this.gamma + 1);
  }

  private clamp(v: number): number {
    return Math.min(this.maxValue, Math.max(this.minValue, v));
  }
}

// Arrays of numbers, not objects keyed by index: five times faster to write (profiles are written with every batch).
function flatBuckets(map: Map<number, number>): number[] {
  // A typed array sorts numbers natively, without a comparator call per pair.
  const keys = new Float64Array(map.size);
  let j = 0;
  for (const k of map.keys()) keys[j++] = k;
  keys.sort();
  const flat = new Array<number>(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as number;
    flat[2 * i] = k;
    flat[2 * i + 1] = map.get(k) as number;
  }
  return flat;
}

function readBuckets(json: number[] | Record<string, number>, into: Map<number, number>): void {
  if (Array.isArray(json))
    for (let i = 0; i < json.length; i += 2) into.set(json[i] as number, json[i + 1] as number);
  else for (const [k, c] of Object.entries(json)) into.set(Number(k), c);
}

function increment(map: Map<number, number>, key: number, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
