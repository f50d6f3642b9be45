/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's moments, so the first
 * points are not pulled towards zero. `weight` 0 leaves the values as they are; non-finite values pass through.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let last = 0;
  let accumulated = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    accumulated++;
    return last / (1 - weight ** accumulated);
  });
}
