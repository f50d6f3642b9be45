import { StewardInputError } from '../errors.js';

export interface IsotonicRegressionOptions {
  /** Fit a non-decreasing function (default), a non-increasing one, or pick by the sign of Spearman's rho. */
  increasing?: boolean | 'auto';
  /** Bounds on the fitted values (they are clipped after the fit). */
  yMin?: number;
  yMax?: number;
  /** Inputs outside the training range: NaN (default, as scikit-learn), the value at the nearest end, or an error. */
  outOfBounds?: 'nan' | 'clip' | 'raise';
}

export interface IsotonicRegressionJSON {
  kind: 'IsotonicRegression';
  options: IsotonicRegressionOptions;
  increasing: boolean;
  xMin: number;
  xMax: number;
  thresholdsX: number[];
  thresholdsY: number[];
}

/**
 * Isotonic regression: the monotone step-linear function closest to `y` in weighted squared error, by pool adjacent
 * violators, predicted by linear interpolation between its thresholds. The same fit as scikit-learn's
 * `IsotonicRegression` (ties in x averaged by weight first, zero weights dropped, thresholds whose value equals both
 * neighbours' trimmed), matched to 1e-9 on the committed fixtures. It is the isotonic calibrator: fit it on scores
 * and 0/1 labels (with `outOfBounds: 'clip'`, as `CalibratedClassifierCV(method='isotonic')` does).
 *
 * @example
 * ```ts
 * const iso = new IsotonicRegression({ outOfBounds: 'clip' }).fit([1, 2, 3, 4], [0, 1, 0, 1]);
 * iso.predict([1, 2.5, 9]); // [0, 0.5, 1]
 * ```
 */
export class IsotonicRegression {
  readonly options: IsotonicRegressionOptions;
  private fitted?: { increasing: boolean; xMin: number; xMax: number; x: Float64Array; y: Float64Array };

  constructor(options: IsotonicRegressionOptions = {}) {
    if (options.yMin !== undefined && options.yMax !== undefined && options.yMin > options.yMax)
      throw new StewardInputError(`yMin (${options.yMin}) is above yMax (${options.yMax})`, 'yMin');
    this.options = { ...options };
  }

  fit(x: ArrayLike<number>, y: ArrayLike<number>, sampleWeight?: ArrayLike<number>): this {
    const n = x.length;
    if (n === 0) throw new StewardInputError('IsotonicRegression needs at least one sample', 'x');
    if (y.length !== n) throw new StewardInputError(`x has ${n} values and y ${y.length}`, 'y');
    if (sampleWeight && sampleWeight.length !== n)
      throw new StewardInputError(
        `x has ${n} values and sampleWeight ${sampleWeight.length}`,
        'sampleWeight',
      );
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(x[i] as number) || !Number.isFinite(y[i] as number))
        throw new StewardInputError(`x and y must be finite numbers (row ${i})`, 'x');
    const option = this.options.increasing ?? true;
    const increasing = option === 'auto' ? spearmanRho(x, y) >= 0 : option;
    // Zero weights dropped; then in order of x, ties by y (numpy's lexsort((y, x)), stable).
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if ((sampleWeight?.[i] ?? 1) > 0) rows.push(i);
    if (rows.length === 0) throw new StewardInputError('every sample weight is zero', 'sampleWeight');
    rows.sort((a, b) => (x[a] as number) - (x[b] as number) || (y[a] as number) - (y[b] as number) || a - b);
    const unique = uniqueByX(
      rows.map((i) => x[i] as number),
      rows.map((i) => y[i] as number),
      rows.map((i) => sampleWeight?.[i] ?? 1),
    );
    const fittedY = poolAdjacentViolators(unique.y, unique.w, increasing);
    const { yMin, yMax } = this.options;
    if (yMin !== undefined || yMax !== undefined)
      for (let i = 0; i < fittedY.length; i++)
        fittedY[i] = Math.min(
          yMax ?? Number.POSITIVE_INFINITY,
          Math.max(yMin ?? Number.NEGATIVE_INFINITY, fittedY[i] as number),
        );
    // Thresholds: drop inner points whose value equals both neighbours' (they change no interpolation).
    const keepX: number[] = [];
    const keepY: number[] = [];
    const m = fittedY.length;
    for (let i = 0; i < m; i++) {
      const v = fittedY[i] as number;
      if (i === 0 || i === m - 1 || v !== fittedY[i - 1] || v !== fittedY[i + 1]) {
        keepX.push(unique.x[i] as number);
        keepY.push(v);
      }
    }
    this.fitted = {
      increasing,
      xMin: unique.x[0] as number,
      xMax: unique.x[m - 1] as number,
      x: Float64Array.from(keepX),
      y: Float64Array.from(keepY),
    };
    return this;
  }

  /** The fitted function at `x`: linear between thresholds; outside the training range as `outOfBounds` says. */
  predict(x: ArrayLike<number>): number[] {
    const f = this.requireFitted();
    const mode = this.options.outOfBounds ?? 'nan';
    const out = new Array<number>(x.length);
    for (let i = 0; i < x.length; i++) {
      let v = x[i] as number;
      if (mode === 'clip') v = Math.min(f.xMax, Math.max(f.xMin, v));
      else if (mode === 'raise' && f.x.length > 1 && (v < f.xMin || v > f.xMax))
        throw new StewardInputError(
          `x = ${v} is outside the training range [${f.xMin}, ${f.xMax}] (outOfBounds: 'raise')`,
          'x',
        );
      out[i] = interpolate(f.x, f.y, v);
    }
    return out;
  }

  /** Whether the fitted function is non-decreasing (as chosen by `increasing: 'auto'`). */
  get increasing(): boolean {
    return this.requireFitted().increasing;
  }

  get thresholds(): { x: number[]; y: number[] } {
    const f = this.requireFitted();
    return { x: Array.from(f.x), y: Array.from(f.y) };
  }

  toJSON(): IsotonicRegressionJSON {
    const f = this.requireFitted();
    return {
      kind: 'IsotonicRegression',
      options: this.options,
      increasing: f.increasing,
      xMin: f.xMin,
      xMax: f.xMax,
      thresholdsX: Array.from(f.x),
      thresholdsY: Array.from(f.y),
    };
  }

  static fromJSON(json: IsotonicRegressionJSON): IsotonicRegression {
    if (json.kind !== 'IsotonicRegression' || json.thresholdsX.length !== json.thresholdsY.length)
      throw new StewardInputError('not an IsotonicRegression model file', 'json');
    const model = new IsotonicRegression(json.options);
    model.fitted = {
      increasing: json.increasing,
      xMin: json.xMin,
      xMax: json.xMax,
      x: Float64Array.from(json.thresholdsX),
      y: Float64Array.from(json.thresholdsY),
    };
    return model;
  }

  private requireFitted() {
    if (!this.fitted)
      throw new StewardInputError('IsotonicRegression is not fitted: call fit first', 'model');
    return this.fitted;
  }
}

