import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineDetector } from './definition.js';
import {
  checkBinaryFast,
  checkKind,
  type DetectorEvents,
  type DetectorJSON,
  type DetectorResult,
  type DriftDetector,
  decodeState,
  encodeState,
  result,
  throwFirstBadValue,
} from './detector.js';
import { runKernel, withoutKernel } from './kernel.js';

export interface DDMOptions {
  /** Values seen before a change can be signalled (default 30). */
  warmStart?: number;
  /** Warning when p + s exceeds p_min + this · s_min (default 2, about 95% confidence). */
  warningThreshold?: number;
  /** Drift when p + s exceeds p_min + this · s_min (default 3, about 99% confidence). */
  driftThreshold?: number;
}

export const DDM_DEFAULTS = {
  warmStart: 30,
  warningThreshold: 2,
  driftThreshold: 3,
} satisfies Required<DDMOptions>;

export const DDM_OPTIONS: OptionsSpec<DDMOptions> = {
  warmStart: {
    type: 'number',
    integer: true,
    min: 0,
    doc: 'values seen before a change can be signalled (30)',
  },
  warningThreshold: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'warning at p_min + this · s_min (2)',
  },
  driftThreshold: { type: 'number', min: 0, exclusiveMin: true, doc: 'drift at p_min + this · s_min (3)' },
};

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
 *
 * @example
 * ```ts
 * // 10% errors, then 50%
 * const errors = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? Number(i % 10 === 0) : i % 2));
 * const ddm = new DDM();
 * ddm.updateMany(errors); // {"drifts":[1049],"warnings":[1023]}
 * ```
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
    this.options = resolveOptions('DDM', DDM_OPTIONS, DDM_DEFAULTS, options);
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
    const answered = withoutKernel(this, 'DDM', values, true);
    if (answered) return answered;
    const { warmStart, warningThreshold, driftThreshold } = this.options;
    const fresh = [0, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0];
    const run = runKernel(
      'ddm',
      values,
      this.drift ? fresh : [this.n, this.errors, this.pMin, this.sMin, this.psMin, this.warning ? 1 : 0],
      [warmStart, warningThreshold, driftThreshold],
      fresh,
    );
    // The state is written only now, so a bad value leaves the detector untouched.
    if (run.invalid !== 0) throwFirstBadValue('DDM', values, true);
    [this.n, this.errors, this.pMin, this.sMin, this.psMin] = run.state;
    this.drift = run.driftAtEnd;
    this.warning = run.state[5] === 1;
    return { drifts: run.drifts, warnings: run.warnings };
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

export const ddm = defineDetector({
  name: 'DDM',
  input: 'binary',
  summary: 'Drift Detection Method: abrupt rises of a 0/1 error rate (Gama et al. 2004)',
  options: DDM_OPTIONS,
  defaults: DDM_DEFAULTS,
  create: (options) => new DDM(options),
  restore: DDM.fromJSON,
});
