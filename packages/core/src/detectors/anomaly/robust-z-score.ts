import { StewardInputError } from '../../errors.js';
import { type OptionsSpec, resolveOptions } from '../../options.js';
import { defineAnomalyMethod } from './definition.js';
import {
  type AnomalyPoint,
  checkValue,
  median,
  type SeriesAnomalyDetector,
  scaledMad,
  warmingUp,
} from './types.js';

export interface RobustZScoreOptions {
  /** Past values the median and MAD are taken over (default 30). */
  window?: number;
  /** Anomaly when |x − median| exceeds this many scaled MADs (default 3.5, Iglewicz & Hoaglin). */
  threshold?: number;
  /** Values needed before judging (default 20: fewer make the MAD too noisy). */
  minValues?: number;
}

export const ROBUST_Z_SCORE_DEFAULTS = {
  window: 30,
  threshold: 3.5,
  minValues: 20,
} satisfies Required<RobustZScoreOptions>;

export const ROBUST_Z_SCORE_OPTIONS: OptionsSpec<RobustZScoreOptions> = {
  window: {
    type: 'number',
    integer: true,
    min: 3,
    doc: 'past values the median and MAD are taken over (30)',
  },
  threshold: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'anomaly beyond this many scaled MADs (3.5)',
  },
  minValues: { type: 'number', integer: true, min: 3, doc: 'values needed before judging (20)' },
};

interface RobustState {
  history: number[];
}

/**
 * Rolling robust z-score: a value is compared with the median of the last `window` values and scaled by their
 * median absolute deviation (× 1.4826, so it estimates σ for normal data). Outliers barely move the median or the
 * MAD, so one spike does not mask the next, and a level shift becomes the new normal after half a window. The band
 * is median ± threshold · scale. A history of one repeated value gives a zero-width band: any different value is
 * anomalous (a mostly repeated one falls back to the RMS deviation, see `scaledMad`).
 *
 * @example
 * ```ts
 * // an accuracy per window
 * const series = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9, 11, 10, 12, 10, 9, 11, 10, 10, 11, 10, 9, 10, 11, 10, 12, 9, 10, 11].map((x) => x / 100 + 0.8);
 * const detector = new RobustZScore();
 * series.filter((x) => detector.update(x).anomaly).length; // 0
 * detector.update(0.7).anomaly; // true
 * ```
 */
export class RobustZScore implements SeriesAnomalyDetector {
  readonly options: Required<RobustZScoreOptions>;
  private s!: RobustState;

  constructor(options: RobustZScoreOptions = {}) {
    this.options = resolveOptions('RobustZScore', ROBUST_Z_SCORE_OPTIONS, ROBUST_Z_SCORE_DEFAULTS, options);
    this.reset();
  }

  reset(): void {
    this.s = { history: [] };
  }

  update(value: number): AnomalyPoint {
    checkValue('RobustZScore', value);
    const history = this.s.history;
    let point: AnomalyPoint;
    if (history.length < this.options.minValues) point = warmingUp(value);
    else point = judge(value, median(history), scaledMad(history, median(history)), this.options.threshold);
    history.push(value);
    if (history.length > this.options.window) history.shift();
    return point;
  }

  toJSON() {
    return { kind: 'RobustZScore', options: { ...this.options }, state: { history: [...this.s.history] } };
  }

  static fromJSON(json: { kind: string; options: RobustZScoreOptions; state: RobustState }): RobustZScore {
    if (json?.kind !== 'RobustZScore') throw new StewardInputError('not a saved RobustZScore', 'json');
    const detector = new RobustZScore(json.options);
    detector.s = { history: [...json.state.history] };
    return detector;
  }
}

export function judge(value: number, expected: number, scale: number, threshold: number): AnomalyPoint {
  const deviation = value - expected;
  const score = scale > 0 ? deviation / scale : deviation === 0 ? 0 : Math.sign(deviation) * Infinity;
  return {
    value,
    expected,
    lower: expected - threshold * scale,
    upper: expected + threshold * scale,
    score,
    anomaly: Math.abs(score) > threshold,
  };
}

export const robustZScore = defineAnomalyMethod({
  name: 'robust',
  summary: 'rolling median ± a multiple of the scaled MAD: spikes and level shifts',
  options: ROBUST_Z_SCORE_OPTIONS,
  defaults: ROBUST_Z_SCORE_DEFAULTS,
  stateKind: 'RobustZScore',
  create: (options) => new RobustZScore(options),
  restore: RobustZScore.fromJSON,
});
