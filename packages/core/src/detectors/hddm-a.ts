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

export interface HDDMAOptions {
  /** Confidence of the drift test (default 0.001). */
  driftConfidence?: number;
  /** Confidence of the warning test (default 0.005). */
  warningConfidence?: number;
  /** Also signal decreases of the error rate (default false: increases only). */
  twoSidedTest?: boolean;
}

export const HDDM_A_DEFAULTS = {
  driftConfidence: 0.001,
  warningConfidence: 0.005,
  twoSidedTest: false,
} satisfies Required<HDDMAOptions>;

export const HDDM_A_OPTIONS: OptionsSpec<HDDMAOptions> = {
  driftConfidence: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    doc: 'confidence of the drift test (0.001)',
  },
  warningConfidence: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    doc: 'confidence of the warning test (0.005)',
  },
  twoSidedTest: { type: 'boolean', doc: 'also signal decreases of the error rate (false)' },
};

interface HDDMAState {
  /** Global count and mean. */
  n: number;
  mean: number;
  /** Count and mean at the cut point for increases (River's x_min) and for decreases (x_max). */
  minN: number;
  minMean: number;
  maxN: number;
  maxMean: number;
  drift: boolean;
  warning: boolean;
}

/**
 * Drift detection with Hoeffding's bound on moving averages (Frías-Blanco et al. 2014), as River's
 * `drift.binary.HDDMA`: compares the mean since the best cut point with the global mean. Binary error stream;
 * strong on abrupt changes, with guarantees on false alarms.
 *
 * @example
 * ```ts
 * // 10% errors, then 50%
 * const errors = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? Number(i % 10 === 0) : i % 2));
 * new HDDM_A().updateMany(errors); // {"drifts":[1023],"warnings":[1017,1019]}
 * ```
 */
export class HDDM_A extends StateDetector<HDDMAState> implements DriftDetector {
  readonly options: Required<HDDMAOptions>;
  private readonly logInvDrift: number;
  private readonly logTwoOverDrift: number;
  private readonly logTwoOverWarning: number;

  constructor(options: HDDMAOptions = {}) {
    super();
    this.options = resolveOptions('HDDM_A', HDDM_A_OPTIONS, HDDM_A_DEFAULTS, options);
    this.logInvDrift = Math.log(1 / this.options.driftConfidence);
    this.logTwoOverDrift = Math.log(2 / this.options.driftConfidence);
    this.logTwoOverWarning = Math.log(2 / this.options.warningConfidence);
    this.reset();
  }

  reset(): void {
    this.s = freshState();
  }

  private bound(n: number): number {
    return Math.sqrt((1 / (2 * n)) * this.logInvDrift);
  }

  update(x: number): DetectorResult {
    checkBinary('HDDM_A', x);
    if (this.s.drift) this.reset();
    const s = this.s;
    s.n += 1;
    s.mean += (1 / s.n) * (x - s.mean);
    if (s.minN === 0) {
      s.minN = s.n;
      s.minMean = s.mean;
    }
    if (s.maxN === 0) {
      s.maxN = s.n;
      s.maxMean = s.mean;
    }
    const epsZ = this.bound(s.n);
    if (s.minMean + this.bound(s.minN) >= s.mean + epsZ) {
      s.minN = s.n;
      s.minMean = s.mean;
    }
    if (s.maxMean - this.bound(s.maxN) <= s.mean - epsZ) {
      s.maxN = s.n;
      s.maxMean = s.mean;
    }
    if (this.increase(this.logTwoOverDrift)) {
      s.warning = false;
      s.drift = true;
    } else if (this.increase(this.logTwoOverWarning)) {
      s.warning = true;
      s.drift = false;
    } else {
      s.warning = false;
      s.drift = false;
    }
    if (this.options.twoSidedTest) {
      if (this.decrease(this.logTwoOverDrift)) s.drift = true;
      else if (this.decrease(this.logTwoOverWarning)) s.warning = true;
    }
    return result(s.drift, s.warning);
  }

  /** Whether the mean since the cut point rose by more than the bound at confidence c (given log(2/c)). */
  private increase(logTwoOverConfidence: number): boolean {
    const s = this.s;
    if (s.minN === s.n) return false;
    const m = ((s.n - s.minN) / s.minN) * (1 / s.n);
    return s.mean - s.minMean >= Math.sqrt((m / 2) * logTwoOverConfidence);
  }

  private decrease(logTwoOverConfidence: number): boolean {
    const s = this.s;
    if (s.maxN === s.n) return false;
    const m = ((s.n - s.maxN) / s.maxN) * (1 / s.n);
    return s.maxMean - s.mean >= Math.sqrt((m / 2) * logTwoOverConfidence);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    const answered = withoutKernel(this, 'HDDM_A', values, true);
    if (answered) return answered;
    const run = runKernel(
      'hddmA',
      values,
      this.stateSlots(this.s.drift ? freshState() : this.s),
      [
        this.logInvDrift,
        this.logTwoOverDrift,
        this.logTwoOverWarning,
        this.options.twoSidedTest ? 1 : 0,
        // The kernel's margin for deciding a cut point without a square root (see detectors.wat, hddmA).
        1e-13 * (1 + this.logInvDrift),
      ],
      this.stateSlots(freshState()),
    );
    // The state is written only now, so a bad value leaves the detector untouched.
    if (run.invalid !== 0) throwFirstBadValue('HDDM_A', values, true);
    const [n, mean, minN, minMean, maxN, maxMean, , , warning] = run.state;
    this.s = { n, mean, minN, minMean, maxN, maxMean, drift: run.driftAtEnd, warning: warning === 1 };
    return { drifts: run.drifts, warnings: run.warnings };
  }

  /**
   * The state as the kernel's slots (kernels/detectors.wat, hddmA), with the bound at each cut point, which the
   * kernel keeps instead of a square root per value and per cut point.
   */
  private stateSlots(s: HDDMAState): number[] {
    return [
      s.n,
      s.mean,
      s.minN,
      s.minMean,
      s.maxN,
      s.maxMean,
      s.minN === 0 ? 0 : this.bound(s.minN),
      s.maxN === 0 ? 0 : this.bound(s.maxN),
      s.warning ? 1 : 0,
    ];
  }

  toJSON(): DetectorJSON<'HDDM_A', Required<HDDMAOptions>, HDDMAState> {
    return this.save('HDDM_A', this.options);
  }

  static fromJSON(json: DetectorJSON): HDDM_A {
    checkKind('HDDM_A', json);
    return new HDDM_A(json.options as HDDMAOptions).restoreState(json.state as HDDMAState);
  }
}

function freshState(): HDDMAState {
  return { n: 0, mean: 0, minN: 0, minMean: 0, maxN: 0, maxMean: 0, drift: false, warning: false };
}

export const hddmA = defineDetector({
  name: 'HDDM_A',
  input: 'binary',
  summary: "Hoeffding's-bound drift detection on averages (Frías-Blanco et al. 2015)",
  options: HDDM_A_OPTIONS,
  defaults: HDDM_A_DEFAULTS,
  create: (options) => new HDDM_A(options),
  restore: HDDM_A.fromJSON,
});
