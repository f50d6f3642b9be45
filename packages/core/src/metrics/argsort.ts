import type { Numbers } from './input.js';

const RADIX = 1 << 16;
/**
 * Below this many values a comparator sort is faster: the radix sort's four passes over 65,536 counters cost the
 * same for 50 values as for 50,000 (a year of small windows' ranking metrics spent a second in them).
 */
const SMALL = 2048;

/**
 * The indices of `values` in ascending order of value, ties in index order (a stable sort), in O(n): a radix sort
 * on each float's bits turned into an unsigned key (sign flipped for positives, all bits for negatives; -0 counts
 * as 0). Values must not be NaN. An index sort with a comparator costs a call per comparison, most of the time of a
 * large window's ranking metrics.
 */
export function argsort(values: Numbers): Uint32Array {
  const n = values.length;
  if (n < SMALL) return comparatorArgsort(values);
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

/** The same order by comparisons: ties (and -0 against 0) in index order. */
function comparatorArgsort(values: Numbers): Uint32Array {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return Uint32Array.from(order);
}
