export { type BinaryPerformanceEstimate, estimateBinaryPerformance } from './binary-cbpe.js';
