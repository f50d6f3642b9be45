export { BacktestInputError } from './backtest/backtest-error.js';
export type { BacktestPlan } from './backtest/plan.js';
export {
  type BacktestOptions,
  type BacktestReport,
  type BacktestResult,
  backtest,
  type StrategyReport,
} from './backtest/run-backtest.js';
export { type EvalInput, type EvalReport, evaluate, type Task } from './eval/evaluate.js';
export { loadModel, type OnnxMemberOptions, onnxMember } from './registry/onnx-member.js';
export {
  loadOnnxModel,
  type OnnxModel,
  type OnnxPredictions,
  type TensorInfo,
} from './registry/onnx-model.js';
export { type Clock, SimulatedClock, systemClock } from './time/clock.js';
