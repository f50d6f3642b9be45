import {
  accuracy,
  balancedAccuracy,
  brierScore,
  explainedVariance,
  f1,
  logLoss,
  mae,
  mape,
  mse,
  precision,
  r2,
  recall,
  rmse,
  rocAuc,
} from '@steward/core';
import type { JoinedPrediction } from '../store/predictions.js';
import { type ClassValue, modelClasses, positiveClass } from './ingest-rows.js';
import type { MetricName, ModelSpec } from './model-spec.js';

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

/**
 * The metrics of a window from its labelled predictions, computed exactly as scikit-learn would on the same rows
 * (labels arrive late and may be corrected, so metrics are computed from the stored join, never incrementally).
 */
export function computeMetrics(spec: ModelSpec, rows: readonly JoinedPrediction[]): WindowMetrics {
  const labelled = rows.filter((r) => r.label !== null);
  if (labelled.length === 0) return {};
  if (spec.task === 'regression') {
    const yTrue = Float64Array.from(labelled, (r) => Number(r.label));
    const yPred = Float64Array.from(labelled, (r) => Number(r.output));
    return {
      mse: attempt(() => mse(yTrue, yPred)),
      rmse: attempt(() => rmse(yTrue, yPred)),
      mae: attempt(() => mae(yTrue, yPred)),
      mape: attempt(() => mape(yTrue, yPred)),
      r2: attempt(() => r2(yTrue, yPred)),
      explainedVariance: attempt(() => explainedVariance(yTrue, yPred)),
    };
  }
  const yTrue = labelled.map((r) => r.label as ClassValue);
  const yPred = labelled.map((r) => r.output);
  const metrics: WindowMetrics = {
    accuracy: attempt(() => accuracy(yTrue, yPred)),
    balancedAccuracy: attempt(() => balancedAccuracy(yTrue, yPred)),
  };
  if (spec.task === 'binary') {
    const pos = positiveClass(spec);
    const classes = sortClasses(modelClasses(spec) ?? []);
    metrics.precision = attempt(() => precision(yTrue, yPred, { posLabel: pos }));
    metrics.recall = attempt(() => recall(yTrue, yPred, { posLabel: pos }));
    metrics.f1 = attempt(() => f1(yTrue, yPred, { posLabel: pos }));
    if (labelled.every((r) => r.score !== null)) {
      const scores = Float64Array.from(labelled, (r) => r.score as number);
      // scikit-learn scores binary targets by P(greater class); `score` is P(positiveClass).
      const greater = pos === classes[1] ? scores : scores.map((s) => 1 - s);
      metrics.rocAuc = attempt(() => rocAuc(yTrue, greater));
      metrics.logLoss = attempt(() => logLoss(yTrue, greater, { labels: classes }));
      metrics.brierScore = attempt(() => brierScore(yTrue, scores, { posLabel: pos }));
    }
  } else {
    const declared = modelClasses(spec);
    const labels = declared ? sortClasses(declared) : undefined;
    const options = { average: 'macro' as const, ...(labels ? { labels } : {}) };
    metrics.precision = attempt(() => precision(yTrue, yPred, options));
    metrics.recall = attempt(() => recall(yTrue, yPred, options));
    metrics.f1 = attempt(() => f1(yTrue, yPred, options));
    if (labels && labelled.every((r) => r.proba !== null)) {
      const matrix = labelled.map((r) =>
        labels.map((c) => (r.proba as Record<string, number>)[String(c)] ?? 0),
      );
      metrics.rocAuc = attempt(() => rocAuc(yTrue, matrix, { multiClass: 'ovr', labels }));
      metrics.logLoss = attempt(() => logLoss(yTrue, matrix, { labels }));
    }
  }
  return metrics;
}
