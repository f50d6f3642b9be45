import type { Numbers } from './input.js';

const RADIX = 1 << 16;

/**
 * The indices of `values` in ascending order of value, ties in index order (a stable sort), in O(n): a radix sort
 * on each float's bits turned into an unsigned key (sign flipped for positives, all bits for negatives; -0 counts
 * as 0). Values must not be NaN. An index sort with a comparator costs a call per comparison, most of the time of a
 * large window's ranking metrics.
 */
export function argsort(values: Numbers): Uint32Array {
  const n = values.length;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    bits[0] = v === 0 ? 0 : v;
    // Little-endian: words[1] holds the sign, exponent and the mantissa's top bits.
    const h = words[1] as number;
    const l = words[0] as number;
    if (h >>> 31) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(RADIX);
  // Least significant 16 bits first; each pass is stable, so the last (most significant) one decides.
  for (const [key, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((key[i] as number) >>> shift) & 0xffff;
      counts[d] = (counts[d] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const index = order[i] as number;
      const d = ((key[index] as number) >>> shift) & 0xffff;
      next[counts[d] as number] = index;
      counts[d] = (counts[d] as number) + 1;
    }
    [order, next] = [next, order];
  }
  return order;
}
