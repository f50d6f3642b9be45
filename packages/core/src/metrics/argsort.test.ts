import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stats/random.js';
import { argsort } from './argsort.js';

/** What a stable comparator sort of the indices gives (the reference). */
const reference = (values: readonly number[]) =>
  Array.from(values, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));

describe('argsort', () => {
  it('orders indices as a stable comparator sort: ties in index order, negatives, -0, tiny and huge values', () => {
    const random = seededRandom(11);
    const pool = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      1e-300,
      -1e-300,
      5e-324,
      1e300,
      -1e300,
      Number.MAX_VALUE,
      -Infinity,
      Infinity,
    ];
    // Both ways: a comparator sort under 2,048 values, the radix sort from there.
    for (const n of [0, 1, 2, 17, 1000, 2047, 2048, 70_000]) {
      const values = Array.from({ length: n }, () =>
        random() < 0.3
          ? (pool[Math.floor(random() * pool.length)] as number)
          : (random() - 0.5) * 10 ** (random() * 20 - 10),
      );
      expect(Array.from(argsort(values))).toEqual(reference(values));
      expect(Array.from(argsort(Float64Array.from(values)))).toEqual(reference(values));
    }
  });

  it('keeps scores of a probability model with many ties in index order', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 10_000 }, () => Math.round(random() * 20) / 20);
    expect(Array.from(argsort(values))).toEqual(reference(values));
  });
});
