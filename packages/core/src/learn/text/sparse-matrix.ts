import { StewardInputError } from '../../errors.js';

/**
 * Rows of a sparse matrix in compressed-row form, as scipy's `csr_matrix`: row i's columns are
 * `indices[indptr[i] .. indptr[i + 1])`, increasing, with their values in `data` at the same places. Entries that sum
 * to zero stay stored, as scikit-learn's `sum_duplicates` leaves them.
 */
export interface SparseMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/**
 * Builds a matrix row by row from (column, value) pairs in any order; pairs of the same column add up. A row's sums
 * are kept in a dense scratch row of `cols` values, so a row costs its pairs, not a sort of them; a column whose
 * values sum to zero stays stored (as scipy's `sum_duplicates` leaves it).
 *
 * @example
 * ```ts
 * const builder = new SparseRowsBuilder(10);
 * builder.addRow([7, 2, 7], [1, 5, 1]);
 * const m = builder.build();
 * [Array.from(m.indices), Array.from(m.data)]; // [[2,7],[5,2]]
 * ```
 */
export class SparseRowsBuilder {
  private readonly indptr: number[] = [0];
  private indices: Int32Array = new Int32Array(1024);
  private data: Float64Array = new Float64Array(1024);
  private size = 0;
  private readonly sums: Float64Array;
  private readonly seen: Uint8Array;
  private touched: Int32Array = new Int32Array(256);
  private count = 0;

  constructor(readonly cols: number) {
    this.sums = new Float64Array(cols);
    this.seen = new Uint8Array(cols);
  }

  /** Adds `value` to `column` of the row being built. */
  add(column: number, value: number): void {
    if (this.seen[column] === 0) {
      this.seen[column] = 1;
      if (this.count === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.count++] = column;
    }
    this.sums[column] = (this.sums[column] as number) + value;
  }

  /** Ends the row being built: its columns in increasing order, with their sums. */
  endRow(): void {
    const row = this.touched.subarray(0, this.count).sort();
    this.reserve(this.count);
    for (const column of row) {
      this.indices[this.size] = column;
      this.data[this.size] = this.sums[column] as number;
      this.size++;
      this.sums[column] = 0;
      this.seen[column] = 0;
    }
    this.count = 0;
    this.indptr.push(this.size);
  }

  /** Adds a row from parallel arrays of columns and values (`count` of them). */
  addRow(columns: ArrayLike<number>, values: ArrayLike<number>, count = columns.length): void {
    for (let k = 0; k < count; k++) this.add(columns[k] as number, values[k] as number);
    this.endRow();
  }

  build(): SparseMatrix {
    return {
      rows: this.indptr.length - 1,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.size),
      data: this.data.slice(0, this.size),
    };
  }

  private reserve(extra: number): void {
    if (this.size + extra <= this.indices.length) return;
    const capacity = Math.max(this.indices.length * 2, this.size + extra);
    const indices = new Int32Array(capacity);
    indices.set(this.indices.subarray(0, this.size));
    const data = new Float64Array(capacity);
    data.set(this.data.subarray(0, this.size));
    this.indices = indices;
    this.data = data;
  }
}

/** Whether `X` is a `SparseMatrix` rather than dense rows. */
export function isSparseMatrix(X: unknown): X is SparseMatrix {
  return typeof X === 'object' && X !== null && 'indptr' in X && 'indices' in X;
}

export type RowNorm = 'l1' | 'l2' | 'max';

/** Scales each row to unit norm in place, as scikit-learn's `normalize` (a row of zeros stays as it is). */
export function normalizeRows(m: SparseMatrix, norm: RowNorm): SparseMatrix {
  for (let i = 0; i < m.rows; i++) {
    const from = m.indptr[i] as number;
    const to = m.indptr[i + 1] as number;
    let size = 0;
    for (let k = from; k < to; k++) {
      const v = m.data[k] as number;
      if (norm === 'l2') size += v * v;
      else if (norm === 'l1') size += Math.abs(v);
      else size = Math.max(size, Math.abs(v));
    }
    if (norm === 'l2') size = Math.sqrt(size);
    if (size === 0) continue;
    for (let k = from; k < to; k++) m.data[k] = (m.data[k] as number) / size;
  }
  return m;
}

/** Checks that `m` is a well-formed sparse matrix (a user's or a file's), with an error that says what is wrong. */
export function checkSparseMatrix(m: SparseMatrix, name = 'X'): SparseMatrix {
  const ok =
    m !== null &&
    typeof m === 'object' &&
    Number.isInteger(m.rows) &&
    Number.isInteger(m.cols) &&
    m.indptr instanceof Int32Array &&
    m.indices instanceof Int32Array &&
    m.data instanceof Float64Array &&
    m.indptr.length === m.rows + 1 &&
    m.indices.length === m.data.length &&
    m.indptr[m.rows] === m.data.length;
  if (!ok)
    throw new StewardInputError(
      `${name} must be a SparseMatrix (rows, cols, indptr of rows + 1 offsets, indices and data of equal length): build it with a vectorizer or SparseRowsBuilder`,
      name,
    );
  for (let k = 0; k < m.data.length; k++) {
    const j = m.indices[k] as number;
    if (j < 0 || j >= m.cols)
      throw new StewardInputError(`${name} has column ${j} outside [0, ${m.cols})`, name);
    if (!Number.isFinite(m.data[k] as number))
      throw new StewardInputError(`${name} has a value that is not finite (${m.data[k]})`, name);
  }
  return m;
}

/** Dense rows as a sparse matrix of `cols` columns (zeros left out). */
export function sparseFromDense(rows: readonly (readonly number[])[], cols: number): SparseMatrix {
  const builder = new SparseRowsBuilder(cols);
  for (const row of rows) {
    for (let j = 0; j < row.length; j++) if (row[j] !== 0) builder.add(j, row[j] as number);
    builder.endRow();
  }
  return builder.build();
}

/** Matrices of the same rows side by side, as scipy's `hstack`: the columns of each follow the previous ones'. */
export function hstack(blocks: readonly SparseMatrix[]): SparseMatrix {
  const first = blocks[0];
  if (!first) throw new StewardInputError('hstack needs at least one matrix', 'blocks');
  const rows = first.rows;
  if (blocks.some((b) => b.rows !== rows))
    throw new StewardInputError(
      `hstack: the matrices have ${blocks.map((b) => b.rows).join(', ')} rows; they need the same`,
      'blocks',
    );
  let cols = 0;
  let entries = 0;
  for (const b of blocks) {
    cols += b.cols;
    entries += b.data.length;
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(entries);
  const data = new Float64Array(entries);
  let size = 0;
  for (let i = 0; i < rows; i++) {
    let offset = 0;
    for (const b of blocks) {
      for (let k = b.indptr[i] as number; k < (b.indptr[i + 1] as number); k++) {
        indices[size] = (b.indices[k] as number) + offset;
        data[size] = b.data[k] as number;
        size++;
      }
      offset += b.cols;
    }
    indptr[i + 1] = size;
  }
  return { rows, cols, indptr, indices, data };
}
