import { type ConfusionMatrixOptions, ConfusionState } from './confusion-state.js';
import { checkNotEmpty, type Labels, type Numbers } from './input.js';
import type { PerClassScores, SetWiseOptions } from './set-wise.js';

/** Options shared by the label-based classification metrics. */
export interface ClassificationOptions extends SetWiseOptions {
  /** One weight per sample. Default: every sample weighs 1. */
  sampleWeight?: Numbers;
}

function countsOf(yTrue: Labels, yPred: Labels, sampleWeight?: Numbers): ConfusionState {
  checkNotEmpty('yTrue', yTrue);
  return ConfusionState.from(yTrue, yPred, sampleWeight);
}

/**
 * Share of correct predictions (scikit-learn's `accuracy_score`).
 * @example accuracy([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 */
export function accuracy(
  yTrue: Labels,
  yPred: Labels,
  options: { sampleWeight?: Numbers; normalize?: boolean } = {},
): number {
  return countsOf(yTrue, yPred, options.sampleWeight).accuracy(options);
}

/**
 * tp / (tp + fp) (scikit-learn's `precision_score`).
 * @example precision([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }); // 0.2222222222222222
 */
export function precision(yTrue: Labels, yPred: Labels, options: ClassificationOptions = {}): number {
  return countsOf(yTrue, yPred, options.sampleWeight).precision(options);
}

/**
 * tp / (tp + fn) (scikit-learn's `recall_score`).
 * @example recall([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }); // 0.3333333333333333
 */
export function recall(yTrue: Labels, yPred: Labels, options: ClassificationOptions = {}): number {
  return countsOf(yTrue, yPred, options.sampleWeight).recall(options);
}

/**
 * Harmonic mean of precision and recall (scikit-learn's `f1_score`).
 * @example f1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' }); // 0.26666666666666666
 */
export function f1(yTrue: Labels, yPred: Labels, options: ClassificationOptions = {}): number {
  return countsOf(yTrue, yPred, options.sampleWeight).f1(options);
}

/**
 * F-beta score: recall counts beta times as much as precision (scikit-learn's `fbeta_score`).
 * @example fbeta([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { beta: 0.5, average: 'macro' }); // 0.23809523809523805
 */
export function fbeta(
  yTrue: Labels,
  yPred: Labels,
  options: ClassificationOptions & { beta: number },
): number {
  return countsOf(yTrue, yPred, options.sampleWeight).fbeta(options.beta, options);
}

/** Per-label precision, recall, F-beta (default F1) and support, as scikit-learn's `average=None`. */
export function precisionRecallFscoreSupport(
  yTrue: Labels,
  yPred: Labels,
  options: Omit<ClassificationOptions, 'average' | 'posLabel'> & { beta?: number } = {},
): PerClassScores {
  return countsOf(yTrue, yPred, options.sampleWeight).perClass(options);
}

/**
 * Rows are true labels, columns predicted labels (scikit-learn's `confusion_matrix`).
 * @example confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]); // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 */
export function confusionMatrix(
  yTrue: Labels,
  yPred: Labels,
  options: ConfusionMatrixOptions & { sampleWeight?: Numbers } = {},
): number[][] {
  return countsOf(yTrue, yPred, options.sampleWeight).confusionMatrix(options);
}

/**
 * Matthews correlation coefficient, in [-1, 1] (scikit-learn's `matthews_corrcoef`).
 * @example matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1]); // -0.3333333333333333
 */
export function matthewsCorrcoef(
  yTrue: Labels,
  yPred: Labels,
  options: { sampleWeight?: Numbers } = {},
): number {
  return countsOf(yTrue, yPred, options.sampleWeight).matthewsCorrcoef();
}

/**
 * Mean per-class recall (scikit-learn's `balanced_accuracy_score`).
 * @example balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]); // 0.625
 */
export function balancedAccuracy(
  yTrue: Labels,
  yPred: Labels,
  options: { sampleWeight?: Numbers; adjusted?: boolean } = {},
): number {
  return countsOf(yTrue, yPred, options.sampleWeight).balancedAccuracy(options);
}
