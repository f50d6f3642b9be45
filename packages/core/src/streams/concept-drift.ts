import { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';

export interface LabelledRows<L = number> {
  X: number[][];
  y: L[];
}

export interface ConceptDriftOptions<L> {
  /** Rows before the change. */
  stream: LabelledRows<L>;
  /** Rows after it. */
  driftStream: LabelledRows<L>;
  /** Centre of the change, in rows from 1 (default 5,000). */
  position?: number;
  /** Rows the change takes (default 1,000). */
  width?: number;
  /** Seed of Python's `random.Random` (default 0). */
  seed?: number;
  /** Rows to draw (default 1,000). */
  n?: number;
}

/**
 * Joins two streams with a gradual change, as River's `synth.ConceptDriftStream`: row t comes from the drift stream
 * with probability 1 / (1 + e^(−4 (t − position) / width)), each stream read in its own order.
 *
 * @example
 * ```ts
 * const before = { X: [[0], [1], [2]], y: [0, 0, 0] };
 * const after = { X: [[10], [11], [12]], y: [1, 1, 1] };
 * conceptDriftStream({ stream: before, driftStream: after, position: 2, width: 1, seed: 1, n: 3 }).y; // [0,0,1]
 * ```
 */
export function conceptDriftStream<L>(options: ConceptDriftOptions<L>): LabelledRows<L> {
  const { stream, driftStream, position = 5000, width = 1000, seed = 0, n = 1000 } = options;
  if (!(Number.isInteger(n) && n >= 1))
    throw new StewardInputError('conceptDriftStream: n must be a positive integer', 'n');
  if (!(width > 0)) throw new StewardInputError('conceptDriftStream: width must be above 0', 'width');
  const rng = new PythonRandom(seed);
  const out: LabelledRows<L> = { X: [], y: [] };
  let before = 0;
  let after = 0;
  for (let t = 1; t <= n; t++) {
    const pDrift = 1 / (1 + Math.exp((-4 * (t - position)) / width));
    const fromDrift = !(rng.random() > pDrift);
    const source = fromDrift ? driftStream : stream;
    const i = fromDrift ? after++ : before++;
    if (i >= source.X.length)
      throw new StewardInputError(
        `conceptDriftStream: the ${fromDrift ? 'drift stream' : 'stream'} has ${source.X.length} rows, row ${t} needs more`,
        fromDrift ? 'driftStream' : 'stream',
      );
    out.X.push(source.X[i] as number[]);
    out.y.push(source.y[i] as L);
  }
  return out;
}
