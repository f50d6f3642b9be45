import type { Label } from '../metrics/input.js';
import { normalCdf } from '../stats/special.js';
import type { ClassWeights, SplitCriterion } from './split-criteria.js';

/** A split a leaf could make on one feature, with the class weights each branch would start from. */
export interface SplitSuggestion {
  merit: number;
  /** undefined: no split (keep the leaf; a pre-pruning candidate). */
  feature?: number;
  test?:
    | { kind: 'numeric'; threshold: number }
    | { kind: 'multiway'; values: number[] }
    | { kind: 'equals'; value: number };
  branches?: ClassWeights[];
}

export const NO_SPLIT: SplitSuggestion = { merit: Number.NEGATIVE_INFINITY };

/** What a leaf keeps about one feature: enough to suggest its best split and to score naive Bayes. */
export interface FeatureObserver {
  update(value: number, label: Label, weight: number): void;
  /** P(value | label) as naive Bayes reads it (0 when the label was never seen). */
  likelihood(value: number, label: Label): number;
  bestSplit(
    criterion: SplitCriterion,
    pre: ClassWeights,
    feature: number,
    binaryOnly: boolean,
  ): SplitSuggestion;
  toJSON(): ObserverState;
}

export type ObserverState =
  | { kind: 'gaussian'; classes: Array<[Label, number, number, number, number, number]> }
  | { kind: 'nominal'; classes: Array<[Label, Array<[number, number]>]> };

/** A weighted running mean and variance (West's update), with the range seen: one class's values of a feature. */
class ClassGaussian {
  constructor(
    public n = 0,
    public mean = 0,
    public m2 = 0,
    public min = Number.POSITIVE_INFINITY,
    public max = Number.NEGATIVE_INFINITY,
  ) {}

  update(x: number, w: number): void {
    this.min = Math.min(this.min, x);
    this.max = Math.max(this.max, x);
    const before = this.mean;
    this.n += w;
    this.mean += (w / this.n) * (x - before);
    this.m2 += w * (x - before) * (x - this.mean);
  }

  /** Sample variance (n − 1), 0 until there are two. */
  get variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : 0;
  }

  pdf(x: number): number {
    const v = this.variance;
    return v ? Math.exp((x - this.mean) ** 2 / (-2 * v)) / Math.sqrt(2 * Math.PI * v) : 0;
  }

  cdf(x: number): number {
    const sigma = Math.sqrt(this.variance);
    return sigma === 0 ? 0 : normalCdf((x - this.mean) / sigma);
  }
}

/**
 * A numeric feature: one Gaussian per class. Candidate thresholds are `nSplits` points evenly inside the range seen;
 * the weight of each class on either side is read from its Gaussian (Pfahringer, Holmes & Kirkby 2008; MOA's and
 * River's GaussianSplitter).
 */
class GaussianObserver implements FeatureObserver {
  private readonly classes = new Map<Label, ClassGaussian>();

  constructor(private readonly nSplits: number) {}

  update(value: number, label: Label, weight: number): void {
    if (Number.isNaN(value)) return;
    let g = this.classes.get(label);
    if (!g) {
      g = new ClassGaussian();
      this.classes.set(label, g);
    }
    g.update(value, weight);
  }

  likelihood(value: number, label: Label): number {
    return this.classes.get(label)?.pdf(value) ?? 0;
  }

