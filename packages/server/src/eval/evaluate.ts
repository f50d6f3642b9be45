import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  ConfusionState,
  explainedVariance,
  type Label,
  logLoss,
  mae,
  mape,
  mse,
  type PerClassScores,
  r2,
  rmse,
  rocAuc,
  StewardInputError,
} from '@steward/core';

export type Task = 'binary' | 'multiclass' | 'regression';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

export interface EvalInput {
  task: Task;
  yTrue: readonly Label[] | Float64Array;
  yPred: readonly Label[] | Float64Array;
  /** Binary: one score column (of `posLabel`). Multiclass: one column per class, in sorted class order. */
  scores?: Float64Array[];
  posLabel?: Label;
}

export interface EvalReport {
  task: Task;
  rows: number;
  metrics: Record<string, number>;
  /** Metrics that could not be computed on this data, with the reason. */
  skipped: Record<string, string>;
  confusionMatrix?: { labels: Label[]; matrix: number[][] };
  perClass?: PerClassScores;
}

/** Computes every metric that fits the task and the columns given: the body of `steward eval`. */
export function evaluate(input: EvalInput): EvalReport {
  const rows = input.yTrue.length;
  const metrics: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  const attempt = (name: string, compute: () => number) => {
    try {
      metrics[name] = compute();
    } catch (error) {
      if (!(error instanceof StewardInputError)) throw error;
      skipped[name] = error.message;
    }
  };
  if (input.task === 'regression') {
    const [y, p] = [input.yTrue as Float64Array, input.yPred as Float64Array];
    attempt('mse', () => mse(y, p));
    attempt('rmse', () => rmse(y, p));
    attempt('mae', () => mae(y, p));
    attempt('mape', () => mape(y, p));
    attempt('r2', () => r2(y, p));
    attempt('explainedVariance', () => explainedVariance(y, p));
    return { task: input.task, rows, metrics, skipped };
  }
  const yTrue = input.yTrue as readonly Label[];
  const yPred = input.yPred as readonly Label[];
  const state = ConfusionState.from(yTrue, yPred);
  if (input.task === 'binary' && state.classes.length > 2) {
    throw new StewardInputError(
      `the labels hold ${state.classes.length} classes; use --task multiclass`,
      'task',
    );
  }
  attempt('accuracy', () => accuracy(yTrue, yPred));
  attempt('balancedAccuracy', () => balancedAccuracy(yTrue, yPred));
  if (input.task === 'binary') {
    const posLabel = resolvePosLabel(state.classes, input.posLabel);
    const options = { average: 'binary' as const, posLabel };
    attempt('precision', () => state.precision(options));
    attempt('recall', () => state.recall(options));
    attempt('f1', () => state.f1(options));
    attempt('matthewsCorrcoef', () => state.matthewsCorrcoef());
    const score = input.scores?.[0];
    if (score) {
      const isPositive = yTrue.map((y) => (y === posLabel ? 1 : 0));
      attempt('rocAuc', () => rocAuc(isPositive, score));
      attempt('averagePrecision', () => averagePrecision(isPositive, score));
      attempt('logLoss', () =>
        inUnitInterval(score) ? logLoss(isPositive, score, { labels: [0, 1] }) : notProbabilities(),
      );
      attempt('brierScore', () => brierScore(isPositive, score));
    }
  } else {
    for (const average of ['macro', 'weighted'] as const) {
      attempt(`precision (${average})`, () => state.precision({ average }));
      attempt(`recall (${average})`, () => state.recall({ average }));
      attempt(`f1 (${average})`, () => state.f1({ average }));
    }
    attempt('matthewsCorrcoef', () => state.matthewsCorrcoef());
    if (input.scores) {
      const matrix = scoreRows(input.scores);
      const labels = [...state.classes].filter((c) => yTrue.includes(c));
      const withLabels = input.scores.length === labels.length ? {} : { labels: state.classes };
      attempt('rocAuc (ovr, macro)', () => rocAuc(yTrue, matrix, { multiClass: 'ovr', ...withLabels }));
      attempt('rocAuc (ovr, weighted)', () =>
        rocAuc(yTrue, matrix, { multiClass: 'ovr', average: 'weighted', ...withLabels }),
      );
      attempt('rocAuc (ovo, macro)', () => rocAuc(yTrue, matrix, { multiClass: 'ovo', ...withLabels }));
      attempt('logLoss', () => logLoss(yTrue, matrix, withLabels));
    }
    const perClass = state.perClass();
    return { task: input.task, rows, metrics, skipped, confusionMatrix: matrixOf(state), perClass };
  }
  return { task: input.task, rows, metrics, skipped, confusionMatrix: matrixOf(state) };
}

function resolvePosLabel(classes: readonly Label[], posLabel: Label | undefined): Label {
  if (posLabel !== undefined) {
    if (!classes.includes(posLabel)) {
      throw new StewardInputError(
        `the positive label ${JSON.stringify(posLabel)} does not occur; labels are ${classes.join(', ')}`,
        'posLabel',
      );
    }
    return posLabel;
  }
  const standard = classes.every((c) => c === 0 || c === 1) || classes.every((c) => c === -1 || c === 1);
  if (!standard) {
    throw new StewardInputError(
      `the labels are ${classes.join(', ')}: say which is the positive class (--pos-label)`,
      'posLabel',
    );
  }
  return 1;
}

function inUnitInterval(values: Float64Array): boolean {
  return values.every((v) => v >= 0 && v <= 1);
}

function notProbabilities(): never {
  throw new StewardInputError('the scores are not probabilities in [0, 1]', 'score');
}

function scoreRows(columns: Float64Array[]): number[][] {
  return Array.from({ length: columns[0].length }, (_, i) => columns.map((c) => c[i]));
}

function matrixOf(state: ConfusionState) {
  return { labels: [...state.classes], matrix: state.confusionMatrix() };
}
