import type { Label } from '../metrics/input.js';
import { sortedUnique } from '../metrics/labels.js';

/** The class with the highest score in each row (the first one on ties, as numpy.argmax). */
export function argmaxClasses(scores: readonly ArrayLike<number>[], classes: readonly Label[]): Label[] {
  return scores.map((row) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if ((row[k] as number) > (row[best] as number)) best = k;
    return classes[best] as Label;
  });
}

/**
 * The sorted distinct classes of y and each label's index among them, in one pass over y and without copying it:
 * small non-negative integer labels (the usual 0/1 or 0..K−1) are indexed through an array, others through a Map.
 */
export function encodeClasses(y: ArrayLike<Label>): { classes: Label[]; target: Int32Array } {
  const seen = new Set<Label>();
  for (let i = 0; i < y.length; i++) seen.add(y[i] as Label);
  const classes = sortedUnique(seen);
  const target = new Int32Array(y.length);
  const last = classes[classes.length - 1];
  const small =
    typeof last === 'number' &&
    last < 1024 &&
    classes.every((c) => typeof c === 'number' && c >= 0 && Number.isInteger(c));
  if (small) {
    const table = new Int32Array((last as number) + 1);
    classes.forEach((c, k) => {
      table[c as number] = k;
    });
    for (let i = 0; i < y.length; i++) target[i] = table[y[i] as number] as number;
  } else {
    const index = new Map(classes.map((c, k) => [c, k]));
    for (let i = 0; i < y.length; i++) target[i] = index.get(y[i] as Label) as number;
  }
  return { classes, target };
}
