import {
  checkBinaryFast,
  checkKind,
  checkNumbers,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  decodeState,
  encodeState,
  result,
  throwFirstBadValue,
} from './detector.js';

/** Margins of updateMany's fast test, relative to squared quantities. */
const ABOVE = 1 + 1e-9;
const BELOW = 1 - 1e-9;

export interface DDMOptions {
  /** Values seen before a change can be signalled (default 30). */
  warmStart?: number;
  /** Warning when p + s exceeds p_min + this · s_min (default 2, about 95% confidence). */
  warningThreshold?: number;
  /** Drift when p + s exceeds p_min + this · s_min (default 3, about 99% confidence). */
  driftThreshold?: number;
}

interface DDMState {
  n: number;
  errors: number;
  pMin: number;
  sMin: number;
  psMin: number;
  drift: boolean;
  warning: boolean;
}

/**
 * Drift Detection Method (Gama et al. 2004) on a binary error stream (1 = error), as River's `drift.binary.DDM`:
 * it tracks the error rate p and its deviation s = √(p(1 − p)/n) and signals when p + s climbs above the lowest
 * p_min + s_min seen by 2 (warning) or 3 (drift) s_min. Best for abrupt changes in a classifier's error rate.
 *
 * p is kept as errors · (1/n), where River updates a running mean: the two agree to rounding (River's docstring
 * example fires at the same indices), and one division per value that does not chain one value's update to the
 * last makes it faster.
 */
export class DDM implements DriftDetector {
  readonly options: Required<DDMOptions>;
  private n = 0;
  private errors = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;
  private drift = false;
  private warning = false;

  constructor(options: DDMOptions = {}) {
    this.options = { warmStart: 30, warningThreshold: 2, driftThreshold: 3, ...options };
  }

