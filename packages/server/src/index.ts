export { type EvalInput, type EvalReport, evaluate, type Task } from './eval/evaluate.js';
