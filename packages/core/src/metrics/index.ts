export {
  accuracy,
  balancedAccuracy,
  type ClassificationOptions,
  confusionMatrix,
  f1,
  fbeta,
  matthewsCorrcoef,
  precision,
  precisionRecallFscoreSupport,
  recall,
} from './classification.js';
export { type ConfusionMatrixOptions, ConfusionState, type ConfusionStateJSON } from './confusion-state.js';
export type { Label, Labels, Numbers, ScoreMatrix } from './input.js';
export { brierScore, type LogLossOptions, logLoss } from './probabilistic.js';
export {
  averagePrecision,
  type CurveOptions,
  type PrecisionRecallCurve,
  precisionRecallCurve,
  type RocAucOptions,
  type RocCurve,
  rocAuc,
  rocCurve,
} from './ranking.js';
export { explainedVariance, mae, mape, mse, type RegressionOptions, r2, rmse } from './regression.js';
export { RegressionState, type RegressionStateJSON } from './regression-state.js';
export {
  type ApproximateAuc,
  ScoreHistogram,
  type ScoreHistogramJSON,
  type ScoreHistogramOptions,
} from './score-histogram.js';
export type { Average, AveragedScores, PerClassScores, SetWiseOptions, ZeroDivision } from './set-wise.js';
