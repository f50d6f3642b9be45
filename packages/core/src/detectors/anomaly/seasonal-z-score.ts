import { StewardInputError } from '../../errors.js';
import { type OptionsSpec, resolveOptions } from '../../options.js';
import { defineAnomalyMethod } from './definition.js';
import { judge } from './robust-z-score.js';
import {
  type AnomalyPoint,
  checkValue,
  median,
  type SeriesAnomalyDetector,
  scaledMad,
  warmingUp,
} from './types.js';

export interface SeasonalZScoreOptions {
  /** Values per cycle: 24 for hourly windows with a daily cycle, 7 for daily windows with a weekly one. */
  period: number;
  /** Past cycles whose same-phase values give the expectation (default 4). */
  seasons?: number;
  /** Anomaly when the residual exceeds this many scaled MADs of recent residuals (default 3.5). */
  threshold?: number;
}

/** `period` has no default in code (it depends on the series); a check's default is a daily cycle of hourly windows. */
export const SEASONAL_Z_SCORE_DEFAULTS = {
  period: 24,
  seasons: 4,
  threshold: 3.5,
} satisfies Required<SeasonalZScoreOptions>;

export const SEASONAL_Z_SCORE_OPTIONS: OptionsSpec<SeasonalZScoreOptions> = {
  period: {
    type: 'number',
    integer: true,
    min: 2,
    doc: 'values per cycle (24: hourly windows, daily cycle)',
  },
  seasons: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'past cycles whose same-phase values give the expectation (4)',
  },
  threshold: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'anomaly beyond this many scaled MADs of residuals (3.5)',
  },
};

interface SeasonalState {
  /** The last period · seasons values, oldest first. */
  history: number[];
  /** Recent residuals (value − seasonal expectation), at most one period · seasons of them. */
  residuals: number[];
}

/**
 * Seasonal robust z-score for metrics with daily or weekly cycles: the expectation for a value is the median of
 * the values at the same phase in the last `seasons` cycles, and the scale is the scaled MAD of recent residuals
 * from those expectations. Night-time dips and weekend peaks stay inside the band; a dip at noon does not.
 * Needs two full cycles before it judges.
 *
 * @example
 * ```ts
 * // five days of an hourly metric with a daily cycle, then a value that is high for its hour
 * const hourly = Array.from({ length: 120 }, (_, i) => Math.round(100 + 20 * Math.sin((2 * Math.PI * i) / 24)) + ((i * 7) % 5));
 * const detector = new SeasonalZScore({ period: 24 });
 * hourly.filter((x) => detector.update(x).anomaly).length; // 0
 * detector.update(160).expected; // 102.5
 * detector.update(140).anomaly; // true
 * ```
 */
export class SeasonalZScore implements SeriesAnomalyDetector {
  readonly options: Required<SeasonalZScoreOptions>;
  private s!: SeasonalState;

  constructor(options: SeasonalZScoreOptions) {
    if (options?.period === undefined) {
      throw new StewardInputError('SeasonalZScore needs a period (values per cycle)', 'period');
    }
    this.options = resolveOptions(
      'SeasonalZScore',
      SEASONAL_Z_SCORE_OPTIONS,
      SEASONAL_Z_SCORE_DEFAULTS,
      options,
    );
    this.reset();
  }

  reset(): void {
    this.s = { history: [], residuals: [] };
  }

  update(value: number): AnomalyPoint {
    checkValue('SeasonalZScore', value);
    const { period, seasons, threshold } = this.options;
    const { history, residuals } = this.s;
    const samePhase: number[] = [];
    for (let back = period; back <= history.length && samePhase.length < seasons; back += period) {
      samePhase.push(history[history.length - back] as number);
    }
    let point: AnomalyPoint = warmingUp(value);
    if (samePhase.length > 0) {
      const expected = median(samePhase);
      if (residuals.length >= period)
        point = judge(value, expected, scaledMad(residuals, median(residuals)), threshold);
      // Anomalies do not enter the residual scale, so a burst of them cannot widen the band that should catch them.
      if (!point.anomaly) {
        residuals.push(value - expected);
        if (residuals.length > period * seasons) residuals.shift();
      }
    }
    history.push(value);
    if (history.length > period * seasons) history.shift();
    return point;
  }

  toJSON() {
    return {
      kind: 'SeasonalZScore',
      options: { ...this.options },
      state: { history: [...this.s.history], residuals: [...this.s.residuals] },
    };
  }

  static fromJSON(json: {
    kind: string;
    options: SeasonalZScoreOptions;
    state: SeasonalState;
  }): SeasonalZScore {
    if (json?.kind !== 'SeasonalZScore') throw new StewardInputError('not a saved SeasonalZScore', 'json');
    const detector = new SeasonalZScore(json.options);
    detector.s = { history: [...json.state.history], residuals: [...json.state.residuals] };
    return detector;
  }
}

export const seasonalZScore = defineAnomalyMethod({
  name: 'seasonal',
  summary: 'same-phase median of past cycles ± scaled MAD of residuals: metrics with daily or weekly cycles',
  options: SEASONAL_Z_SCORE_OPTIONS,
  defaults: SEASONAL_Z_SCORE_DEFAULTS,
  stateKind: 'SeasonalZScore',
  create: (options) => new SeasonalZScore({ period: SEASONAL_Z_SCORE_DEFAULTS.period, ...options }),
  restore: SeasonalZScore.fromJSON,
});
