import {
  badBatchValue,
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
    const drifts: number[] = [];
    const warnings: number[] = [];
    // Locals only: the detector's fields are written once at the end, so a bad value leaves them untouched.
    let { n, errors, pMin, sMin, psMin, drift, warning } = this;
    // The two levels change only with the minimum: kept, instead of two multiply-adds per value.
    let driftLevel = pMin + driftThreshold * sMin;
    let warningLevel = pMin + warningThreshold * sMin;
    let alarmLevel = Math.min(driftLevel, warningLevel);
    const above = ABOVE;
    const below = BELOW;
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      if (x * (1 - x) !== 0) throw badBatchValue('DDM', i, x, true);
      if (drift) {
        n = 0;
        errors = 0;
        pMin = sMin = psMin = driftLevel = warningLevel = alarmLevel = Infinity;
        drift = false;
        warning = false;
      }
      n++;
      errors += x;
      if (n > warmStart) {
        // Most values change nothing: p + s is neither a new minimum nor above the warning level. That is decided
        // without a division or square root, on the squares scaled by n² (s² = e(n − e)/n³), with a margin of 1e-9
        // far above rounding; only the rest (about 3% of a stationary stream) take update()'s exact path.
        const v = errors * (n - errors);
        const toMin = n * psMin - errors;
        const toWarning = n * alarmLevel - errors;
        // toMin · |toMin| keeps the sign: a negative toMin (no new minimum possible) passes without a branch on
        // its sign, which would be a coin toss.
        if (
          v > toMin * Math.abs(toMin) * n * above &&
          toWarning > 0 &&
          v < toWarning * toWarning * n * below
        ) {
          warning = false;
          continue;
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
        } else if (ps > warningLevel) {
          if (!warning) warnings.push(i);
          warning = true;
        } else warning = false;
      }
    }
    Object.assign(this, { n, errors, pMin, sMin, psMin, drift, warning });
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
