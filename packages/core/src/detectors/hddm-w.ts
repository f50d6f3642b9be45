import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineDetector } from './definition.js';
import {
  checkBatch,
  checkBinary,
  checkKind,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  result,
  StateDetector,
  updateEach,
} from './detector.js';
import { HDDM_A_DEFAULTS, HDDM_A_OPTIONS } from './hddm-a.js';

export interface HDDMWOptions {
  /** Confidence of the drift test (default 0.001). */
  driftConfidence?: number;
  /** Confidence of the warning test (default 0.005). */
  warningConfidence?: number;
  /** Weight of the newest value in the moving average (default 0.05). */
  lambda?: number;
  /** Also signal decreases of the error rate (default false). */
  twoSidedTest?: boolean;
}

export const HDDM_W_DEFAULTS = { ...HDDM_A_DEFAULTS, lambda: 0.05 } satisfies Required<HDDMWOptions>;

/** HDDM_A's confidences and sides, and the weight of its moving average. */
export const HDDM_W_OPTIONS: OptionsSpec<HDDMWOptions> = {
  ...HDDM_A_OPTIONS,
  lambda: { type: 'number', min: 0, max: 1, doc: 'weight of the newest value in the moving average (0.05)' },
};

/** River's SampleInfo: an exponentially weighted mean and its independent bound condition. */
interface Sample {
  ewma: number;
  init: boolean;
  ibc: number;
}

interface HDDMWState {
  total: Sample;
  s1Incr: Sample;
  s2Incr: Sample;
  s1Decr: Sample;
  s2Decr: Sample;
  incrCut: number;
  decrCut: number;
  drift: boolean;
  warning: boolean;
}

const fresh = (): Sample => ({ ewma: 0, init: false, ibc: 1 });
const copyInto = (to: Sample, from: Sample) => {
  to.ewma = from.ewma;
  to.init = from.init;
  to.ibc = from.ibc;
};
const clear = (s: Sample) => {
  s.ewma = 0;
  s.init = false;
  s.ibc = 1;
};

/**
 * Drift detection with McDiarmid's bound on exponentially weighted moving averages (Frías-Blanco et al. 2014),
 * as River's `drift.binary.HDDMW`. Recent errors weigh more, so it reacts faster than HDDM_A to gradual change.
 *
 * @example
 * ```ts
 * // 10% errors, then 50%
 * const errors = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? Number(i % 10 === 0) : i % 2));
 * new HDDM_W().updateMany(errors); // {"drifts":[1035],"warnings":[1025,1027]}
 * ```
 */
export class HDDM_W extends StateDetector<HDDMWState> implements DriftDetector {
  readonly options: Required<HDDMWOptions>;
  private readonly lambdaSq: number;
  private readonly oneMinusLambdaSq: number;

  constructor(options: HDDMWOptions = {}) {
    super();
    this.options = resolveOptions('HDDM_W', HDDM_W_OPTIONS, HDDM_W_DEFAULTS, options);
    this.lambdaSq = this.options.lambda * this.options.lambda;
    this.oneMinusLambdaSq = (1 - this.options.lambda) ** 2;
    this.reset();
  }

  reset(): void {
    this.s = {
      total: fresh(),
      s1Incr: fresh(),
      s2Incr: fresh(),
      s1Decr: fresh(),
      s2Decr: fresh(),
      incrCut: Infinity,
      decrCut: -Infinity,
      drift: false,
      warning: false,
    };
  }

  /** EWMA update with River's (and its Rust core's) convention: a mean of exactly 0 restarts at x. */
  private add(sample: Sample, x: number): void {
    const l = this.options.lambda;
    sample.ewma = sample.ewma === 0 ? x : l * x + (1 - l) * sample.ewma;
    sample.init = true;
    sample.ibc = this.lambdaSq + this.oneMinusLambdaSq * sample.ibc;
  }

  private static bound(ibc: number, confidence: number): number {
    return Math.sqrt((ibc * Math.log(1 / confidence)) / 2);
  }

  private static changed(first: Sample, second: Sample, confidence: number): boolean {
    if (!(first.init && second.init)) return false;
    return second.ewma - first.ewma > HDDM_W.bound(first.ibc + second.ibc, confidence);
  }

  update(x: number): DetectorResult {
    checkBinary('HDDM_W', x);
    if (this.s.drift) this.reset();
    const s = this.s;
    const { driftConfidence, warningConfidence } = this.options;
    this.add(s.total, x);

    const eps = HDDM_W.bound(s.total.ibc, driftConfidence);
    if (s.total.ewma + eps < s.incrCut) {
      s.incrCut = s.total.ewma + eps;
      copyInto(s.s1Incr, s.total);
      clear(s.s2Incr);
    } else this.add(s.s2Incr, x);
    if (HDDM_W.changed(s.s1Incr, s.s2Incr, driftConfidence)) {
      s.warning = false;
      s.drift = true;
    } else if (HDDM_W.changed(s.s1Incr, s.s2Incr, warningConfidence)) {
      s.warning = true;
      s.drift = false;
    } else {
      s.warning = false;
      s.drift = false;
    }

    const epsDecr = HDDM_W.bound(s.total.ibc, driftConfidence);
    if (s.total.ewma - epsDecr > s.decrCut) {
      s.decrCut = s.total.ewma - epsDecr;
      copyInto(s.s1Decr, s.total);
      clear(s.s2Decr);
    } else this.add(s.s2Decr, x);
    if (this.options.twoSidedTest) {
      if (HDDM_W.changed(s.s2Decr, s.s1Decr, driftConfidence)) s.drift = true;
      else if (HDDM_W.changed(s.s2Decr, s.s1Decr, warningConfidence)) s.warning = true;
    }
    return result(s.drift, s.warning);
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    checkBatch('HDDM_W', values, true);
    return updateEach(this, values);
  }

  toJSON(): DetectorJSON<'HDDM_W', Required<HDDMWOptions>, HDDMWState> {
    return this.save('HDDM_W', this.options);
  }

  static fromJSON(json: DetectorJSON): HDDM_W {
    checkKind('HDDM_W', json);
    return new HDDM_W(json.options as HDDMWOptions).restoreState(json.state as HDDMWState);
  }
}

export const hddmW = defineDetector({
  name: 'HDDM_W',
  input: 'binary',
  summary: "Hoeffding's-bound drift detection on weighted moving averages (Frías-Blanco et al. 2015)",
  options: HDDM_W_OPTIONS,
  defaults: HDDM_W_DEFAULTS,
  create: (options) => new HDDM_W(options),
  restore: HDDM_W.fromJSON,
});
