import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fminBfgs } from './bfgs.js';

// SciPy 1.10's fmin_bfgs on Rosenbrock's function, from calibration/fixtures/generate.py.
const { bfgs } = JSON.parse(
  readFileSync(new URL('../calibration/fixtures/sklearn-calibration.json', import.meta.url), 'utf8'),
) as { bfgs: { x0: number[]; x: number[]; f: number }[] };

function rosen(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++)
    s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
  return s;
}

function rosenGradient(x: Float64Array): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    if (i + 1 < n) g[i] = (g[i] as number) - 400 * xi * ((x[i + 1] as number) - xi * xi) - 2 * (1 - xi);
    if (i > 0) g[i] = (g[i] as number) + 200 * (xi - (x[i - 1] as number) ** 2);
  }
  return g;
}

describe('fminBfgs against SciPy 1.10 fmin_bfgs', () => {
  for (const c of bfgs)
    it(`Rosenbrock in ${c.x0.length} dimensions from [${c.x0.join(', ')}]`, () => {
      const result = fminBfgs(rosen, rosenGradient, c.x0);
      expect(result.status).toBe('converged');
      // SciPy stops 1e-8 to 1e-6 short of (1, …, 1); the same path stops at the same point.
      for (let i = 0; i < c.x.length; i++) expect(result.x[i]).toBeCloseTo(c.x[i] as number, 9);
      expect(result.value).toBeLessThan(1e-11);
    });

  it('stops at the iteration limit and says so', () => {
    const result = fminBfgs(rosen, rosenGradient, [-1.2, 1], { maxIterations: 3 });
    expect(result.status).toBe('max-iterations');
    expect(result.iterations).toBe(3);
  });
});
