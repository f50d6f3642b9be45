/**
 * The Moré–Thuente line search (MINPACK-2's `dcsrch` and `dcstep`), as SciPy 1.10 runs it for `fmin_bfgs`:
 * a step that satisfies the sufficient-decrease and curvature (strong Wolfe) conditions, found by safeguarded
 * cubic and quadratic interpolation inside an interval that brackets a minimiser.
 *
 * Written as a state machine like the Fortran: `next(stp, f, g)` takes φ(stp) and φ'(stp) and answers with the
 * next step to evaluate (`'evaluate'`), the accepted step (`'converged'`) or a failure (`'warning'`, `'error'`).
 * Fortran's MAX/MIN (compiled to x86 `maxsd`/`minsd`) return their second argument when either is NaN;
 * `fmax`/`fmin` below do the same, which matters when φ is infinite at a trial step.
 */
export type SearchTask = 'evaluate' | 'converged' | 'warning' | 'error';

export interface SearchTolerances {
  /** Sufficient decrease (Armijo) constant c₁. */
  ftol: number;
  /** Curvature constant c₂. */
  gtol: number;
  /** Relative width of the bracket at which the search gives up. */
  xtol: number;
  stpmin: number;
  stpmax: number;
}

const P5 = 0.5;
const P66 = 0.66;
const XTRAPL = 1.1;
const XTRAPU = 4;

const fmax = (a: number, b: number) => (a > b ? a : b);
const fmin = (a: number, b: number) => (a < b ? a : b);
const sq = (a: number) => a * a;

export class MoreThuenteSearch {
  private started = false;
  private brackt = false;
  private stage = 1;
  private finit = 0;
  private ginit = 0;
  private gtest = 0;
  private width = 0;
  private width1 = 0;
  private stx = 0;
  private fx = 0;
  private gx = 0;
  private sty = 0;
  private fy = 0;
  private gy = 0;
  private stmin = 0;
  private stmax = 0;

  constructor(private readonly tol: SearchTolerances) {}

  /** First call: the initial step with φ(0) and φ'(0); later calls: the step just evaluated with φ and φ'. */
  next(stp: number, f: number, g: number): { stp: number; task: SearchTask } {
    const { ftol, gtol, xtol, stpmin, stpmax } = this.tol;
    if (!this.started) {
      if (
        stp < stpmin ||
        stp > stpmax ||
        g >= 0 ||
        ftol < 0 ||
        gtol < 0 ||
        xtol < 0 ||
        stpmin < 0 ||
        stpmax < stpmin
      )
        return { stp, task: 'error' };
      this.started = true;
      this.brackt = false;
      this.stage = 1;
      this.finit = f;
      this.ginit = g;
      this.gtest = ftol * g;
      this.width = stpmax - stpmin;
      this.width1 = this.width / P5;
      this.stx = 0;
      this.fx = f;
      this.gx = g;
      this.sty = 0;
      this.fy = f;
      this.gy = g;
      this.stmin = 0;
      this.stmax = stp + XTRAPU * stp;
      return { stp, task: 'evaluate' };
    }

    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;

    let task: SearchTask = 'evaluate';
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) task = 'warning';
    if (this.brackt && this.stmax - this.stmin <= xtol * this.stmax) task = 'warning';
    if (stp === stpmax && f <= ftest && g <= this.gtest) task = 'warning';
    if (stp === stpmin && (f > ftest || g >= this.gtest)) task = 'warning';
    if (f <= ftest && Math.abs(g) <= gtol * -this.ginit) task = 'converged';
    if (task !== 'evaluate') return { stp, task };

    if (this.stage === 1 && f <= this.fx && f > ftest) {
      // The modified function ψ(α) = φ(α) − φ(0) − ftol·α·φ'(0) predicts the step while the decrease is not
      // yet sufficient.
      const gt = this.gtest;
      const s = step(
        this.stx,
        this.fx - this.stx * gt,
        this.gx - gt,
        this.sty,
        this.fy - this.sty * gt,
        this.gy - gt,
        stp,
        f - stp * gt,
        g - gt,
        this.brackt,
        this.stmin,
        this.stmax,
      );
      this.stx = s.stx;
      this.sty = s.sty;
      this.fx = s.fx + s.stx * gt;
      this.fy = s.fy + s.sty * gt;
      this.gx = s.dx + gt;
      this.gy = s.dy + gt;
      this.brackt = s.brackt;
      stp = s.stp;
    } else {
      const s = step(
        this.stx,
        this.fx,
        this.gx,
        this.sty,
        this.fy,
        this.gy,
        stp,
        f,
        g,
        this.brackt,
        this.stmin,
        this.stmax,
      );
      this.stx = s.stx;
      this.fx = s.fx;
      this.gx = s.dx;
      this.sty = s.sty;
      this.fy = s.fy;
      this.gy = s.dy;
      this.brackt = s.brackt;
      stp = s.stp;
    }

    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= P66 * this.width1) stp = this.stx + P5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
      this.stmin = fmin(this.stx, this.sty);
      this.stmax = fmax(this.stx, this.sty);
    } else {
      this.stmin = stp + XTRAPL * (stp - this.stx);
      this.stmax = stp + XTRAPU * (stp - this.stx);
    }
    stp = fmin(fmax(stp, stpmin), stpmax);
    if (
      (this.brackt && (stp <= this.stmin || stp >= this.stmax)) ||
      (this.brackt && this.stmax - this.stmin <= xtol * this.stmax)
    )
      stp = this.stx;
    return { stp, task: 'evaluate' };
  }
}

interface StepState {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  stp: number;
  brackt: boolean;
}

/** MINPACK-2's `dcstep`: a safeguarded trial step, and the updated interval that holds a minimiser. */
function step(
  stx: number,
  fx: number,
  dx: number,
  sty: number,
  fy: number,
  dy: number,
  stp: number,
  fp: number,
  dp: number,
  brackt: boolean,
  stpmin: number,
  stpmax: number,
): StepState {
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // Higher value: the minimum is bracketed; the cubic step if nearer stx, else halfway to the quadratic step.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = fmax(fmax(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt(sq(theta / s) - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const stpc = stx + (p / q) * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    brackt = true;
  } else if (sgnd < 0) {
    // Lower value, derivatives of opposite sign: bracketed; the cubic step if farther from stp, else the secant.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = fmax(fmax(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt(sq(theta / s) - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const stpc = stp + (p / q) * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Lower value, same sign, shrinking derivative: the cubic step only where the cubic tends to infinity in the
    // direction of the step or its minimum lies beyond stp.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = fmax(fmax(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt(fmax(0, sq(theta / s) - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? fmin(stp + P66 * (sty - stp), stpf) : fmax(stp + P66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = fmax(stpmin, fmin(stpmax, stpf));
    }
  } else if (brackt) {
    // Lower value, same sign, derivative not shrinking, bracketed: the cubic step toward sty.
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = fmax(fmax(Math.abs(theta), Math.abs(dy)), Math.abs(dp));
    let gamma = s * Math.sqrt(sq(theta / s) - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    stpf = stp + (p / q) * (sty - stp);
  } else {
    stpf = stp > stx ? stpmax : stpmin;
  }

  if (fp > fx) {
    sty = stp;
    fy = fp;
    dy = dp;
  } else {
    if (sgnd < 0) {
      sty = stx;
      fy = fx;
      dy = dx;
    }
    stx = stp;
    fx = fp;
    dx = dp;
  }
  return { stx, fx, dx, sty, fy, dy, stp: stpf, brackt };
}