  bestSplit(criterion: SplitCriterion, pre: ClassWeights, feature: number): SplitSuggestion {
    let best = NO_SPLIT;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const g of this.classes.values()) {
      min = Math.min(min, g.min);
      max = Math.max(max, g.max);
    }
    if (min === Number.POSITIVE_INFINITY) return best;
    const step = (max - min) / (this.nSplits + 1);
    for (let i = 0; i < this.nSplits; i++) {
      const threshold = min + step * (i + 1);
      if (!(min < threshold && threshold < max)) continue;
      const left: ClassWeights = new Map();
      const right: ClassWeights = new Map();
      for (const [label, g] of this.classes) {
        if (threshold < g.min) right.set(label, g.n);
        else if (threshold >= g.max) left.set(label, g.n);
        else {
          const below = g.cdf(threshold) * g.n;
          left.set(label, below);
          right.set(label, g.n - below);
        }
      }
      const merit = criterion.merit(pre, [left, right]);
      if (merit > best.merit)
        best = { merit, feature, test: { kind: 'numeric', threshold }, branches: [left, right] };
    }
    return best;
  }

  toJSON(): ObserverState {
    return {
      kind: 'gaussian',
      classes: [...this.classes].map(([label, g]) => [label, g.n, g.mean, g.m2, g.min, g.max]),
    };
  }

  static fromJSON(state: Extract<ObserverState, { kind: 'gaussian' }>, nSplits: number): GaussianObserver {
    const observer = new GaussianObserver(nSplits);
    for (const [label, n, mean, m2, min, max] of state.classes)
      observer.classes.set(label, new ClassGaussian(n, mean, m2, min, max));
    return observer;
  }
}

/** A categorical feature (its values are numbers, such as codes): the weight of each class per value. */
class NominalObserver implements FeatureObserver {
  private readonly classes = new Map<Label, Map<number, number>>();
  private readonly values = new Set<number>();

  update(value: number, label: Label, weight: number): void {
    if (Number.isNaN(value)) return;
    this.values.add(value);
    const counts = this.countsOf(label);
    counts.set(value, (counts.get(value) ?? 0) + weight);
  }

  likelihood(value: number, label: Label): number {
    const counts = this.countsOf(label);
    let total = 0;
    for (const w of counts.values()) total += w;
    return total === 0 ? 0 : (counts.get(value) ?? 0) / total;
  }

  /** The multiway split (one branch per value seen) unless `binaryOnly`, or "value vs the rest" if better. */
  bestSplit(
    criterion: SplitCriterion,
    pre: ClassWeights,
    feature: number,
    binaryOnly: boolean,
  ): SplitSuggestion {
    const values = [...this.values].sort((a, b) => a - b);
    let best = NO_SPLIT;
    if (!binaryOnly) {
      const labels = [...this.classes.keys()].sort(byLabel);
      const branches = values.map((value) => {
        const dist: ClassWeights = new Map();
        for (const label of labels) {
          const w = this.classes.get(label)?.get(value);
          if (w !== undefined) dist.set(label, w);
        }
        return dist;
      });
      best = { merit: criterion.merit(pre, branches), feature, test: { kind: 'multiway', values }, branches };
    }
    for (const value of values) {
      const equal: ClassWeights = new Map();
      const other: ClassWeights = new Map();
      for (const [label, counts] of this.classes)
        for (const [v, w] of counts) {
          const side = v === value ? equal : other;
          side.set(label, (side.get(label) ?? 0) + w);
        }
      const merit = criterion.merit(pre, [equal, other]);
      if (merit > best.merit)
        best = { merit, feature, test: { kind: 'equals', value }, branches: [equal, other] };
    }
    return best;
  }

  // Reading a class that has no counts records it (as River's defaultdict does), which fixes the class order.
  private countsOf(label: Label): Map<number, number> {
    let counts = this.classes.get(label);
    if (!counts) {
      counts = new Map();
      this.classes.set(label, counts);
    }
    return counts;
  }

  toJSON(): ObserverState {
    return { kind: 'nominal', classes: [...this.classes].map(([label, counts]) => [label, [...counts]]) };
  }

  static fromJSON(state: Extract<ObserverState, { kind: 'nominal' }>): NominalObserver {
    const observer = new NominalObserver();
    for (const [label, counts] of state.classes) {
      observer.classes.set(label, new Map(counts));
      for (const [value] of counts) observer.values.add(value);
    }
    return observer;
  }
}

function byLabel(a: Label, b: Label): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new observer for a feature: counts per value for a categorical one, Gaussians per class for a numeric one. */
export function newObserver(nominal: boolean, nSplits: number): FeatureObserver {
  return nominal ? new NominalObserver() : new GaussianObserver(nSplits);
}

export function observerFromJSON(state: ObserverState, nSplits: number): FeatureObserver {
  return state.kind === 'gaussian'
    ? GaussianObserver.fromJSON(state, nSplits)
    : NominalObserver.fromJSON(state);
}
