import {
  checkBinary,
  checkKind,
  checkNumbers,
  checkRange,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  result,
  StateDetector,
  throwFirstBadValue,
} from './detector.js';

export interface HDDMAOptions {
  /** Confidence of the drift test (default 0.001). */
  driftConfidence?: number;
  /** Confidence of the warning test (default 0.005). */
  warningConfidence?: number;
  /** Also signal decreases of the error rate (default false: increases only). */
  twoSidedTest?: boolean;
}

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
 */
export class HDDM_A extends StateDetector<HDDMAState> implements DriftDetector {
  readonly options: Required<HDDMAOptions>;
  private readonly logInvDrift: number;
  private readonly logTwoOverDrift: number;
  private readonly logTwoOverWarning: number;

  constructor(options: HDDMAOptions = {}) {
    super();
    this.options = { driftConfidence: 0.001, warningConfidence: 0.005, twoSidedTest: false, ...options };
    checkRange('HDDM_A', 'driftConfidence', this.options.driftConfidence, Number.MIN_VALUE, 1);
    checkRange('HDDM_A', 'warningConfidence', this.options.warningConfidence, Number.MIN_VALUE, 1);
    this.logInvDrift = Math.log(1 / this.options.driftConfidence);
    this.logTwoOverDrift = Math.log(2 / this.options.driftConfidence);
    this.logTwoOverWarning = Math.log(2 / this.options.warningConfidence);
    this.reset();
  }

  reset(): void {
    this.s = { n: 0, mean: 0, minN: 0, minMean: 0, maxN: 0, maxMean: 0, drift: false, warning: false };
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
    checkNumbers('HDDM_A', values, true);
    const { twoSidedTest } = this.options;
    const { logInvDrift, logTwoOverDrift, logTwoOverWarning } = this;
    const drifts: number[] = [];
    const warnings: number[] = [];
    // Locals only: the state is written once at the end, so a bad value leaves the detector untouched.
    let { n, mean, minN, minMean, maxN, maxMean, drift, warning } = this.s;
    // The cut points' bounds change only when a cut point moves: keep them instead of two square roots per value.
    const boundOf = (count: number) => Math.sqrt((1 / (2 * count)) * logInvDrift);
    let minEps = boundOf(minN);
    let maxEps = boundOf(maxN);
    // x(1 − x) is 0 for 0 and 1 only: summed, and checked once after the loop, which is cheaper than a test per
    // value; the state is written only after that check.
    let invalid = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      invalid += Math.abs(x * (1 - x));
      if (drift) {
        n = mean = minN = minMean = maxN = maxMean = 0;
        drift = warning = false;
      }
      n += 1;
      mean += (1 / n) * (x - mean);
      const epsZ = Math.sqrt((1 / (2 * n)) * logInvDrift);
      if (minN === 0) {
        minN = n;
        minMean = mean;
        minEps = epsZ;
      }
      if (maxN === 0) {
        maxN = n;
        maxMean = mean;
        maxEps = epsZ;
      }
      if (minMean + minEps >= mean + epsZ) {
        minN = n;
        minMean = mean;
        minEps = epsZ;
      }
      if (maxMean - maxEps <= mean - epsZ) {
        maxN = n;
        maxMean = mean;
        maxEps = epsZ;
      }
      // River: a rise decides drift and warning; a two-sided fall can add either, never clear them.
      let w = false;
      drift = false;
      if (minN !== n) {
        const m = ((n - minN) / minN) * (1 / n);
        const gap = mean - minMean;
        drift = gap >= Math.sqrt((m / 2) * logTwoOverDrift);
        if (!drift) w = gap >= Math.sqrt((m / 2) * logTwoOverWarning);
      }
      if (twoSidedTest && maxN !== n) {
        const m = ((n - maxN) / maxN) * (1 / n);
        const gap = maxMean - mean;
        if (gap >= Math.sqrt((m / 2) * logTwoOverDrift)) drift = true;
        else if (gap >= Math.sqrt((m / 2) * logTwoOverWarning)) w = true;
      }
      if (drift) drifts.push(i);
      if (w && !warning) warnings.push(i);
      warning = w;
    }
    if (invalid !== 0) throwFirstBadValue('HDDM_A', values, true);
    this.s = { n, mean, minN, minMean, maxN, maxMean, drift, warning };
    return { drifts, warnings };
  }

  toJSON(): DetectorJSON<'HDDM_A', Required<HDDMAOptions>, HDDMAState> {
    return this.save('HDDM_A', this.options);
  }

  static fromJSON(json: DetectorJSON): HDDM_A {
    checkKind('HDDM_A', json);
    return new HDDM_A(json.options as HDDMAOptions).restoreState(json.state as HDDMAState);
  }
}
