export {
  type BinaryEstimateOptions,
  type BinaryPerformanceEstimate,
  estimateBinaryFromHistogram,
  estimateBinaryPerformance,
  rocAucError,
} from './binary-cbpe.js';
export {
  type CalibrationStrata,
  calibrationErrors,
  calibrationStrata,
  countStratum,
  emptyStrataCounts,
  mergeClassStrataCounts,
  mergeStrataCounts,
  multiclassCalibrationErrors,
  quantileStrata,
  type StrataCounts,
  strataError,
  stratumOf,
} from './calibration-error.js';
export {
  addRow,
  type ClassificationEstimateErrors,
  type ConfusionMoments,
  emptyMoments,
  type MetricErrors,
  mergeMoments,
  metricErrors,
} from './confusion-moments.js';
export {
  DirectLossEstimator,
  type DirectLossEstimatorOptions,
  type RegressionErrorEstimate,
} from './direct-loss-estimation.js';
export { estimateMulticlassPerformance, type MulticlassPerformanceEstimate } from './multiclass-cbpe.js';
