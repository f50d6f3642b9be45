import { StewardInputError } from '../../errors.js';
import {
  type AnomalyPoint,
  checkPositive,
  checkPositiveInteger,
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

interface RobustState {
  history: number[];
}

/**
 * Rolling robust z-score: a value is compared with the median of the last `window` values and scaled by their
 * median absolute deviation (× 1.4826, so it estimates σ for normal data). Outliers barely move the median or the
 * MAD, so one spike does not mask the next, and a level shift becomes the new normal after half a window. The band
 * is median ± threshold · scale. A flat history (MAD 0) gives a zero-width band: any different value is anomalous.
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
    this.options = { window: 30, threshold: 3.5, minValues: 20, ...options };
    checkPositiveInteger('RobustZScore', 'window', this.options.window, 3);
    checkPositive('RobustZScore', 'threshold', this.options.threshold);
    checkPositiveInteger('RobustZScore', 'minValues', this.options.minValues, 3);
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
