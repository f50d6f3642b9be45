import { MoreThuenteSearch } from './more-thuente-search.js';
import { initialStep, zoomLineSearch } from './zoom-line-search.js';

export interface BfgsOptions {
  /** Stop when the largest gradient component is at most this (SciPy's `gtol`, default 1e-5). */
  gradientTolerance?: number;
  /** Iteration limit (default 200 per parameter, as SciPy). */
  maxIterations?: number;
}

export type BfgsStatus = 'converged' | 'max-iterations' | 'line-search-failed' | 'not-finite';

export interface BfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  status: BfgsStatus;
}

/**
 * BFGS with a dense inverse Hessian, step for step as SciPy 1.10's `fmin_bfgs` (the solver scikit-learn's
 * sigmoid calibration calls): identity start, an initial step of about 1 in x, the Moré–Thuente line search
 * (c₁ = 1e-4, c₂ = 0.9) with SciPy's zoom search as fallback, stop at a gradient max-norm of `gradientTolerance`.
 * Answers equal SciPy's to rounding on the same objective; where a problem has a sharper optimum than 1e-5 in the
 * gradient, they are as far from it as SciPy's are.
 */
export function fminBfgs(
  fun: (x: Float64Array) => number,
  grad: (x: Float64Array) => Float64Array,
  x0: ArrayLike<number>,
  options: BfgsOptions = {},
): BfgsResult {
  const n = x0.length;
  const gtol = options.gradientTolerance ?? 1e-5;
  const maxIterations = options.maxIterations ?? 200 * n;
  let xk = Float64Array.from(x0);
  let oldFval = fun(xk);
  let gfk = grad(xk);
  let hk = identity(n);
  let oldOldFval: number | undefined = oldFval + Math.sqrt(dot(gfk, gfk)) / 2;
  let k = 0;
  let status: BfgsStatus = 'converged';
  let gnorm = maxAbs(gfk);
  const pk = new Float64Array(n);
  while (gnorm > gtol && k < maxIterations) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (hk[i * n + j] as number) * (gfk[j] as number);
      pk[i] = -s;
    }
    const search = lineSearch(fun, grad, xk, pk, gfk, oldFval, oldOldFval);
    if (search === null) {
      status = 'line-search-failed';
      break;
    }
    const sk = pk.map((p) => search.alpha * p);
    const xNext = xk.map((x, i) => x + (sk[i] as number));
    xk = xNext;
    const gNext = search.gradient ?? grad(xNext);
    const yk = gNext.map((g, i) => g - (gfk[i] as number));
    gfk = gNext;
    oldOldFval = search.oldFval;
    oldFval = search.fval;
    k++;
    gnorm = maxAbs(gfk);
    if (gnorm <= gtol) break;
    if (search.alpha * Math.sqrt(dot(pk, pk)) <= 0) break;
    if (!Number.isFinite(oldFval)) {
      status = 'not-finite';
      break;
    }
    const rhokInv = dot(yk, sk);
    const rhok = rhokInv === 0 ? 1000 : 1 / rhokInv;
    hk = inverseHessianUpdate(hk, sk, yk, rhok);
  }
  if (status === 'converged' && k >= maxIterations) status = 'max-iterations';
  if (status === 'converged' && (Number.isNaN(gnorm) || Number.isNaN(oldFval) || xk.some(Number.isNaN)))
    status = 'not-finite';
  return { x: xk, value: oldFval, iterations: k, status };
}

interface SearchResult {
  alpha: number;
  fval: number;
  oldFval: number;
  /** The gradient at the accepted point when the search evaluated it there. */
  gradient?: Float64Array;
}

/** SciPy's `_line_search_wolfe12`: Moré–Thuente first, the zoom search if it fails, null if both do. */
function lineSearch(
  fun: (x: Float64Array) => number,
  grad: (x: Float64Array) => Float64Array,
  xk: Float64Array,
  pk: Float64Array,
  gfk: Float64Array,
  oldFval: number,
  oldOldFval: number | undefined,
): SearchResult | null {
  const at = (s: number) => xk.map((x, i) => x + s * (pk[i] as number));
  let gval = gfk;
  const phi = (s: number) => fun(at(s));
  const derphi = (s: number) => {
    gval = grad(at(s));
    return dot(gval, pk);
  };
  const derphi0 = dot(gfk, pk);

  const search = new MoreThuenteSearch({ ftol: 1e-4, gtol: 0.9, xtol: 1e-14, stpmin: 1e-100, stpmax: 1e100 });
  let alpha1 = initialStep(oldFval, oldOldFval, derphi0);
  let phi1 = oldFval;
  let derphi1 = derphi0;
  for (let i = 0; i < 100; i++) {
    const { stp, task } = search.next(alpha1, phi1, derphi1);
    if (task === 'evaluate') {
      alpha1 = stp;
      phi1 = phi(stp);
      derphi1 = derphi(stp);
      continue;
    }
    if (task === 'converged') return { alpha: stp, fval: phi1, oldFval, gradient: gval };
    break;
  }

  gval = gfk;
  const zoom = zoomLineSearch(phi, derphi, oldFval, oldOldFval, derphi0, 1e-4, 0.9, 1e100);
  if (zoom.stp === null) return null;
  return zoom.derivativeKnown
    ? { alpha: zoom.stp, fval: zoom.f, oldFval, gradient: gval }
    : { alpha: zoom.stp, fval: zoom.f, oldFval };
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, in SciPy's order of operations. */
function inverseHessianUpdate(
  hk: Float64Array,
  sk: Float64Array,
  yk: Float64Array,
  rhok: number,
): Float64Array {
  const n = sk.length;
  const a1 = new Float64Array(n * n);
  const a2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const eye = i === j ? 1 : 0;
      a1[i * n + j] = eye - (sk[i] as number) * (yk[j] as number) * rhok;
      a2[i * n + j] = eye - (yk[i] as number) * (sk[j] as number) * rhok;
    }
  const inner = matmul(hk, a2, n);
  const outer = matmul(a1, inner, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      outer[i * n + j] = (outer[i * n + j] as number) + rhok * (sk[i] as number) * (sk[j] as number);
  return outer;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (b[k * n + j] as number);
      out[i * n + j] = s;
    }
  return out;
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) {
    if (Number.isNaN(x)) return Number.NaN;
    m = Math.max(m, Math.abs(x));
  }
  return m;
}
