import {
  brierScore,
  ConfusionState,
  explainedVariance,
  logLoss,
  mae,
  mape,
  mse,
  r2,
  rmse,
  rocAuc,
} from '@steward/core';
import { modelClasses, positiveClass } from '../spec/model-classes.js';
import type { MetricName, ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, JoinedPrediction } from '../spec/records.js';

/** Metric values of one window; null where the metric is undefined there (one class only, no scores, …). */
export type WindowMetrics = Partial<Record<MetricName, number | null>>;

function attempt(compute: () => number): number | null {
  try {
    const value = compute();
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function sortClasses(classes: readonly ClassValue[]): ClassValue[] {
  return [...classes].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

/** What metrics are computed from: a labelled prediction's output, scores and label. */
export type ScoredRow = Pick<JoinedPrediction, 'output' | 'score' | 'proba' | 'label'>;

/**
 * The metrics of a window from its labelled predictions, computed exactly as scikit-learn would on the same rows.
 * `weights` (integers: how many times each row counts) let a window's state hold each distinct row once; an integer
 * weight gives exactly what repeating the row would.
 */
export function computeMetrics(
  spec: ModelSpec,
  rows: readonly ScoredRow[],
  weights?: readonly number[],
): WindowMetrics {
  // Plain loops throughout: a large window has 10^5 entries, and typed arrays built with a map function are slow.
  const labelled: ScoredRow[] = [];
  const keptWeights: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as ScoredRow;
    if (row.label === null || (weights !== undefined && !((weights[i] as number) > 0))) continue;
    labelled.push(row);
    if (weights !== undefined) keptWeights.push(weights[i] as number);
  }
  const n = labelled.length;
  if (n === 0) return {};
  const w = weights === undefined ? {} : { sampleWeight: Float64Array.from(keptWeights) };
  if (spec.task === 'regression') {
    const yTrue = new Float64Array(n);
    const yPred = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = labelled[i] as ScoredRow;
      yTrue[i] = Number(r.label);
      yPred[i] = Number(r.output);
    }
    return {
      mse: attempt(() => mse(yTrue, yPred, w)),
      rmse: attempt(() => rmse(yTrue, yPred, w)),
      mae: attempt(() => mae(yTrue, yPred, w)),
      mape: attempt(() => mape(yTrue, yPred, w)),
      r2: attempt(() => r2(yTrue, yPred, w)),
      explainedVariance: attempt(() => explainedVariance(yTrue, yPred, w)),
    };
  }
  const yTrue = new Array<ClassValue>(n);
  const yPred = new Array<ClassValue>(n);
  let scored = true;
  for (let i = 0; i < n; i++) {
    const r = labelled[i] as ScoredRow;
    yTrue[i] = r.label as ClassValue;
    yPred[i] = r.output;
    if (r.score === null) scored = false;
  }
  // One confusion count for every label-based metric (what accuracy_score, f1_score, … each count on their own).
  let counts: ConfusionState | undefined;
  const confusion = () => {
    counts ??= ConfusionState.from(yTrue, yPred, w.sampleWeight);
    return counts;
  };
  const metrics: WindowMetrics = {
    accuracy: attempt(() => confusion().accuracy()),
    balancedAccuracy: attempt(() => confusion().balancedAccuracy()),
  };
  if (spec.task === 'binary') {
    const pos = positiveClass(spec);
    const classes = sortClasses(modelClasses(spec) ?? []);
    metrics.precision = attempt(() => confusion().precision({ posLabel: pos }));
    metrics.recall = attempt(() => confusion().recall({ posLabel: pos }));
    metrics.f1 = attempt(() => confusion().f1({ posLabel: pos }));
    if (scored) {
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) scores[i] = (labelled[i] as ScoredRow).score as number;
      // scikit-learn scores binary targets by P(greater class); `score` is P(positiveClass).
      let greater = scores;
      if (pos !== classes[1]) {
        greater = new Float64Array(n);
        for (let i = 0; i < n; i++) greater[i] = 1 - (scores[i] as number);
      }
      metrics.rocAuc = attempt(() => rocAuc(yTrue, greater, w));
      metrics.logLoss = attempt(() => logLoss(yTrue, greater, { labels: classes, ...w }));
      metrics.brierScore = attempt(() => brierScore(yTrue, scores, { posLabel: pos, ...w }));
    }
  } else {
    const declared = modelClasses(spec);
    const labels = declared ? sortClasses(declared) : undefined;
    const options = { average: 'macro' as const, ...(labels ? { labels } : {}) };
    metrics.precision = attempt(() => confusion().precision(options));
    metrics.recall = attempt(() => confusion().recall(options));
    metrics.f1 = attempt(() => confusion().f1(options));
    if (labels && labelled.every((r) => r.proba !== null)) {
      const matrix = labelled.map((r) =>
        labels.map((c) => (r.proba as Record<string, number>)[String(c)] ?? 0),
      );
      metrics.rocAuc = attempt(() => rocAuc(yTrue, matrix, { multiClass: 'ovr', labels, ...w }));
      metrics.logLoss = attempt(() => logLoss(yTrue, matrix, { labels, ...w }));
    }
  }
  return metrics;
}
