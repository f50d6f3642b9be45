import { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';
import {
  type ClassificationStream,
  checkDriftPoints,
  checkStreamOptions,
  conceptAt,
  type StreamOptions,
  seededRandom,
} from './common.js';

export interface SeaOptions extends StreamOptions {
  /** Rows at which the threshold changes (default: n/4, n/2, 3n/4). */
  driftPoints?: number[];
  /** Threshold θ of each concept, cycled: label 1 when x0 + x1 ≤ θ (default 8, 9, 7, 9.5, as Street & Kim). */
  thresholds?: number[];
}

/**
 * SEA concepts (Street & Kim 2001): three features uniform on [0, 10], the label is x0 + x1 ≤ θ, and θ changes
 * abruptly at each drift point. x2 is irrelevant.
 */
export function seaStream(options: SeaOptions = {}): ClassificationStream {
  const n = options.n ?? 10_000;
  const noise = options.noise ?? 0.1;
  checkStreamOptions('seaStream', n, noise);
  const driftPoints = options.driftPoints ?? [Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4)];
  checkDriftPoints('seaStream', driftPoints, n);
  const thresholds = options.thresholds ?? [8, 9, 7, 9.5];
  const random = seededRandom(options.seed ?? 0);
  const labelUnder = (x: readonly number[], concept: number) =>
    (x[0] as number) + (x[1] as number) <= (thresholds[concept % thresholds.length] as number) ? 1 : 0;
  const X: number[][] = [];
  const y: number[] = [];
  const concept: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [10 * random(), 10 * random(), 10 * random()];
    const c = conceptAt(i, driftPoints);
    const label = labelUnder(x, c);
    X.push(x);
    y.push(random() < noise ? 1 - label : label);
    concept.push(c);
  }
  return { features: ['x0', 'x1', 'x2'], X, y, concept, driftPoints, labelUnder };
}

export interface SeaConceptOptions {
  /** Which threshold labels the rows: 0 → 8, 1 → 9, 2 → 7, 3 → 9.5 (default 0). */
  variant?: number;
  /** Share of labels flipped (default 0). */
  noise?: number;
  /** Seed of Python's `random.Random` (default 0). */
  seed?: number;
  /** Rows (default 1,000). */
  n?: number;
}

/**
 * One SEA concept exactly as River's `synth.SEA` draws it (Python's random): three features uniform on [0, 10], the
 * label is 1 when x0 + x1 exceeds the variant's threshold. For River's documented examples; `seaStream` is the
 * drifting stream with Street & Kim's changes.
 *
 * @example
 * ```ts
 * seaConcept({ seed: 42, n: 2 }).y; // [0,1]
 * ```
 */
export function seaConcept(options: SeaConceptOptions = {}): { X: number[][]; y: number[] } {
  const { variant = 0, noise = 0, seed = 0, n = 1000 } = options;
  const threshold = [8, 9, 7, 9.5][variant];
  if (threshold === undefined || !Number.isInteger(variant))
    throw new StewardInputError(`seaConcept: variant must be 0, 1, 2 or 3, got ${variant}`, 'variant');
  checkStreamOptions('seaConcept', n, noise);
  const rng = new PythonRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [10 * rng.random(), 10 * rng.random(), 10 * rng.random()];
    let label = (x[0] as number) + (x[1] as number) > threshold;
    if (noise && rng.random() < noise) label = !label;
    X.push(x);
    y.push(label ? 1 : 0);
  }
  return { X, y };
}
