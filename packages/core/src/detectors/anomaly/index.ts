export { type AnomalyMethodDefinition, defineAnomalyMethod } from './definition.js';
export { EwmaChart, type EwmaChartOptions } from './ewma-chart.js';
export {
  ANOMALY_METHOD_NAMES,
  ANOMALY_METHODS,
  type AnomalyMethod,
  createAnomalyDetector,
  DEFAULT_ANOMALY_METHOD,
  type RegisteredAnomalyMethod,
  restoreAnomalyDetector,
} from './registry.js';
export { RobustZScore, type RobustZScoreOptions } from './robust-z-score.js';
export { SeasonalZScore, type SeasonalZScoreOptions } from './seasonal-z-score.js';
export type { AnomalyPoint, SeriesAnomalyDetector } from './types.js';
