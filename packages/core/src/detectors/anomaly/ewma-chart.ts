import { StewardInputError } from '../../errors.js';
import { type OptionsSpec, resolveOptions } from '../../options.js';
import { defineAnomalyMethod } from './definition.js';
import { type AnomalyPoint, checkValue, type SeriesAnomalyDetector, warmingUp } from './types.js';

export interface EwmaChartOptions {
  /** Weight of the newest value in the smoothed statistic, 0 < λ ≤ 1 (default 0.2). */
  lambda?: number;
  /** Width of the control limits in standard deviations of the statistic (default 3). */
  width?: number;
  /** Values that set the in-control mean and deviation before the chart starts (default 30). */
  warmup?: number;
}

export const EWMA_CHART_DEFAULTS = { lambda: 0.2, width: 3, warmup: 30 } satisfies Required<EwmaChartOptions>;

export const EWMA_CHART_OPTIONS: OptionsSpec<EwmaChartOptions> = {
  lambda: { type: 'number', min: 0, exclusiveMin: true, max: 1, doc: 'weight of the newest value (0.2)' },
  width: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    doc: 'control limits in standard deviations of the statistic (3)',
  },
  warmup: {
    type: 'number',
    integer: true,
    min: 2,
    doc: 'values that set the in-control mean and deviation (30)',
  },
};

interface EwmaState {
  /** In-control values seen (Welford count, mean and sum of squared deviations). */
  n: number;
  mean: number;
  m2: number;
  z: number;
  t: number;
}

/**
 * EWMA control chart (Roberts 1959): it smooths z_t = λx_t + (1 − λ)z_{t−1} and flags z leaving
 * μ ± L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^{2t})). Sensitive to small sustained shifts (a slow accuracy decline) that a
 * per-point threshold misses. The in-control μ and σ come from the first `warmup` values and keep being refined by
 * every later value that is not flagged: a σ estimated once from a few dozen points is often too small, and the
 * chart would then cry wolf. `expected`, `lower` and `upper` are on the scale of the smoothed statistic, which
 * `score` compares. Call `reset()` to re-baseline after a change has been handled.
 *
 * @example
 * ```ts
 * // an accuracy per window
 * const series = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 9, 11, 10, 12, 10, 9, 11, 10, 10, 11, 10, 9, 10, 11, 10, 12, 9, 10, 11].map((x) => x / 100 + 0.8);
 * const chart = new EwmaChart();
 * series.filter((x) => chart.update(x).anomaly).length; // 0
 * // a sustained drop of 3 points
 * [0.87, 0.87, 0.87].map((x) => chart.update(x).anomaly); // [true,true,true]
 * ```
 */
export class EwmaChart implements SeriesAnomalyDetector {
  readonly options: Required<EwmaChartOptions>;
  private s!: EwmaState;

  constructor(options: EwmaChartOptions = {}) {
    this.options = resolveOptions('EwmaChart', EWMA_CHART_OPTIONS, EWMA_CHART_DEFAULTS, options);
    this.reset();
  }

  reset(): void {
    this.s = { n: 0, mean: 0, m2: 0, z: 0, t: 0 };
  }

  private learn(value: number): void {
    const s = this.s;
    s.n += 1;
    const delta = value - s.mean;
    s.mean += delta / s.n;
    s.m2 += delta * (value - s.mean);
  }

  update(value: number): AnomalyPoint {
    checkValue('EwmaChart', value);
    const s = this.s;
    const { lambda, width, warmup } = this.options;
    if (s.n < warmup) {
      this.learn(value);
      if (s.n === warmup) s.z = s.mean;
      return warmingUp(value);
    }
    s.t += 1;
    s.z = lambda * value + (1 - lambda) * s.z;
    const sd = Math.sqrt(s.m2 / (s.n - 1));
    const sdZ = sd * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * s.t)));
    const half = width * sdZ;
    const deviation = s.z - s.mean;
    const score = sdZ > 0 ? deviation / sdZ : deviation === 0 ? 0 : Math.sign(deviation) * Infinity;
    const point = {
      value,
      expected: s.mean,
      lower: s.mean - half,
      upper: s.mean + half,
      score,
      anomaly: Math.abs(deviation) > half,
    };
    if (!point.anomaly) this.learn(value);
    return point;
  }

  toJSON() {
    return {
      kind: 'EwmaChart',
      options: { ...this.options },
      state: JSON.parse(JSON.stringify(this.s)) as EwmaState,
    };
  }

  static fromJSON(json: { kind: string; options: EwmaChartOptions; state: EwmaState }): EwmaChart {
    if (json?.kind !== 'EwmaChart') throw new StewardInputError('not a saved EwmaChart', 'json');
    const chart = new EwmaChart(json.options);
    chart.s = JSON.parse(JSON.stringify(json.state)) as EwmaState;
    return chart;
  }
}

export const ewmaChart = defineAnomalyMethod({
  name: 'ewma',
  summary: 'EWMA control chart: small sustained shifts, such as a slow decline',
  options: EWMA_CHART_OPTIONS,
  defaults: EWMA_CHART_DEFAULTS,
  stateKind: 'EwmaChart',
  create: (options) => new EwmaChart(options),
  restore: EwmaChart.fromJSON,
});
