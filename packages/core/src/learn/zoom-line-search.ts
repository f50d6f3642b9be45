/**
 * The strong-Wolfe line search of Nocedal & Wright (Algorithms 3.5 and 3.6: expand by doubling, then zoom with
 * cubic, quadratic or bisection steps), as SciPy 1.10's `scalar_search_wolfe2`, which `fmin_bfgs` falls back to
 * when the Moré–Thuente search fails. Returns the accepted step (or null) and φ there; `derivativeKnown` says
 * whether φ' was evaluated at that step (so the caller's last gradient belongs to it).
 */
export interface ZoomSearchResult {
  stp: number | null;
  f: number;
  derivativeKnown: boolean;
}

/** Python's min(a, b): `a` unless `b` is smaller (so a NaN `b` gives `a`). */
export const pyMin = (a: number, b: number) => (b < a ? b : a);

/**
 * The first trial step both of SciPy's line searches take: a step of about 1 in x on the first iteration, then the
 * step that would repeat the last decrease of f (at most 1).
 */
export function initialStep(phi0: number, oldPhi0: number | undefined, derphi0: number): number {
  const step = oldPhi0 !== undefined && derphi0 !== 0 ? pyMin(1, (1.01 * 2 * (phi0 - oldPhi0)) / derphi0) : 1;
  return step < 0 ? 1 : step;
}

export function zoomLineSearch(
  phi: (alpha: number) => number,
  derphi: (alpha: number) => number,
  phi0: number,
  oldPhi0: number | undefined,
  derphi0: number,
  c1: number,
  c2: number,
  amax: number,
  maxIterations = 10,
): ZoomSearchResult {
  let alpha0 = 0;
  let alpha1 = pyMin(initialStep(phi0, oldPhi0, derphi0), amax);
  let phiA1 = phi(alpha1);
  let phiA0 = phi0;
  let derphiA0 = derphi0;
  for (let i = 0; i < maxIterations; i++) {
    if (alpha1 === 0 || alpha0 === amax) return { stp: null, f: phi0, derivativeKnown: false };
    if (phiA1 > phi0 + c1 * alpha1 * derphi0 || (phiA1 >= phiA0 && i > 0))
      return zoom(alpha0, alpha1, phiA0, phiA1, derphiA0, phi, derphi, phi0, derphi0, c1, c2);
    const derphiA1 = derphi(alpha1);
    if (Math.abs(derphiA1) <= -c2 * derphi0) return { stp: alpha1, f: phiA1, derivativeKnown: true };
    if (derphiA1 >= 0)
      return zoom(alpha1, alpha0, phiA1, phiA0, derphiA1, phi, derphi, phi0, derphi0, c1, c2);
    const alpha2 = pyMin(2 * alpha1, amax);
    alpha0 = alpha1;
    alpha1 = alpha2;
    phiA0 = phiA1;
    phiA1 = phi(alpha1);
    derphiA0 = derphiA1;
  }
  // SciPy accepts the last trial step when the doubling runs out, without its derivative.
  return { stp: alpha1, f: phiA1, derivativeKnown: false };
}

function zoom(
  aLo: number,
  aHi: number,
  phiLo: number,
  phiHi: number,
  derphiLo: number,
  phi: (alpha: number) => number,
  derphi: (alpha: number) => number,
  phi0: number,
  derphi0: number,
  c1: number,
  c2: number,
): ZoomSearchResult {
  const maxIterations = 10;
  const delta1 = 0.2;
  const delta2 = 0.1;
  let phiRec = phi0;
  let aRec = 0;
  for (let i = 0; ; ) {
    const dalpha = aHi - aLo;
    const [a, b] = dalpha < 0 ? [aHi, aLo] : [aLo, aHi];
    let aj: number | null = null;
    let cchk = 0;
    if (i > 0) {
      cchk = delta1 * dalpha;
      aj = cubicMinimum(aLo, phiLo, derphiLo, aHi, phiHi, aRec, phiRec);
    }
    if (i === 0 || aj === null || aj > b - cchk || aj < a + cchk) {
      const qchk = delta2 * dalpha;
      aj = quadraticMinimum(aLo, phiLo, derphiLo, aHi, phiHi);
      if (aj === null || aj > b - qchk || aj < a + qchk) aj = aLo + 0.5 * dalpha;
    }
    const phiAj = phi(aj);
    if (phiAj > phi0 + c1 * aj * derphi0 || phiAj >= phiLo) {
      phiRec = phiHi;
      aRec = aHi;
      aHi = aj;
      phiHi = phiAj;
    } else {
      const derphiAj = derphi(aj);
      if (Math.abs(derphiAj) <= -c2 * derphi0) return { stp: aj, f: phiAj, derivativeKnown: true };
      if (derphiAj * (aHi - aLo) >= 0) {
        phiRec = phiHi;
        aRec = aHi;
        aHi = aLo;
        phiHi = phiLo;
      } else {
        phiRec = phiLo;
        aRec = aLo;
      }
      aLo = aj;
      phiLo = phiAj;
      derphiLo = derphiAj;
    }
    i++;
    if (i > maxIterations) return { stp: null, f: Number.NaN, derivativeKnown: false };
  }
}

/** Minimiser of the cubic through (a, fa) with slope fpa, (b, fb) and (c, fc); null where it does not exist. */
function cubicMinimum(a: number, fa: number, fpa: number, b: number, fb: number, c: number, fc: number) {
  const C = fpa;
  const db = b - a;
  const dc = c - a;
  const denom = (db * dc) ** 2 * (db - dc);
  const rb = fb - fa - C * db;
  const rc = fc - fa - C * dc;
  const A = (dc * dc * rb + -(db * db) * rc) / denom;
  const B = (-(dc * dc * dc) * rb + db * db * db * rc) / denom;
  const radical = B * B - 3 * A * C;
  const xmin = a + (-B + Math.sqrt(radical)) / (3 * A);
  // NumPy raises on a division by zero, an overflow or an invalid operation here, and SciPy answers None.
  if (denom === 0 || !Number.isFinite(A) || !Number.isFinite(B) || radical < 0 || A === 0) return null;
  return Number.isFinite(xmin) ? xmin : null;
}

/** Minimiser of the quadratic through (a, fa) with slope fpa and (b, fb); null where it does not exist. */
function quadraticMinimum(a: number, fa: number, fpa: number, b: number, fb: number) {
  const db = b - a;
  const B = (fb - fa - fpa * db) / (db * db);
  if (db === 0 || B === 0 || !Number.isFinite(B)) return null;
  const xmin = a - fpa / (2 * B);
  return Number.isFinite(xmin) ? xmin : null;
}