  reset(): void {
    this.n = 0;
    this.errors = 0;
    this.pMin = Infinity;
    this.sMin = Infinity;
    this.psMin = Infinity;
    this.drift = false;
    this.warning = false;
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  get warningDetected(): boolean {
    return this.warning;
  }

  update(x: number): DetectorResult {
    checkBinaryFast('DDM', x);
    if (this.drift) this.reset();
    const n = ++this.n;
    this.errors += x;
    if (n > this.options.warmStart) {
      const inverse = 1 / n;
      const p = this.errors * inverse;
      const s = Math.sqrt(p * (1 - p) * inverse);
      const ps = p + s;
      if (ps <= this.psMin) {
        this.pMin = p;
        this.sMin = s;
        this.psMin = ps;
      }
      if (ps > this.pMin + this.options.driftThreshold * this.sMin) {
        this.drift = true;
        this.warning = false;
      } else this.warning = ps > this.pMin + this.options.warningThreshold * this.sMin;
    }
    return result(this.drift, this.warning);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    checkNumbers('DDM', values, true);
    const { warmStart, warningThreshold, driftThreshold } = this.options;
    const { n, errors, pMin, sMin, psMin, drift, warning } = this;
    const state = Float64Array.of(n, errors, pMin, sMin, psMin, drift ? 1 : 0, warning ? 1 : 0);
    const drifts: number[] = [];
    const warnings: number[] = [];
    const invalid = runDDM(values, state, warmStart, warningThreshold, driftThreshold, drifts, warnings);
    // The state is written only now, so a bad value leaves the detector untouched.
    if (invalid !== 0) throwFirstBadValue('DDM', values, true);
    this.n = state[0] as number;
    this.errors = state[1] as number;
    this.pMin = state[2] as number;
    this.sMin = state[3] as number;
    this.psMin = state[4] as number;
    this.drift = state[5] === 1;
    this.warning = state[6] === 1;
    return { drifts, warnings };
  }

  toJSON(): DetectorJSON<'DDM', Required<DDMOptions>, DDMState> {
    const { n, errors, pMin, sMin, psMin, drift, warning } = this;
    return {
      kind: 'DDM',
      options: { ...this.options },
      state: encodeState({ n, errors, pMin, sMin, psMin, drift, warning }),
    };
  }

  static fromJSON(json: DetectorJSON): DDM {
    checkKind('DDM', json);
    const detector = new DDM(json.options as DDMOptions);
    Object.assign(detector, decodeState(json.state as DDMState));
    return detector;
  }
}

/**
 * updateMany's loop, on plain numbers and the state in a Float64Array (V8 keeps such a function optimised; the
 * same loop in the method ran slower). Warm-up values and the rest run in separate loops and a drift ends the
 * inner loop, so no value pays for a test of the phase or of a pending reset. Returns Σ |x(1 − x)|: 0 unless a
 * value is not 0 or 1.
 */
function runDDM(
  values: ArrayLike<number>,
  state: Float64Array,
  warmStart: number,
  warningThreshold: number,
  driftThreshold: number,
  drifts: number[],
  warnings: number[],
): number {
  let n = state[0] as number;
  let errors = state[1] as number;
  let pMin = state[2] as number;
  let sMin = state[3] as number;
  let psMin = state[4] as number;
  let drift = state[5] === 1;
  let warning = state[6] === 1;
  // The two levels change only with the minimum: kept, instead of two multiply-adds per value.
  let driftLevel = pMin + driftThreshold * sMin;
  let warningLevel = pMin + warningThreshold * sMin;
  let alarmLevel = Math.min(driftLevel, warningLevel);
  let invalid = 0;
  const length = values.length;
  let i = 0;
  while (i < length) {
    if (drift) {
      n = errors = 0;
      pMin = sMin = psMin = driftLevel = warningLevel = alarmLevel = Number.POSITIVE_INFINITY;
      drift = warning = false;
    }
    for (; i < length && n < warmStart; i++) {
      const x = values[i] as number;
      invalid += Math.abs(x * (1 - x));
      n++;
      errors += x;
    }
    for (; i < length; i++) {
      const x = values[i] as number;
      invalid += Math.abs(x * (1 - x));
      n++;
      errors += x;
      // Most values need neither a division nor a square root: when p + s is clearly not a new minimum, it is
      // either clearly below the warning level (nothing happens) or clearly between the warning and drift levels
      // (a warning). Both are decided on the squares scaled by n² (s² = e(n − e)/n³), with a margin of 1e-9 far
      // above rounding; the rest take update()'s exact path. t·|t| keeps the sign of t, so a level already below
      // p passes without a branch on that sign, which would be a coin toss.
      const v = errors * (n - errors);
      const toMin = n * psMin - errors;
      if (v > toMin * Math.abs(toMin) * n * ABOVE) {
        const toAlarm = n * alarmLevel - errors;
        if (toAlarm > 0 && v < toAlarm * toAlarm * n * BELOW) {
          warning = false;
          continue;
        }
        const toWarning = n * warningLevel - errors;
        const toDrift = n * driftLevel - errors;
        if (
          v > toWarning * Math.abs(toWarning) * n * ABOVE &&
          toDrift > 0 &&
          v < toDrift * toDrift * n * BELOW
        ) {
          if (!warning) warnings.push(i);
          warning = true;
          continue;
        }
      }
      const inverse = 1 / n;
      const p = errors * inverse;
      const s = Math.sqrt(p * (1 - p) * inverse);
      const ps = p + s;
      if (ps <= psMin) {
        pMin = p;
        sMin = s;
        psMin = ps;
        driftLevel = pMin + driftThreshold * sMin;
        warningLevel = pMin + warningThreshold * sMin;
        alarmLevel = Math.min(driftLevel, warningLevel);
      }
      if (ps > driftLevel) {
        drift = true;
        warning = false;
        drifts.push(i);
        i++;
        break;
      }
      if (ps > warningLevel) {
        if (!warning) warnings.push(i);
        warning = true;
      } else warning = false;
    }
  }
  state.set([n, errors, pMin, sMin, psMin, drift ? 1 : 0, warning ? 1 : 0]);
  return invalid;
}
