import { StewardInputError } from '../errors.js';

/** Feature rows as the learners take them: one array of numbers per sample. */
export type FeatureRows = ArrayLike<ArrayLike<number>>;

/** A dense row-major matrix. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Copies feature rows into a dense matrix, checking that they are rectangular, finite and non-empty; into `into`
 * when it has the right size (shared memory that a helper thread reads, for example).
 */
export function toDense(X: FeatureRows, name = 'X', into?: Float64Array): Dense {
  const { rows, cols } = shapeOf(X, name);
  const data = into?.length === rows * cols ? into : new Float64Array(rows * cols);
  let typedRows = false;
  for (let i = 0; i < rows; i++) {
    const row = rowOf(X, i, cols, name);
    // Float64Array rows are copied whole and checked after; other rows value by value. One loop reading rows of
    // every kind ran 10x slower once V8 had seen several (its element loads turn generic).
    if (row instanceof Float64Array) {
      data.set(row, i * cols);
      typedRows = true;
    } else copyRow(row, data, i, cols, name);
  }
  if (typedRows) checkFinite(data, cols, name);
  return { rows, cols, data };
}

/** Feature rows that `checkFeatureRows` found rectangular, finite and not empty, with their shape. */
export interface CheckedRows {
  rows: number;
  cols: number;
  X: FeatureRows;
}

/** Checks feature rows as `toDense` does (rectangular, finite, not empty) without copying them. */
export function checkFeatureRows(X: FeatureRows, name = 'X'): CheckedRows {
  const { rows, cols } = shapeOf(X, name);
  for (let i = 0; i < rows; i++) {
    const row = rowOf(X, i, cols, name);
    if (row instanceof Float64Array) {
      let probe = 0;
      for (let j = 0; j < cols; j++) probe += (row[j] as number) - (row[j] as number);
      if (probe === 0) continue;
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j] as number;
      if (!Number.isFinite(v)) throw notFinite(name, i, j, v);
    }
  }
  return { rows, cols, X };
}

function shapeOf(X: FeatureRows, name: string): { rows: number; cols: number } {
  if (X === null || typeof X !== 'object' || typeof X.length !== 'number') {
    throw new StewardInputError(`${name} must be an array of feature rows`, name);
  }
  const rows = X.length;
  if (rows === 0) throw new StewardInputError(`${name} has no rows: a model needs at least one sample`, name);
  const cols = X[0]?.length ?? 0;
  if (cols === 0) throw new StewardInputError(`${name}[0] has no features`, name);
  return { rows, cols };
}

function rowOf(X: FeatureRows, i: number, cols: number, name: string): ArrayLike<number> {
  const row = X[i];
  if (!row || row.length !== cols) {
    throw new StewardInputError(
      `${name}[${i}] has ${row?.length ?? 0} features but ${name}[0] has ${cols}`,
      name,
    );
  }
  return row;
}

function copyRow(row: ArrayLike<number>, data: Float64Array, i: number, cols: number, name: string): void {
  for (let j = 0; j < cols; j++) {
    const v = row[j] as number;
    if (!Number.isFinite(v)) throw notFinite(name, i, j, v);
    data[i * cols + j] = v;
  }
}

/** Throws for the first value of `data` that is not finite; x − x is 0 for finite x only, so one sum finds any. */
function checkFinite(data: Float64Array, cols: number, name: string): void {
  let probe = 0;
  for (let k = 0; k < data.length; k++) probe += (data[k] as number) - (data[k] as number);
  if (probe === 0) return;
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    if (!Number.isFinite(v)) throw notFinite(name, Math.floor(k / cols), k % cols, v);
  }
}

function notFinite(name: string, i: number, j: number, v: unknown): StewardInputError {
  return new StewardInputError(
    `${name}[${i}][${j}] is ${String(v)}: features must be finite numbers (impute missing values first)`,
    name,
  );
}

export function columnMeans(m: Dense): Float64Array {
  const means = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) means[j] += m.data[i * m.cols + j] as number;
  for (let j = 0; j < m.cols; j++) means[j] /= m.rows;
  return means;
}

/** XᵀX (cols × cols) and Xᵀy. */
export function normalEquations(X: Dense, y: Float64Array): { xtx: Float64Array; xty: Float64Array } {
  const { rows, cols, data } = X;
  const xtx = new Float64Array(cols * cols);
  const xty = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    const yi = y[i] as number;
    for (let a = 0; a < cols; a++) {
      const va = data[off + a] as number;
      xty[a] += va * yi;
      for (let b = a; b < cols; b++) xtx[a * cols + b] += va * (data[off + b] as number);
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) xtx[a * cols + b] = xtx[b * cols + a] as number;
  return { xtx, xty };
}

/** Solves A x = b for a symmetric positive definite A (n × n) by Cholesky; null if A is not positive definite. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / (L[j * n + j] as number);
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (z[k] as number);
    z[i] = s / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  return x;
}

/**
 * Least squares min ‖Xw − y‖ by Householder QR (more accurate than the normal equations on ill-conditioned X).
 * Throws when X has dependent columns, where the solution is not unique.
 */
export function leastSquares(X: Dense, y: Float64Array): Float64Array {
  const { rows: m, cols: n } = X;
  if (m < n) {
    throw new StewardInputError(
      `X has ${m} rows for ${n} features: least squares needs at least as many rows; use Ridge`,
      'X',
    );
  }
  const A = Float64Array.from(X.data);
  const b = Float64Array.from(y);
  const diag = new Float64Array(n);
  let maxNorm = 0;
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, A[i * n + k] as number);
    maxNorm = Math.max(maxNorm, norm);
    if (norm === 0 || norm <= 1e-12 * maxNorm) {
      throw new StewardInputError(
        `feature ${k} is a linear combination of the others (or constant after centring): the least-squares solution is not unique; drop it or use Ridge`,
        'X',
      );
    }
    const akk = A[k * n + k] as number;
    const alpha = akk > 0 ? -norm : norm;
    // v = x − αe₁, stored in place; Householder reflection H = I − 2vvᵀ/vᵀv.
    A[k * n + k] = akk - alpha;
    let vtv = 0;
    for (let i = k; i < m; i++) vtv += (A[i * n + k] as number) ** 2;
    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += (A[i * n + k] as number) * (A[i * n + j] as number);
      const f = (2 * dot) / vtv;
      for (let i = k; i < m; i++) A[i * n + j] = (A[i * n + j] as number) - f * (A[i * n + k] as number);
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += (A[i * n + k] as number) * (b[i] as number);
    const f = (2 * dot) / vtv;
    for (let i = k; i < m; i++) b[i] = (b[i] as number) - f * (A[i * n + k] as number);
    diag[k] = alpha;
  }
  const w = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k] as number;
    for (let j = k + 1; j < n; j++) s -= (A[k * n + j] as number) * (w[j] as number);
    w[k] = s / (diag[k] as number);
  }
  return w;
}

export function toTarget(y: ArrayLike<number>, rows: number): Float64Array {
  if (y === null || typeof y !== 'object' || y.length !== rows) {
    throw new StewardInputError(
      `y has ${y?.length ?? 0} values but X has ${rows} rows: one target per row`,
      'y',
    );
  }
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = y[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StewardInputError(`y[${i}] is ${String(v)}: targets must be finite numbers`, 'y');
    }
    out[i] = v;
  }
  return out;
}
