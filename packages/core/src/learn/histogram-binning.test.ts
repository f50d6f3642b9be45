import { describe, expect, test } from 'vitest';
import { seededRandom } from '../stats/random.js';
import { binMatrix } from './histogram-binning.js';

/** The definition: a value's bin is how many thresholds lie strictly below it. */
const binByDefinition = (thresholds: Float64Array, x: number) => thresholds.filter((t) => t < x).length;

describe('binMatrix', () => {
  test('every bin is the count of thresholds below the value, for values at, between and beyond thresholds', () => {
    const random = seededRandom(3);
    const rows = 5000;
    const cols = 5;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      data[i * cols] = Math.floor(random() * 7); // 7 distinct values: midpoint thresholds
      data[i * cols + 1] = random() ** 6 * 1e6; // heavily skewed: most cells of the lookup table empty
      data[i * cols + 2] = random() - 0.5; // continuous: percentile thresholds
      data[i * cols + 3] = 42; // constant: no thresholds, one bin
      data[i * cols + 4] = Math.floor(random() * 300); // ties: percentile thresholds equal to data values
    }
    const binned = binMatrix({ rows, cols, data }, 255, 0);
    expect(binned.thresholds.map((t) => t.length)).toEqual([6, 254, 254, 0, 254]);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const x = data[i * cols + j] as number;
        expect(binned.bins[i * cols + j]).toBe(binByDefinition(binned.thresholds[j] as Float64Array, x));
      }
    }
    const ties = binned.thresholds[4] as Float64Array;
    expect(ties.filter((t) => Number.isInteger(t)).length).toBeGreaterThan(100);
  });

  test('thresholds come from a seeded 200,000-row sample above that size, as scikit-learn', () => {
    const random = seededRandom(9);
    const rows = 250_000;
    const data = Float64Array.from({ length: rows }, () => random());
    const a = binMatrix({ rows, cols: 1, data }, 255, 0);
    const b = binMatrix({ rows, cols: 1, data }, 255, 0);
    const c = binMatrix({ rows, cols: 1, data }, 255, 1);
    expect(a.thresholds[0]).toEqual(b.thresholds[0]);
    expect(a.thresholds[0]).not.toEqual(c.thresholds[0]);
    const t = a.thresholds[0] as Float64Array;
    for (let i = 0; i < rows; i += 997) expect(a.bins[i]).toBe(binByDefinition(t, data[i] as number));
  });

  test.each([
    ['below the sample size', 5_003],
    ['above it', 200_003],
  ])('feature rows (typed or plain, read a block at a time) bin as the dense matrix does, %s', (_, rows) => {
    const random = seededRandom(rows);
    const cols = 3;
    const data = Float64Array.from({ length: rows * cols }, () => Math.round(random() * 1e4) / 100);
    const X = Array.from({ length: rows }, (_, i) =>
      i % 2 ? data.subarray(i * cols, (i + 1) * cols) : Array.from(data.subarray(i * cols, (i + 1) * cols)),
    );
    const dense = binMatrix({ rows, cols, data }, 255, 4);
    const fromRows = binMatrix({ rows, cols, X }, 255, 4);
    expect(fromRows.thresholds).toEqual(dense.thresholds);
    let differing = 0;
    for (let k = 0; k < dense.bins.length; k++) if (fromRows.bins[k] !== dense.bins[k]) differing++;
    expect(differing).toBe(0);
  });
});
