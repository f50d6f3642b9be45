import type { Label, Labels } from './input.js';

/** Orders labels as `numpy.unique` does: numbers ascending, strings by code unit. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function sortedUnique(labels: Iterable<Label>): Label[] {
  return [...new Set(labels)].sort(compareLabels);
}

/** The sorted distinct labels of one or more label arrays. */
export function uniqueLabels(...arrays: Labels[]): Label[] {
  const seen = new Set<Label>();
  for (const y of arrays) for (let i = 0; i < y.length; i++) seen.add(y[i]);
  return sortedUnique(seen);
}

export function formatLabels(labels: readonly Label[]): string {
  return `[${labels.map((l) => (typeof l === 'string' ? `'${l}'` : String(l))).join(', ')}]`;
}

/** True for label sets scikit-learn gives a default positive class (1): within {0, 1} or {-1, 1}. */
export function hasDefaultPositive(classes: readonly Label[]): boolean {
  return (
    classes.length > 0 &&
    (classes.every((c) => c === 0 || c === 1) || classes.every((c) => c === -1 || c === 1))
  );
}
