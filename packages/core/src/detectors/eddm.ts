import { StewardInputError } from '../errors.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineDetector } from './definition.js';
import {
  checkBinary,
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

export interface EDDMOptions {
  /** Observations and errors seen before a change can be signalled (default 30). */
  warmStart?: number;
  /** Warning when (p' + 2s') / max(p' + 2s') falls below this (default 0.95). */
  alpha?: number;
  /** Drift when it falls below this (default 0.9); must not exceed alpha. */
  beta?: number;
}

export const EDDM_DEFAULTS = { warmStart: 30, alpha: 0.95, beta: 0.9 } satisfies Required<EDDMOptions>;

export const EDDM_OPTIONS: OptionsSpec<EDDMOptions> = {
  warmStart: {
    type: 'number',
    integer: true,
    min: 0,
    doc: 'observations and errors before a change can be signalled (30)',
  },
  alpha: {
    type: 'number',
    min: 0,
    max: 1,
    doc: 'warning below this share of the best distance between errors (0.95)',
  },
  beta: { type: 'number', min: 0, max: 1, doc: 'drift below this share, at most alpha (0.9)' },
};

interface EDDMState {
  n: number;
  lastError: number;
  errors: number;
  distanceCount: number;
  distanceMean: number;
  distanceM2: number;
  p2sMax: number;
  drift: boolean;
  warning: boolean;
}

/**
 * Early Drift Detection Method (Baena-García et al. 2006) on a binary error stream, as River's
 * `drift.binary.EDDM`: it watches the distance between consecutive errors, whose mean p' and deviation s' shrink
 * when errors come closer together. Better than DDM on slow, gradual changes.
 *
 * @example
 * ```ts
 * // about 23% errors, then 50%
 * const errors = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? Number(i % 10 === 0 || i % 7 === 0) : i % 2));
 * new EDDM().updateMany(errors); // {"drifts":[1143],"warnings":[1035]}
 * ```
 */
export class EDDM extends StateDetector<EDDMState> implements DriftDetector {
  readonly options: Required<EDDMOptions>;

  constructor(options: EDDMOptions = {}) {
    super();
    this.options = resolveOptions('EDDM', EDDM_OPTIONS, EDDM_DEFAULTS, options);
    if (this.options.alpha < this.options.beta) {
      throw new StewardInputError('EDDM option alpha must be greater than or equal to beta', 'alpha');
    }
    this.reset();
  }

  reset(): void {
    this.s = freshState();
  }

  update(x: number): DetectorResult {
    checkBinary('EDDM', x);
    let s = this.s;
    if (s.drift) {
      this.reset();
      s = this.s;
    }
    s.n += 1;
    if (x === 1) {
      s.errors += 1;
      // Welford update of the distance between errors (River's stats.Var, ddof = 1).
      const distance = s.n - s.lastError;
      const oldMean = s.distanceMean;
      s.distanceCount += 1;
      s.distanceMean += (1 / s.distanceCount) * (distance - oldMean);
      s.distanceM2 += (distance - oldMean) * (distance - s.distanceMean);
      if (s.n > this.options.warmStart) {
        const variance = s.distanceCount > 1 ? s.distanceM2 / (s.distanceCount - 1) : 0;
        const p2s = s.distanceMean + 2 * Math.sqrt(variance);
        if (p2s > s.p2sMax) s.p2sMax = p2s;
        else if (s.errors > this.options.warmStart) {
          const level = p2s / s.p2sMax;
          if (level < this.options.beta) s.drift = true;
          else s.warning = level < this.options.alpha;
        }
      }
      s.lastError = s.n;
    }
    return result(s.drift, s.warning);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    const answered = withoutKernel(this, 'EDDM', values, true);
    if (answered) return answered;
    const { warmStart, alpha, beta } = this.options;
    const run = runKernel(
      'eddm',
      values,
      stateSlots(this.s.drift ? freshState() : this.s),
      [warmStart, alpha, beta],
      stateSlots(freshState()),
    );
    // The state is written only now, so a bad value leaves the detector untouched.
    if (run.invalid !== 0) throwFirstBadValue('EDDM', values, true);
    const [n, lastError, errors, distanceCount, distanceMean, distanceM2, p2sMax, warning] = run.state;
    this.s = {
      n,
      lastError,
      errors,
      distanceCount,
      distanceMean,
      distanceM2,
      p2sMax,
      drift: run.driftAtEnd,
      warning: warning === 1,
    };
    return { drifts: run.drifts, warnings: run.warnings };
  }

  toJSON(): DetectorJSON<'EDDM', Required<EDDMOptions>, EDDMState> {
    return this.save('EDDM', this.options);
  }

  static fromJSON(json: DetectorJSON): EDDM {
    checkKind('EDDM', json);
    return new EDDM(json.options as EDDMOptions).restoreState(json.state as EDDMState);
  }
}

function freshState(): EDDMState {
  return {
    n: 0,
    lastError: 0,
    errors: 0,
    distanceCount: 0,
    distanceMean: 0,
    distanceM2: 0,
    p2sMax: -1,
    drift: false,
    warning: false,
  };
}

/** The state as the kernel's slots (kernels/detectors.wat, eddm). */
function stateSlots(s: EDDMState): number[] {
  return [
    s.n,
    s.lastError,
    s.errors,
    s.distanceCount,
    s.distanceMean,
    s.distanceM2,
    s.p2sMax,
    s.warning ? 1 : 0,
  ];
}

export const eddm = defineDetector({
  name: 'EDDM',
  input: 'binary',
  summary: 'Early Drift Detection Method: the distance between errors shrinks (Baena-García et al. 2006)',
  options: EDDM_OPTIONS,
  defaults: EDDM_DEFAULTS,
  create: (options) => new EDDM(options),
  restore: EDDM.fromJSON,
});
