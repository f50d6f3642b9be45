import { type OptionsSpec, resolveOptions } from '../options.js';
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

export interface ADWINOptions {
  /** Confidence δ of the cut test; smaller means fewer false alarms and later detections (default 0.002). */
  delta?: number;
  /** Check for a cut every `clock` values (default 32). */
  clock?: number;
  /** Buckets kept per size before two are merged (default 5). */
  maxBuckets?: number;
  /** Smallest sub-window on either side of a cut (default 5). */
  minWindowLength?: number;
  /** Values seen before the first check (default 10). */
  gracePeriod?: number;
}

export const ADWIN_DEFAULTS = {
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
} satisfies Required<ADWINOptions>;

export const ADWIN_OPTIONS: OptionsSpec<ADWINOptions> = {
  delta: {
    type: 'number',
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    doc: 'confidence δ of the cut test (0.002)',
  },
  clock: { type: 'number', integer: true, min: 1, doc: 'check for a cut every this many values (32)' },
  maxBuckets: { type: 'number', integer: true, min: 1, doc: 'buckets kept per size before two merge (5)' },
  minWindowLength: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'smallest sub-window on either side of a cut (5)',
  },
  gracePeriod: { type: 'number', integer: true, min: 0, doc: 'values seen before the first check (10)' },
};

/** One row of the exponential histogram: buckets of 2^row values, oldest first. */
interface Row {
  total: number[];
  variance: number[];
}

interface ADWINState {
  rows: Row[];
  width: number;
  total: number;
  variance: number;
  tick: number;
  detections: number;
  drift: boolean;
}

/**
 * Adaptive windowing (Bifet & Gavaldà 2007), as River's `drift.ADWIN`: keeps the longest recent window whose two
 * halves, at every cut, have means within a Hoeffding-style bound, and drops the older part when they do not. For
 * real values or a 0/1 error stream; adapts to both abrupt and gradual change, with a guaranteed false-alarm rate.
 * Its `estimation` is the mean of the current window.
 *
 * @example
 * ```ts
 * // the mean steps from 1.5 to 5.5
 * const stream = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? i % 4 : 4 + (i % 4)));
 * const adwin = new ADWIN();
 * adwin.updateMany(stream); // {"drifts":[1055],"warnings":[]}
 * adwin.estimation; // 5.5
 * ```
 */
export class ADWIN extends StateDetector<ADWINState> implements DriftDetector {
  readonly options: Required<ADWINOptions>;

  constructor(options: ADWINOptions = {}) {
    super();
    this.options = resolveOptions('ADWIN', ADWIN_OPTIONS, ADWIN_DEFAULTS, options);
    this.reset();
  }

  reset(): void {
    this.s = {
      rows: [{ total: [], variance: [] }],
      width: 0,
      total: 0,
      variance: 0,
      tick: 0,
      detections: 0,
      drift: false,
    };
  }

  /** Number of values in the window. */
  get width(): number {
    return this.s.width;
  }

  /** Mean of the window (0 when empty). */
  get estimation(): number {
    return this.s.width === 0 ? 0 : this.s.total / this.s.width;
  }

  /** Sum of squared deviations of the window's values from its mean. */
  get variance(): number {
    return this.s.variance;
  }

  update(x: number): DetectorResult {
    checkFinite('ADWIN', x);
    if (this.s.drift) this.reset();
    this.insert(x);
    this.s.drift = this.detectChange();
    return result(this.s.drift, false);
  }

  private insert(value: number): void {
    const s = this.s;
    const row0 = s.rows[0] as Row;
    row0.total.push(value);
    row0.variance.push(0);
    s.width += 1;
    if (s.width > 1) {
      const mean = s.total / (s.width - 1);
      s.variance += ((s.width - 1) * (value - mean) * (value - mean)) / s.width;
    }
    s.total += value;
    this.compress();
  }

