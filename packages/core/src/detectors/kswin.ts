import { StewardInputError } from '../errors.js';
import { checkOptions, type OptionsSpec } from '../options.js';
import { ksTestSorted } from '../stats/ks-test.js';
import { defineDetector } from './definition.js';
import {
  checkBatch,
  checkFinite,
  checkKind,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  result,
  StateDetector,
  updateEach,
} from './detector.js';
import { PythonRandom } from './python-random.js';

export interface KSWINOptions {
  /** Significance of the KS test; keep it small, the test runs on every value (default 0.005). */
  alpha?: number;
  /** Sliding window length (default 100). */
  windowSize?: number;
  /** Most recent values compared with a random sample of the older ones (default 30). */
  statSize?: number;
  /** Seed of Python's Mersenne Twister, as River's `seed` (default: a random seed). */
  seed?: number;
}

/** River's defaults; the seed, when not given, is drawn at random (River's `seed=None`). */
export const KSWIN_DEFAULTS = {
  alpha: 0.005,
  windowSize: 100,
  statSize: 30,
} satisfies Required<Omit<KSWINOptions, 'seed'>>;

export const KSWIN_OPTIONS: OptionsSpec<KSWINOptions> = {
  alpha: { type: 'number', min: 0, max: 1, doc: 'significance of the KS test, run on every value (0.005)' },
  windowSize: { type: 'number', integer: true, min: 1, doc: 'sliding window length (100)' },
  statSize: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'newest values compared with a sample of the older ones (30)',
  },
  seed: { type: 'number', integer: true, min: 0, doc: "seed of Python's Mersenne Twister (random)" },
};

interface KSWINState {
  n: number;
  window: number[];
  random: { mt: number[]; index: number };
  pValue: number;
  drift: boolean;
}

/**
 * Kolmogorov–Smirnov windowing (Raab et al. 2020), as River's `drift.KSWIN`: on every value, the last `statSize`
 * values are tested against `statSize` values drawn from the rest of a `windowSize` window; drift when the KS
 * p-value is at most alpha and the statistic exceeds 0.1. For real-valued streams of any distribution, not only
 * mean shifts. Draws with Python's generator, so with the same seed it fires where River does.
 *
 * @example
 * ```ts
 * // the mean steps from 1.5 to 5.5
 * const stream = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? i % 4 : 4 + (i % 4)));
 * new KSWIN({ seed: 42 }).updateMany(stream); // {"drifts":[1013],"warnings":[]}
 * ```
 */
export class KSWIN extends StateDetector<KSWINState> implements DriftDetector {
  readonly options: Required<KSWINOptions>;
  private random!: PythonRandom;
  private window!: Float64Array;
  private start = 0;
  private length = 0;

  constructor(options: KSWINOptions = {}) {
    super();
    this.options = {
      seed: Math.floor(Math.random() * 2 ** 32),
      ...KSWIN_DEFAULTS,
      ...checkOptions('KSWIN', KSWIN_OPTIONS, options),
    };
    const { windowSize, statSize } = this.options;
    if (!Number.isInteger(statSize) || statSize <= 0 || statSize >= windowSize) {
      throw new StewardInputError(
        'KSWIN statSize must be a positive integer smaller than windowSize',
        'statSize',
      );
    }
    this.reset();
  }

  reset(): void {
    this.random = new PythonRandom(this.options.seed);
    this.window = new Float64Array(this.options.windowSize);
    this.start = 0;
    this.length = 0;
    this.s = { n: 0, window: [], random: { mt: [], index: 0 }, pValue: 0, drift: false };
  }

  /** The p-value of the last test (0 before the window is full), as River's `p_value`. */
  get pValue(): number {
    return this.s.pValue;
  }

  private at(i: number): number {
    return this.window[(this.start + i) % this.options.windowSize];
  }

  private push(x: number): void {
    const size = this.options.windowSize;
    if (this.length < size) {
      this.window[(this.start + this.length) % size] = x;
      this.length++;
    } else {
      this.window[this.start] = x;
      this.start = (this.start + 1) % size;
    }
  }

  update(x: number): DetectorResult {
    checkFinite('KSWIN', x);
    if (this.s.drift) this.reset();
    const { windowSize, statSize, alpha } = this.options;
    this.s.n += 1;
    this.push(x);
    if (this.length >= windowSize) {
      const picks = this.random.sampleRange(windowSize - statSize, statSize);
      const older = Float64Array.from(picks, (r) => this.at(r)).sort();
      const recent = new Float64Array(statSize);
      for (let i = 0; i < statSize; i++) recent[i] = this.at(windowSize - statSize + i);
      const { statistic, pValue } = ksTestSorted(older, recent.slice().sort());
      this.s.pValue = pValue;
      if (pValue <= alpha && statistic > 0.1) {
        this.s.drift = true;
        this.window.set(recent);
        this.start = 0;
        this.length = statSize;
      } else this.s.drift = false;
    } else this.s.drift = false;
    return result(this.s.drift, false);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    checkBatch('KSWIN', values, false);
    return updateEach(this, values);
  }

  toJSON(): DetectorJSON<'KSWIN', Required<KSWINOptions>, KSWINState> {
    const window = Array.from({ length: this.length }, (_, i) => this.at(i));
    return {
      kind: 'KSWIN',
      options: { ...this.options },
      state: { ...this.s, window, random: this.random.getState() },
    };
  }

  static fromJSON(json: DetectorJSON): KSWIN {
    checkKind('KSWIN', json);
    const detector = new KSWIN(json.options as KSWINOptions);
    const state = json.state as KSWINState;
    for (const v of state.window) detector.push(v);
    detector.random.setState(state.random);
    detector.s = {
      n: state.n,
      window: [],
      random: { mt: [], index: 0 },
      pValue: state.pValue,
      drift: state.drift,
    };
    return detector;
  }
}

export const kswin = defineDetector({
  name: 'KSWIN',
  input: 'numeric',
  summary: 'Kolmogorov–Smirnov windowing: newest values against a sample of older ones (Raab et al. 2020)',
  options: KSWIN_OPTIONS,
  defaults: KSWIN_DEFAULTS,
  create: (options) => new KSWIN(options),
  restore: KSWIN.fromJSON,
});