/**
 * Rows with the same x (within 1e-15, as scikit-learn's `_make_unique`) merged: their weighted mean y and summed
 * weight. Input in order of x.
 */
function uniqueByX(x: number[], y: number[], w: number[]): { x: number[]; y: number[]; w: number[] } {
  const out = { x: [] as number[], y: [] as number[], w: [] as number[] };
  let currentX = x[0] as number;
  let sumWY = 0;
  let sumW = 0;
  for (let j = 0; j < x.length; j++) {
    const xj = x[j] as number;
    const wj = w[j] as number;
    if (xj - currentX >= 1e-15) {
      out.x.push(currentX);
      out.w.push(sumW);
      out.y.push(sumWY / sumW);
      currentX = xj;
      sumW = wj;
      sumWY = (y[j] as number) * wj;
    } else {
      sumW += wj;
      sumWY += (y[j] as number) * wj;
    }
  }
  out.x.push(currentX);
  out.w.push(sumW);
  out.y.push(sumWY / sumW);
  return out;
}

/**
 * Pool adjacent violators, single pass with backtracking (Best & Chakravarti), in the order of operations of
 * scikit-learn's `_inplace_contiguous_isotonic_regression`; a decreasing fit runs on the reversed sequence.
 */
function poolAdjacentViolators(values: number[], weights: number[], increasing: boolean): Float64Array {
  const n = values.length;
  const y = Float64Array.from(increasing ? values : [...values].reverse());
  const w = Float64Array.from(increasing ? weights : [...weights].reverse());
  // target[i]: the last index of the block starting at i (and, at a block's end, its start).
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = (target[i] as number) + 1;
    if (k === n) break;
    if ((y[i] as number) < (y[k] as number)) {
      i = k;
      continue;
    }
    let sumWY = (w[i] as number) * (y[i] as number);
    let sumW = w[i] as number;
    for (;;) {
      const previous = y[k] as number;
      sumWY += (w[k] as number) * (y[k] as number);
      sumW += w[k] as number;
      k = (target[k] as number) + 1;
      if (k === n || previous < (y[k] as number)) {
        y[i] = sumWY / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1] as number;
        break;
      }
    }
  }
  for (let start = 0; start < n; ) {
    const end = (target[start] as number) + 1;
    for (let j = start + 1; j < end; j++) y[j] = y[start] as number;
    start = end;
  }
  return increasing ? y : y.reverse();
}

/** scipy's `interp1d(kind='linear')` at `v`: NaN outside [x0, xn]; one point is a constant everywhere (as in scikit-learn). */
function interpolate(x: Float64Array, y: Float64Array, v: number): number {
  const n = x.length;
  if (n === 1) return y[0] as number;
  if (!(v >= (x[0] as number) && v <= (x[n - 1] as number))) return Number.NaN;
  // searchsorted(x, v, side='left'), clipped to [1, n - 1].
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  const index = Math.min(n - 1, Math.max(1, lo));
  const x0 = x[index - 1] as number;
  const x1 = x[index] as number;
  const y0 = y[index - 1] as number;
  const y1 = y[index] as number;
  const slope = (y1 - y0) / (x1 - x0);
  return slope * (v - x0) + y0;
}

/** Spearman's rank correlation (ties get their average rank), as `scipy.stats.spearmanr`. */
function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const n = rx.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += rx[i] as number;
    my += ry[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (rx[i] as number) - mx;
    const dy = (ry[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number) || a - b,
  );
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = rank;
    i = j + 1;
  }
  return ranks;
}
