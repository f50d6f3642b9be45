import { StewardInputError } from '../errors.js';
import {
  checkClassLabels,
  checkFinite,
  checkNotEmpty,
  checkSameLength,
  checkSampleWeight,
  isScoreMatrix,
  type Label,
  type Labels,
  type Numbers,
  type ScoreMatrix,
  weightedMean,
} from './input.js';
import { formatLabels, hasDefaultPositive, sortedUnique, uniqueLabels } from './labels.js';

export interface LogLossOptions {
  /** Probabilities are clipped to [eps, 1 - eps]. Default: float64 machine epsilon (2.22e-16). */
  eps?: number;
  /** Mean loss (default) or, with `false`, the (weighted) sum. */
  normalize?: boolean;
  /** The classes, when yTrue does not show them all. Default: the labels of yTrue. */
  labels?: readonly Label[];
  sampleWeight?: Numbers;
}

const FLOAT64_EPS = 2 ** -52;

/**
 * Cross-entropy of predicted probabilities (scikit-learn 1.2's `log_loss`): probabilities are clipped, each row
 * renormalised to sum to 1, then `-log p(true class)` averaged. One score per sample means P(greater label).
 * Unlike scikit-learn, a true label missing from `labels` is an error rather than a zero loss.
 * @example logLoss(['spam', 'ham', 'ham', 'spam'], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]); // 0.21616187468057912
 */
export function logLoss(yTrue: Labels, yPred: Numbers | ScoreMatrix, options: LogLossOptions = {}): number {
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yPred });
  checkSampleWeight(options.sampleWeight, n);
  checkClassLabels('yTrue', yTrue);
  const classes = options.labels === undefined ? uniqueLabels(yTrue) : sortedUnique(options.labels);
  if (classes.length < 2) {
    throw new StewardInputError(
      options.labels === undefined
        ? `yTrue holds only one label (${formatLabels(classes)}): pass every class through labels`
        : `labels must hold at least two classes for logLoss, got ${formatLabels(classes)}`,
      options.labels === undefined ? 'yTrue' : 'labels',
    );
  }
  const columns = isScoreMatrix(yPred) ? yPred[0].length : 2;
  if (columns !== classes.length) {
    throw new StewardInputError(
      `there are ${classes.length} classes ${formatLabels(classes)} but yPred has ${isScoreMatrix(yPred) ? columns : 1} column${isScoreMatrix(yPred) ? 's' : ''}: pass the classes through labels`,
      'yPred',
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const eps = options.eps ?? FLOAT64_EPS;
  const clip = (p: number) => (p < eps ? eps : Math.min(p, 1 - eps));
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = index.get(yTrue[i]);
    if (c === undefined) {
      throw new StewardInputError(
        `yTrue[${i}] is ${JSON.stringify(yTrue[i])}, which is not among labels ${formatLabels(classes)}`,
        'yTrue',
      );
    }
    let pTrue: number;
    let sum: number;
    if (isScoreMatrix(yPred)) {
      const row = yPred[i];
      if (row.length !== columns)
        throw new StewardInputError(
          `yPred[${i}] has ${row.length} columns but yPred[0] has ${columns}`,
          'yPred',
        );
      sum = 0;
      for (let j = 0; j < columns; j++) {
        const v = row[j];
        if (typeof v !== 'number' || Number.isNaN(v))
          throw new StewardInputError(`yPred[${i}][${j}] is ${String(v)}: expected a probability`, 'yPred');
        sum += clip(v);
      }
      pTrue = clip(row[c]);
    } else {
      const v = yPred[i];
      if (typeof v !== 'number' || Number.isNaN(v))
        throw new StewardInputError(`yPred[${i}] is ${String(v)}: expected a probability`, 'yPred');
      const p = clip(v);
      sum = 1 - p + p;
      pTrue = c === 1 ? p : 1 - p;
    }
    losses[i] = -Math.log(pTrue / sum);
  }
  if (options.normalize === false) {
    let total = 0;
    for (let i = 0; i < n; i++)
      total += losses[i] * (options.sampleWeight === undefined ? 1 : options.sampleWeight[i]);
    return total;
  }
  return weightedMean(losses, options.sampleWeight);
}

/**
 * Mean squared difference between the predicted probability of the positive class and the outcome
 * (scikit-learn 1.2's `brier_score_loss`). Binary only. `posLabel` defaults to 1 for {0,1} or {-1,1} labels and
 * to the greater label for other numbers; string labels need it.
 * @example brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]); // 0.03749999999999999
 */
export function brierScore(
  yTrue: Labels,
  yProb: Numbers,
  options: { posLabel?: Label; sampleWeight?: Numbers } = {},
): number {
  checkNotEmpty('yTrue', yTrue);
  const n = checkSameLength({ yTrue, yProb });
  checkSampleWeight(options.sampleWeight, n);
  const kind = checkClassLabels('yTrue', yTrue);
  checkFinite('yProb', yProb);
  const classes = uniqueLabels(yTrue);
  if (classes.length > 2) {
    throw new StewardInputError(
      `brierScore supports binary targets only; yTrue has labels ${formatLabels(classes)}`,
      'yTrue',
    );
  }
  for (let i = 0; i < n; i++) {
    if (yProb[i] > 1)
      throw new StewardInputError(
        `yProb[${i}] is ${yProb[i]}, greater than 1: expected a probability`,
        'yProb',
      );
    if (yProb[i] < 0)
      throw new StewardInputError(`yProb[${i}] is ${yProb[i]}, less than 0: expected a probability`, 'yProb');
  }
  let posLabel = options.posLabel;
  if (posLabel === undefined) {
    const standard = hasDefaultPositive(classes);
    if (kind === 'string') {
      throw new StewardInputError(
        `yTrue takes values in ${formatLabels(classes)}: pass posLabel to say which is positive`,
        'posLabel',
      );
    }
    posLabel = standard ? 1 : classes[classes.length - 1];
  }
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = (yTrue[i] === posLabel ? 1 : 0) - yProb[i];
    sq[i] = d * d;
  }
  return weightedMean(sq, options.sampleWeight);
}
