const BLOCK = 128;

/**
 * The sum NumPy's `ndarray.sum()` computes for a contiguous float64 array: pairwise summation over blocks of 128,
 * each summed with eight running partial sums. Its rounding error grows with log n rather than n, and code that
 * must reproduce NumPy's floating-point answers (fixture parity) needs the same order of additions.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, count = values.length - start): number {
  if (count < 8) {
    let s = 0;
    for (let i = start; i < start + count; i++) s += values[i] as number;
    return s;
  }
  if (count <= BLOCK) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j] as number;
    const whole = count - (count % 8);
    let i = 8;
    for (; i < whole; i += 8)
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (values[start + i + j] as number);
    let s = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < count; i++) s += values[start + i] as number;
    return s;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}
