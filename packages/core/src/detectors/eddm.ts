import { StewardInputError } from '../errors.js';
import {
  checkBinary,
  checkKind,
  checkNumbers,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  result,
  StateDetector,
  throwFirstBadValue,
} from './detector.js';

export interface EDDMOptions {
  /** Observations and errors seen before a change can be signalled (default 30). */
  warmStart?: number;
  /** Warning when (p' + 2s') / max(p' + 2s') falls below this (default 0.95). */
  alpha?: number;
  /** Drift when it falls below this (default 0.9); must not exceed alpha. */
  beta?: number;
}

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
 */
export class EDDM extends StateDetector<EDDMState> implements DriftDetector {
  readonly options: Required<EDDMOptions>;

  constructor(options: EDDMOptions = {}) {
    super();
    this.options = { warmStart: 30, alpha: 0.95, beta: 0.9, ...options };
    if (this.options.alpha < this.options.beta) {
      throw new StewardInputError('EDDM option alpha must be greater than or equal to beta', 'alpha');
    }
    this.reset();
  }

  reset(): void {
    this.s = {
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
    checkNumbers('EDDM', values, true);
    const { warmStart, alpha, beta } = this.options;
    const s = this.s;
    const state = Float64Array.of(
      s.n,
      s.lastError,
      s.errors,
      s.distanceCount,
      s.distanceMean,
      s.distanceM2,
      s.p2sMax,
      s.drift ? 1 : 0,
      s.warning ? 1 : 0,
    );
    const drifts: number[] = [];
    const warnings: number[] = [];
    const invalid = runEDDM(values, state, warmStart, alpha, beta, drifts, warnings);
    // The state is written only now, so a bad value leaves the detector untouched.
    if (invalid !== 0) throwFirstBadValue('EDDM', values, true);
    this.s = {
      n: state[0] as number,
      lastError: state[1] as number,
      errors: state[2] as number,
      distanceCount: state[3] as number,
      distanceMean: state[4] as number,
      distanceM2: state[5] as number,
      p2sMax: state[6] as number,
      drift: state[7] === 1,
      warning: state[8] === 1,
    };
    return { drifts, warnings };
  }

  toJSON(): DetectorJSON<'EDDM', Required<EDDMOptions>, EDDMState> {
    return this.save('EDDM', this.options);
  }

  static fromJSON(json: DetectorJSON): EDDM {
    checkKind('EDDM', json);
    return new EDDM(json.options as EDDMOptions).restoreState(json.state as EDDMState);
  }
}

/**
 * updateMany's loop, on plain numbers and the state in a Float64Array (V8 keeps such a function optimised).
 * Returns Σ |x(1 − x)|: 0 unless a value is not 0 or 1.
 */
function runEDDM(
  values: ArrayLike<number>,
  state: Float64Array,
  warmStart: number,
  alpha: number,
  beta: number,
  drifts: number[],
  warnings: number[],
): number {
  let n = state[0] as number;
  let lastError = state[1] as number;
  let errors = state[2] as number;
  let distanceCount = state[3] as number;
  let distanceMean = state[4] as number;
  let distanceM2 = state[5] as number;
  let p2sMax = state[6] as number;
  let drift = state[7] === 1;
  let warning = state[8] === 1;
  let invalid = 0;
  const length = values.length;
  for (let i = 0; i < length; i++) {
    const x = values[i] as number;
    invalid += Math.abs(x * (1 - x));
    if (drift) {
      n = lastError = errors = distanceCount = distanceMean = distanceM2 = 0;
      p2sMax = -1;
      drift = warning = false;
    }
    n += 1;
    if (x !== 1) continue;
    errors += 1;
    const distance = n - lastError;
    const oldMean = distanceMean;
    distanceCount += 1;
    distanceMean += (1 / distanceCount) * (distance - oldMean);
    distanceM2 += (distance - oldMean) * (distance - distanceMean);
    lastError = n;
    if (n <= warmStart) continue;
    const variance = distanceCount > 1 ? distanceM2 / (distanceCount - 1) : 0;
    const p2s = distanceMean + 2 * Math.sqrt(variance);
    if (p2s > p2sMax) p2sMax = p2s;
    else if (errors > warmStart) {
      const level = p2s / p2sMax;
      if (level < beta) {
        drift = true;
        drifts.push(i);
      } else {
        const w = level < alpha;
        if (w && !warning) warnings.push(i);
        warning = w;
      }
    }
  }
  state.set([
    n,
    lastError,
    errors,
    distanceCount,
    distanceMean,
    distanceM2,
    p2sMax,
    drift ? 1 : 0,
    warning ? 1 : 0,
  ]);
  return invalid;
}
