import { StewardInputError } from '../errors.js';
import type { Numbers } from '../metrics/input.js';
import { sortedCopy } from './sort.js';

/** Checks that a sample is non-empty and all finite, and returns it sorted ascending. */
export function sortedSample(name: string, values: Numbers): Float64Array {
  checkSample(name, values);
  return sortedCopy(values);
}

export function checkSample(name: string, values: Numbers): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new StewardInputError(`${name} must be an array of numbers`, name);
  }
  if (values.length === 0)
    throw new StewardInputError(`${name} is empty: a test needs at least one value`, name);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StewardInputError(
        `${name}[${i}] is ${String(v)}: statistical tests need finite numbers (drop missing values first)`,
        name,
      );
    }
  }
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Population standard deviation (ddof = 0), as `numpy.std`. */
export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) ** 2;
  return Math.sqrt(s / values.length);
}

/** Quantile of sorted values with linear interpolation, as `numpy.quantile(method='linear')`. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = pos - lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

/** Index of the first sorted value >= x (the count of values below x). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sorted value > x (the count of values at most x). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Refuses any of the named values that is not a non-negative integer count, naming it. */
export function checkCounts(counts: Record<string, number>): void {
  for (const [name, v] of Object.entries(counts))
    if (!Number.isInteger(v) || v < 0)
      throw new StewardInputError(`${name} must be a non-negative integer count, got ${v}`, name);
}
