import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineDetector } from './definition.js';
import {
  checkFinite,
  checkKind,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  result,
  StateDetector,
  throwFirstBadValue,
} from './detector.js';
import { runKernel, withoutKernel } from './kernel.js';

export interface PageHinkleyOptions {
  /** Values seen before a change can be signalled (default 30). */
  minInstances?: number;
  /** Magnitude of change tolerated (default 0.005). */
  delta?: number;
  /** λ: the cumulative deviation that signals drift (default 50). */
  threshold?: number;
  /** Forgetting factor of the cumulative sums (default 1 − 0.0001). */
  alpha?: number;
  /** Watch increases ('up'), decreases ('down') or both (default 'both'). */
  mode?: 'up' | 'down' | 'both';
}

export const PAGE_HINKLEY_DEFAULTS = {
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
} satisfies Required<PageHinkleyOptions>;

export const PAGE_HINKLEY_OPTIONS: OptionsSpec<PageHinkleyOptions> = {
  minInstances: {
    type: 'number',
    integer: true,
    min: 0,
    doc: 'values seen before a change can be signalled (30)',
  },
  delta: { type: 'number', min: 0, doc: 'magnitude of change tolerated (0.005)' },
  threshold: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'λ, the cumulative deviation that signals drift (50)',
  },
  alpha: { type: 'number', min: 0, max: 1, doc: 'forgetting factor of the cumulative sums (0.9999)' },
  mode: {
    type: 'choice',
    values: ['up', 'down', 'both'],
    doc: "watch increases, decreases or both ('both')",
  },
};

interface PageHinkleyState {
  n: number;
  /** Sum of the values since the last reset; the running mean is sum / n. */
  sum: number;
  sumIncrease: number;
  sumDecrease: number;
  minIncrease: number;
  maxDecrease: number;
  drift: boolean;
}

/**
 * Page–Hinkley test (Page 1954), as River's `drift.PageHinkley`: cumulative deviations from the running mean, with
 * forgetting, against a threshold λ. For real-valued streams (a loss, a latency, a feature); abrupt mean shifts.
 *
 * The running mean is kept as sum / n where River updates it incrementally: equal to rounding (River's docstring
 * example fires at the same index), and it takes the mean off the chain of dependent operations from one value to
 * the next.
 *
 * @example
 * ```ts
 * // the mean steps from 1.5 to 5.5
 * const stream = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? i % 4 : 4 + (i % 4)));
 * new PageHinkley().updateMany(stream); // {"drifts":[1011],"warnings":[]}
 * ```
 */
export class PageHinkley extends StateDetector<PageHinkleyState> implements DriftDetector {
  readonly options: Required<PageHinkleyOptions>;

  constructor(options: PageHinkleyOptions = {}) {
    super();
    this.options = resolveOptions('PageHinkley', PAGE_HINKLEY_OPTIONS, PAGE_HINKLEY_DEFAULTS, options);
    this.reset();
  }

  reset(): void {
    this.s = freshState();
  }

  update(x: number): DetectorResult {
    checkFinite('PageHinkley', x);
    if (this.s.drift) this.reset();
    const s = this.s;
    const { alpha, delta, threshold, mode } = this.options;
    s.n += 1;
    s.sum += x;
    const dev = x - s.sum / s.n;
    s.sumIncrease = alpha * s.sumIncrease + dev - delta;
    s.sumDecrease = alpha * s.sumDecrease + dev + delta;
    if (s.sumIncrease < s.minIncrease) s.minIncrease = s.sumIncrease;
    if (s.sumDecrease > s.maxDecrease) s.maxDecrease = s.sumDecrease;
    if (s.n >= this.options.minInstances) {
      const up = s.sumIncrease - s.minIncrease > threshold;
      const down = s.maxDecrease - s.sumDecrease > threshold;
      s.drift = mode === 'up' ? up : mode === 'down' ? down : up || down;
    }
    return result(s.drift, false);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    const answered = withoutKernel(this, 'PageHinkley', values, false);
    if (answered) return answered;
    const { alpha, delta, threshold, minInstances, mode } = this.options;
    const s = this.s.drift ? freshState() : this.s;
    // A side that is not watched gets an infinite threshold: one comparison per side, no test of the mode.
    const upLimit = mode !== 'down' ? threshold : Number.POSITIVE_INFINITY;
    const downLimit = mode !== 'up' ? threshold : Number.POSITIVE_INFINITY;
    const run = runKernel(
      'pageHinkley',
      values,
      stateSlots(s),
      [alpha, delta, upLimit, downLimit, minInstances],
      stateSlots(freshState()),
    );
    const [n, sum, sumIncrease, sumDecrease, minIncrease, maxDecrease] = run.state;
    // A value that is not finite turns the sums into NaN for good (NaN never compares as a drift, so nothing
    // resets them): one test after the loop instead of one per value. The state is written only after it.
    if (!Number.isFinite(sumIncrease + sumDecrease)) {
      // Sums overflowing from finite values also end as NaN; update() takes those, and so does this.
      throwFirstBadValue('PageHinkley', values, false);
    }
    this.s = { n, sum, sumIncrease, sumDecrease, minIncrease, maxDecrease, drift: run.driftAtEnd };
    return { drifts: run.drifts, warnings: [] };
  }

  toJSON(): DetectorJSON<'PageHinkley', Required<PageHinkleyOptions>, PageHinkleyState> {
    return this.save('PageHinkley', this.options);
  }

  static fromJSON(json: DetectorJSON): PageHinkley {
    checkKind('PageHinkley', json);
    return new PageHinkley(json.options as PageHinkleyOptions).restoreState(json.state as PageHinkleyState);
  }
}

function freshState(): PageHinkleyState {
  return {
    n: 0,
    sum: 0,
    sumIncrease: 0,
    sumDecrease: 0,
    minIncrease: Number.POSITIVE_INFINITY,
    maxDecrease: -1,
    drift: false,
  };
}

/** The state as the kernel's slots (kernels/detectors.wat, pageHinkley). */
function stateSlots(s: PageHinkleyState): number[] {
  return [s.n, s.sum, s.sumIncrease, s.sumDecrease, s.minIncrease, s.maxDecrease];
}

export const pageHinkley = defineDetector({
  name: 'PageHinkley',
  input: 'numeric',
  summary: 'Page-Hinkley test: the cumulative deviation from the mean passes a threshold (Page 1954)',
  options: PAGE_HINKLEY_OPTIONS,
  defaults: PAGE_HINKLEY_DEFAULTS,
  create: (options) => new PageHinkley(options),
  restore: PageHinkley.fromJSON,
});
