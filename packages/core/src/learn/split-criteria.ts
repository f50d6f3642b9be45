import type { Label } from '../metrics/input.js';

/** Class weights, in the order the classes were first seen (ties between classes go to the first). */
export type ClassWeights = Map<Label, number>;

/** How good a split of a leaf's class weights is (the Hoeffding tree's split criterion). */
export interface SplitCriterion {
  /** −Infinity when fewer than two branches hold more than `minBranchFraction` of the weight. */
  merit(pre: ClassWeights, post: readonly ClassWeights[]): number;
  /** The merit's range R in the Hoeffding bound √(R² ln(1/δ) / 2n). */
  range(pre: ClassWeights): number;
}

export function totalWeight(weights: ClassWeights): number {
  let total = 0;
  for (const w of weights.values()) total += w;
  return total;
}

function branchesAbove(post: readonly ClassWeights[], fraction: number): number {
  const sums = post.map(totalWeight);
  const total = sums.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return 0;
  return sums.filter((s) => s / total > fraction).length;
}

/** Entropy in bits of one set of weights (0 when empty). */
function entropy(weights: ClassWeights): number {
  let h = 0;
  let sum = 0;
  for (const w of weights.values()) {
    if (w > 0) {
      h -= w * Math.log2(w);
      sum += w;
    }
  }
  return sum > 0 ? (h + sum * Math.log2(sum)) / sum : 0;
}

/** Information gain (Quinlan): entropy before minus the weighted entropy of the branches; range log2(classes). */
export function infoGain(minBranchFraction: number): SplitCriterion {
  return {
    merit(pre, post) {
      if (branchesAbove(post, minBranchFraction) < 2) return Number.NEGATIVE_INFINITY;
      let weighted = 0;
      let total = 0;
      for (const branch of post) {
        const w = totalWeight(branch);
        weighted += w * entropy(branch);
        total += w;
      }
      return entropy(pre) - weighted / total;
    },
    range: (pre) => Math.log2(Math.max(pre.size, 2)),
  };
}

/** Gini: one minus the weighted Gini impurity of the branches (MOA's and River's form); range 1. */
export function gini(minBranchFraction: number): SplitCriterion {
  const impurity = (weights: ClassWeights, sum: number) => {
    let g = 1;
    if (sum !== 0) for (const w of weights.values()) g -= (w / sum) ** 2;
    return g;
  };
  return {
    merit(_pre, post) {
      if (branchesAbove(post, minBranchFraction) < 2) return Number.NEGATIVE_INFINITY;
      let weighted = 0;
      let total = 0;
      for (const branch of post) {
        const w = totalWeight(branch);
        weighted += w * impurity(branch, w);
        total += w;
      }
      return 1 - weighted / total;
    },
    range: () => 1,
  };
}