  /** Merges the two oldest buckets of a row into the next row while a row holds more than maxBuckets. */
  private compress(): void {
    const rows = this.s.rows;
    for (let idx = 0; idx < rows.length; idx++) {
      const row = rows[idx] as Row;
      if (row.total.length !== this.options.maxBuckets + 1) break;
      if (idx + 1 === rows.length) rows.push({ total: [], variance: [] });
      const next = rows[idx + 1] as Row;
      const size = 2 ** idx;
      const [t0, t1] = row.total as [number, number];
      const [v0, v1] = row.variance as [number, number];
      const mu0 = t0 / size;
      const mu1 = t1 / size;
      next.total.push(t0 + t1);
      next.variance.push(v0 + v1 + (size * size * (mu0 - mu1) * (mu0 - mu1)) / (size + size));
      row.total.splice(0, 2);
      row.variance.splice(0, 2);
      if (next.total.length <= this.options.maxBuckets) break;
    }
  }

  /** Drops the oldest bucket and returns its size. */
  private deleteOldest(): number {
    const s = this.s;
    const last = s.rows.length - 1;
    const row = s.rows[last] as Row;
    const n = 2 ** last;
    const u = row.total[0] as number;
    const v = row.variance[0] as number;
    const mu = u / n;
    s.width -= n;
    s.total -= u;
    const muWindow = s.total / s.width;
    s.variance -= v + (n * s.width * (mu - muWindow) * (mu - muWindow)) / (n + s.width);
    row.total.shift();
    row.variance.shift();
    if (row.total.length === 0) s.rows.pop();
    return n;
  }

  private detectChange(): boolean {
    const s = this.s;
    const { clock, gracePeriod, minWindowLength } = this.options;
    let changed = false;
    s.tick += 1;
    if (s.tick % clock === 0 && s.width > gracePeriod) {
      let reduce = true;
      while (reduce) {
        reduce = false;
        let exit = false;
        let n0 = 0;
        let n1 = s.width;
        let u0 = 0;
        let u1 = s.total;
        for (let idx = s.rows.length - 1; idx >= 0 && !exit; idx--) {
          const row = s.rows[idx] as Row;
          const size = 2 ** idx;
          // As River: the newest bucket of each row is never a cut point.
          for (let k = 0; k < row.total.length - 1; k++) {
            const u2 = row.total[k] as number;
            n0 += size;
            n1 -= size;
            u0 += u2;
            u1 -= u2;
            const deltaMean = u0 / n0 - u1 / n1;
            if (n1 >= minWindowLength && n0 >= minWindowLength && this.cut(n0, n1, deltaMean)) {
              reduce = true;
              changed = true;
              if (s.width > 0) {
                n0 -= this.deleteOldest();
                exit = true;
                break;
              }
            }
          }
        }
      }
    }
    if (changed) s.detections += 1;
    return changed;
  }

  private cut(n0: number, n1: number, deltaMean: number): boolean {
    const { delta, minWindowLength } = this.options;
    const deltaPrime = Math.log((2 * Math.log(this.s.width)) / delta);
    const mRecip = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
    const epsilon =
      Math.sqrt(2 * mRecip * (this.s.variance / this.s.width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > epsilon;
  }

  updateMany(values: ArrayLike<number>): DetectorEvents {
    checkBatch('ADWIN', values, false);
    return updateEach(this, values);
  }

  toJSON(): DetectorJSON<'ADWIN', Required<ADWINOptions>, ADWINState> {
    return this.save('ADWIN', this.options);
  }

  static fromJSON(json: DetectorJSON): ADWIN {
    checkKind('ADWIN', json);
    return new ADWIN(json.options as ADWINOptions).restoreState(json.state as ADWINState);
  }
}

export const adwin = defineDetector({
  name: 'ADWIN',
  input: 'numeric',
  summary:
    'ADaptive WINdowing: cuts its window where the means of the two parts differ (Bifet & Gavaldà 2007)',
  options: ADWIN_OPTIONS,
  defaults: ADWIN_DEFAULTS,
  create: (options) => new ADWIN(options),
  restore: ADWIN.fromJSON,
});
