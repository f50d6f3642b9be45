import { seededRandom } from '../stats/random.js';
import { sortedCopy } from '../stats/sort.js';
import type { CheckedRows, Dense } from './matrix.js';

/** Rows used to place bin thresholds, as scikit-learn's `_BinMapper(subsample=2e5)`. */
const THRESHOLD_SUBSAMPLE = 200_000;

/** Features binned to at most 255 bins: `bins[i * cols + j]` is row i's bin of feature j (row-major). */
export interface BinnedMatrix {
  rows: number;
  cols: number;
  bins: Uint8Array;
  /** Per feature, the upper edges of its bins but the last (x ≤ thresholds[b] falls in bin b or lower). */
  thresholds: Float64Array[];
}

/** What `binMatrix` bins: a dense matrix, or feature rows already checked (see checkFeatureRows). */
export type BinSource = Dense | CheckedRows;

/**
 * Bins every feature as scikit-learn's HistGradientBoosting: thresholds at midpoints of distinct values, or of
 * percentiles when there are more than `maxBins`, placed on a seeded subsample of 200,000 rows for larger data.
 * Feature rows are read a block at a time, so no dense copy of the whole data is made.
 */
export function binMatrix(source: BinSource, maxBins: number, seed: number): BinnedMatrix {
  const { rows, cols } = source;
  const sample = rows > THRESHOLD_SUBSAMPLE ? sampleRows(rows, THRESHOLD_SUBSAMPLE, seed) : undefined;
  // The sampled rows are copied whole first: gathering one column at a time would miss the cache on every value.
  const gathered = sample ? gatherRows(source, sample) : denseOf(source);
  const count = sample ? sample.length : rows;
  const thresholds: Float64Array[] = [];
  const column = new Float64Array(count);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < count; i++) column[i] = gathered[i * cols + j] as number;
    thresholds.push(binThresholds(sortedCopy(column), maxBins));
  }
  const bins = new Uint8Array(rows * cols);
  const binners = thresholds.map(columnBinner);
  // In blocks of rows that stay in cache while every column of the block is binned.
  const block = 'data' in source ? undefined : new Float64Array(BLOCK_ROWS * cols);
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    let data: Float64Array;
    let first = start;
    if ('data' in source) data = source.data;
    else {
      data = block as Float64Array;
      for (let i = start; i < end; i++) copyRow(source.X[i] as ArrayLike<number>, data, (i - start) * cols);
      first = 0;
    }
    for (let j = 0; j < cols; j++) {
      binColumn(
        binners[j] as ColumnBinner,
        data,
        first,
        first + end - start,
        cols,
        j,
        bins,
        (start - first) * cols,
      );
    }
  }
  return { rows, cols, bins, thresholds };
}

function denseOf(source: BinSource): Float64Array {
  if ('data' in source) return source.data;
  const out = new Float64Array(source.rows * source.cols);
  for (let i = 0; i < source.rows; i++) copyRow(source.X[i] as ArrayLike<number>, out, i * source.cols);
  return out;
}

function copyRow(row: ArrayLike<number>, into: Float64Array, at: number): void {
  if (row instanceof Float64Array) into.set(row, at);
  else for (let j = 0; j < row.length; j++) into[at + j] = row[j] as number;
}

/** Cells of the lookup table that narrows each value's bin before a short scan. */
const CELLS = 4096;

const BLOCK_ROWS = 2048;

/**
 * Finds bins (how many thresholds lie below x) with a table over equal-width cells between the first and last
 * threshold that gives a lower bound, and a short forward scan; a binary search with a branch per halving
 * mispredicts about every other step and was 3.5x slower.
 */
interface ColumnBinner {
  /** Thresholds followed by +Infinity, which ends every scan. */
  t: Float64Array;
  lo: number;
  scale: number;
  table: Uint8Array;
}

function columnBinner(thresholds: Float64Array): ColumnBinner {
  const m = thresholds.length;
  const t = new Float64Array(m + 1);
  t.set(thresholds);
  t[m] = Number.POSITIVE_INFINITY;
  const lo = m > 0 ? (t[0] as number) : 0;
  const span = m > 0 ? (t[m - 1] as number) - lo : 0;
  const scale = span > 0 ? CELLS / span : 0;
  const table = new Uint8Array(CELLS + 1);
  for (let c = 0, b = 0; c <= CELLS; c++) {
    const edge = scale > 0 ? lo + c / scale : lo;
    while (b < m && (t[b] as number) < edge) b++;
    table[c] = b > 0 ? b - 1 : 0; // one below: the cell's edge may round above a value in the cell
  }
  return { t, lo, scale, table };
}

/** Bins column j of rows start..end of `data` into `bins`, `shift` positions further on. */
function binColumn(
  binner: ColumnBinner,
  data: Float64Array,
  start: number,
  end: number,
  cols: number,
  j: number,
  bins: Uint8Array,
  shift: number,
): void {
  const { t, lo, scale, table } = binner;
  for (let at = start * cols + j, stop = end * cols; at < stop; at += cols) {
    const x = data[at] as number;
    let c = (x - lo) * scale;
    if (!(c >= 0)) c = 0;
    else if (c > CELLS) c = CELLS;
    let b = table[c | 0] as number;
    while ((t[b] as number) < x) b++;
    bins[at + shift] = b;
  }
}

function binThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i] as number);
  if (distinct.length <= maxBins) {
    const out = new Float64Array(distinct.length - 1);
    for (let i = 0; i < out.length; i++)
      out[i] = ((distinct[i] as number) + (distinct[i + 1] as number)) * 0.5;
    return out;
  }
  const out = new Float64Array(maxBins - 1);
  for (let q = 1; q < maxBins; q++) {
    // numpy.percentile(method='midpoint'): the mean of the two order statistics around the rank.
    const pos = ((q / maxBins) * 100 * (sorted.length - 1)) / 100;
    out[q - 1] = ((sorted[Math.floor(pos)] as number) + (sorted[Math.ceil(pos)] as number)) / 2;
  }
  return out;
}

/** `k` distinct row indices drawn without replacement (partial Fisher–Yates), ascending. */
function sampleRows(n: number, k: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < k; i++) {
    const r = i + Math.floor(random() * (n - i));
    const tmp = all[i] as number;
    all[i] = all[r] as number;
    all[r] = tmp;
  }
  return all.slice(0, k).sort();
}

function gatherRows(source: BinSource, rows: Int32Array): Float64Array {
  const { cols } = source;
  const out = new Float64Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    if ('data' in source) out.set(source.data.subarray(i * cols, (i + 1) * cols), r * cols);
    else copyRow(source.X[i] as ArrayLike<number>, out, r * cols);
  }
  return out;
}
