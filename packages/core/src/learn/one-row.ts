// What the learners that learn one row at a time share: checking a row's label, learning rows in order, and turning
// a vote (class → weight) into probabilities and a class.
import { StewardInputError } from '../errors.js';
import type { Label, Labels } from '../metrics/input.js';
import type { ClassWeights } from './split-criteria.js';

export function checkLabel(label: unknown): asserts label is Label {
  if (typeof label !== 'number' && typeof label !== 'string')
    throw new StewardInputError(`a label must be a number or a string, got ${typeof label}`, 'y');
}

/** Learns the rows in order, one at a time (River's `learn_one` in a loop), after checking there is a label each. */
export function learnEach(X: number[][], y: Labels, learnOne: (x: number[], label: Label) => unknown): void {
  if (y === null || typeof y !== 'object' || y.length !== X.length)
    throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${X.length} rows`, 'y');
  for (let i = 0; i < X.length; i++) learnOne(X[i] as number[], y[i] as Label);
}

/** Adds `weight` × each class's probability into `sum`. */
export function addVotes(sum: ClassWeights, proba: ClassWeights, weight: number): void {
  for (const [label, p] of proba) sum.set(label, (sum.get(label) ?? 0) + p * weight);
}

/** Scales the votes to sum to 1 (left as they are when they sum to 0). */
export function normalizeVotes(votes: ClassWeights): ClassWeights {
  let total = 0;
  for (const p of votes.values()) total += p;
  if (total > 0) for (const [label, p] of votes) votes.set(label, p / total);
  return votes;
}

/** Each row's votes as probabilities in `classes` order. */
export function probaRows(
  classes: readonly Label[],
  X: number[][],
  votes: (x: number[]) => ClassWeights,
): Float64Array[] {
  return X.map((x) => {
    const v = votes(x);
    return Float64Array.from(classes, (c) => v.get(c) ?? 0);
  });
}

/** Each row's class with the most votes (the first on a tie), or the first class when nothing voted. */
export function predictRows(
  classes: readonly Label[],
  X: number[][],
  votes: (x: number[]) => ClassWeights,
): Label[] {
  return X.map((x) => {
    let best: Label | undefined;
    let max = Number.NEGATIVE_INFINITY;
    for (const [label, p] of votes(x))
      if (p > max) {
        max = p;
        best = label;
      }
    return best ?? (classes[0] as Label);
  });
}
