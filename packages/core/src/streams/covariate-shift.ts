import { StewardInputError } from '../errors.js';
import { checkStreamOptions, gaussian, seededRandom } from './common.js';

export interface CovariateShiftOptions {
  /** Number of rows (default 10,000). */
  n?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
  /** Number of features (default 2). */
  features?: number;
  /** How far the inputs' mean moves along the first feature by the end of the stream, in standard deviations (default 2). */
  shift?: number;
}

/**
 * Covariate shift without concept drift: the inputs' distribution moves, the rule that labels them does not.
 * Features are Gaussian with unit variance; the first one's mean moves linearly from 0 to `shift` over the stream.
 * Labels are drawn from P(y = 1 | x) = σ(2·x₀ − x₁ + ½), which `probabilityOf(x)` returns: the case confidence-based performance estimation is made for, as a model's accuracy
 * changes with where the inputs fall, not with what they mean.
 */
export function covariateShiftStream(options: CovariateShiftOptions = {}): {
  features: string[];
  X: number[][];
  y: number[];
  probabilityOf: (x: readonly number[]) => number;
} {
  const n = options.n ?? 10_000;
  checkStreamOptions('covariateShiftStream', n, 0);
  const d = options.features ?? 2;
  if (!Number.isInteger(d) || d < 2)
    throw new StewardInputError('covariateShiftStream: features must be an integer of 2 or more', 'features');
  const shift = options.shift ?? 2;
  if (!Number.isFinite(shift))
    throw new StewardInputError('covariateShiftStream: shift must be a finite number', 'shift');
  const random = seededRandom(options.seed ?? 0);
  const probabilityOf = (x: readonly number[]) =>
    1 / (1 + Math.exp(-(2 * (x[0] as number) - (x[1] as number) + 0.5)));
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, () => gaussian(random));
    x[0] = (x[0] as number) + (shift * i) / Math.max(1, n - 1);
    X.push(x);
    y.push(random() < probabilityOf(x) ? 1 : 0);
  }
  return { features: Array.from({ length: d }, (_, j) => `x${j}`), X, y, probabilityOf };
}

export interface RegressionShiftOptions {
  /** Number of rows (default 10,000). */
  n?: number;
  /** Seed of the generator (default 0). */
  seed?: number;
  /** How far the first feature's mean moves by the end of the stream, in its standard deviations (default 1). */
  shift?: number;
}

/**
 * Covariate shift for a regressor: y = 2·x₀ − x₁ + ε with noise whose scale grows with |x₀| (0.3 + 0.6·|x₀|), x₀
 * Gaussian with standard deviation 1.5 and a mean moving linearly from 0 to `shift`·1.5, x₁ standard Gaussian. The
 * relation never changes; a model's errors grow as the inputs move into the noisier region — the case direct loss
 * estimation is made for. `meanOf(x)` is the noise-free target and `noiseOf(x)` the noise's standard deviation.
 */
export function covariateShiftRegressionStream(options: RegressionShiftOptions = {}): {
  features: string[];
  X: number[][];
  y: number[];
  meanOf: (x: readonly number[]) => number;
  noiseOf: (x: readonly number[]) => number;
} {
  const n = options.n ?? 10_000;
  checkStreamOptions('covariateShiftRegressionStream', n, 0);
  const shift = options.shift ?? 1;
  if (!Number.isFinite(shift))
    throw new StewardInputError('covariateShiftRegressionStream: shift must be a finite number', 'shift');
  const random = seededRandom(options.seed ?? 0);
  const meanOf = (x: readonly number[]) => 2 * (x[0] as number) - (x[1] as number);
  const noiseOf = (x: readonly number[]) => 0.3 + 0.6 * Math.abs(x[0] as number);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [1.5 * (gaussian(random) + (shift * i) / Math.max(1, n - 1)), gaussian(random)];
    X.push(x);
    y.push(meanOf(x) + gaussian(random) * noiseOf(x));
  }
  return { features: ['x0', 'x1'], X, y, meanOf, noiseOf };
}
