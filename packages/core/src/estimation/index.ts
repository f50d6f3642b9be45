export { type BinaryPerformanceEstimate, estimateBinaryPerformance } from './binary-cbpe.js';
export { estimateMulticlassPerformance, type MulticlassPerformanceEstimate } from './multiclass-cbpe.js';
