export {
  type BinaryPerformanceEstimate,
  estimateBinaryFromHistogram,
  estimateBinaryPerformance,
} from './binary-cbpe.js';
export {
  DirectLossEstimator,
  type DirectLossEstimatorOptions,
  type RegressionErrorEstimate,
} from './direct-loss-estimation.js';
export { estimateMulticlassPerformance, type MulticlassPerformanceEstimate } from './multiclass-cbpe.js';
