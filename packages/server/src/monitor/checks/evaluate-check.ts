import {
  type ColumnDriftOptions,
  createAnomalyDetector,
  createDetector,
  detectDrift,
  restoreAnomalyDetector,
  restoreDetector,
  type SeriesAnomalyDetector,
} from '@steward/core';
import type { CheckSpec, ModelSpec } from '../../spec/model-spec.js';
import type { JoinedPrediction } from '../../spec/records.js';
import { driftColumns } from '../drift-columns.js';
import type { EstimatedMetrics } from '../estimation/estimate-state.js';
import type { WindowSummary } from '../windows.js';
import { type CheckResult, skipped, tripped } from './check-result.js';

/** What a check needs about one closed window; loaded lazily so cheap checks stay cheap. */
export interface CheckInput {
  spec: ModelSpec;
  window: WindowSummary;
  /** Labelled predictions of the window, oldest first. */
  labelled(): Promise<JoinedPrediction[]>;
  /** Predictions of the window with their features (capped sample). */
  rows(): Promise<JoinedPrediction[]>;
  /** The reference rows a drift check compares with, or a reason it has none. */
  reference(check: Extract<CheckSpec, { type: 'drift' }>): Promise<Array<Record<string, unknown>> | string>;
  /** The window's metrics estimated without labels (CBPE, DLE), or why there are none. */
  estimate(): Promise<EstimatedMetrics | string>;
  /** The check's persisted state (detector or anomaly detector), if any. */
  state: unknown;
}

export interface CheckOutcome {
  result: CheckResult;
  /** New persisted state; undefined keeps the old. */
  state?: unknown;
}

export async function evaluateCheck(check: CheckSpec, input: CheckInput): Promise<CheckOutcome> {
  switch (check.type) {
    case 'metric':
      return {
        result: check.estimated ? await estimatedMetricCheck(check, input) : metricCheck(check, input.window),
      };
    case 'dataQuality':
      return { result: qualityCheck(check, input) };
    case 'drift':
      return { result: await driftCheck(check, input) };
    case 'detector':
      return detectorCheck(check, input);
    case 'anomaly':
      return anomalyCheck(check, input);
  }
}

function metricCheck(check: Extract<CheckSpec, { type: 'metric' }>, window: WindowSummary): CheckResult {
  if (window.labelled < check.minLabels) {
    return skipped(`${window.labelled} labelled predictions, fewer than minLabels ${check.minLabels}`);
  }
  const value = window.metrics[check.metric];
  if (value === undefined || value === null) return skipped(`${check.metric} is undefined for this window`);
  return judgeMetric(check, value, check.metric);
}

/** The metric estimated without labels (CBPE, DLE), judged when the window closes: every message says "estimated". */
async function estimatedMetricCheck(
  check: Extract<CheckSpec, { type: 'metric' }>,
  input: CheckInput,
): Promise<CheckResult> {
  const estimate = await input.estimate();
  if (typeof estimate === 'string') return skipped(`estimated ${check.metric}: ${estimate}`);
  const value = estimate[check.metric as keyof EstimatedMetrics];
  if (value === undefined) return skipped(`estimated ${check.metric}: not estimated for this model`);
  return judgeMetric(check, value, `estimated ${check.metric}`);
}

function judgeMetric(
  check: Extract<CheckSpec, { type: 'metric' }>,
  value: number,
  label: string,
): CheckResult {
  const shown = value.toFixed(4);
  if (check.min !== undefined && value < check.min)
    return { status: tripped(check.severity), value, message: `${label} ${shown} < min ${check.min}` };
  if (check.max !== undefined && value > check.max)
    return { status: tripped(check.severity), value, message: `${label} ${shown} > max ${check.max}` };
  const near =
    (check.min !== undefined && value < check.min + check.warnMargin) ||
    (check.max !== undefined && value > check.max - check.warnMargin);
  if (near && check.warnMargin > 0)
    return { status: 'warning', value, message: `${label} ${shown} within ${check.warnMargin} of its bound` };
  return { status: 'ok', value, message: `${label} ${shown}` };
}

function qualityCheck(check: Extract<CheckSpec, { type: 'dataQuality' }>, input: CheckInput): CheckResult {
  const worst: Array<{ feature: string; missingShare: number }> = [];
  let max = 0;
  const profile = input.window.profile;
  if (!profile) throw new Error('a data-quality check needs the window read with its profile');
  for (const [name, summary] of profile.features) {
    const share = summary.total > 0 ? summary.missing / summary.total : 0;
    max = Math.max(max, share);
    if (share > check.maxMissingShare) worst.push({ feature: name, missingShare: share });
  }
  if (worst.length === 0)
    return { status: 'ok', value: max, message: `missing share at most ${max.toFixed(4)}` };
  return {
    status: tripped(check.severity),
    value: max,
    message: `${worst.length} feature(s) over ${check.maxMissingShare} missing: ${worst.map((w) => `${w.feature} ${w.missingShare.toFixed(3)}`).join(', ')}`,
    detail: worst,
  };
}

async function driftCheck(
  check: Extract<CheckSpec, { type: 'drift' }>,
  input: CheckInput,
): Promise<CheckResult> {
  const reference = await input.reference(check);
  if (typeof reference === 'string') return skipped(reference);
  const rows = await input.rows();
  if (rows.length < check.minRows)
    return skipped(`${rows.length} predictions, fewer than minRows ${check.minRows}`);
  const columns = check.columns ?? input.spec.features.map((f) => f.name);
  const current = rows.map((r) => r.features as Record<string, never>);
  const report = detectDrift(reference as Array<Record<string, never>>, current, {
    columns,
    driftShare: check.driftShare,
    perColumn: withMethods(driftColumns(input.spec), check.methods),
  });
  const drifted = report.columns.filter((c) => c.drifted);
  // A drifted text column says which terms moved: the ones that most tell this window from the reference.
  const named = (c: (typeof drifted)[number]) => {
    const parts: string[] = [];
    if (c.tokens?.current.length)
      parts.push(
        `more ${c.tokens.current
          .slice(0, 5)
          .map((t) => `"${t.token}"`)
          .join(', ')}`,
      );
    const unseen = c.quality.outOfVocabulary?.share;
    if (unseen) parts.push(`${(100 * unseen).toFixed(1)}% of words unseen in the reference`);
    return parts.length > 0 ? `${c.column}: ${parts.join(', ')}` : c.column;
  };
  const message = `${report.driftedColumns} of ${report.columnCount} columns drifted${drifted.length ? ` (${drifted.map(named).join('; ')})` : ''}`;
  return {
    status: report.datasetDrift ? tripped(check.severity) : 'ok',
    value: report.driftShare,
    message,
    detail: report,
  };
}

/** The spec's column types with the check's own methods and thresholds on top. */
function withMethods(
  types: Record<string, ColumnDriftOptions>,
  methods: Record<string, ColumnDriftOptions> | undefined,
): Record<string, ColumnDriftOptions> {
  const merged: Record<string, ColumnDriftOptions> = { ...types };
  for (const [column, own] of Object.entries(methods ?? {})) merged[column] = { ...types[column], ...own };
  return merged;
}

/** Feeds the window's error stream (0/1 misclassification, or absolute error for regression) to a persisted detector. */
async function detectorCheck(
  check: Extract<CheckSpec, { type: 'detector' }>,
  input: CheckInput,
): Promise<CheckOutcome> {
  const detector = input.state
    ? restoreDetector(input.state as Parameters<typeof restoreDetector>[0])
    : createDetector(check.detector, check.options);
  const rows = await input.labelled();
  if (rows.length === 0) return { result: skipped('no labelled predictions in this window') };
  const errors = Float64Array.from(rows, (r) =>
    input.spec.task === 'regression'
      ? Math.abs(Number(r.label) - Number(r.output))
      : r.label === r.output
        ? 0
        : 1,
  );
  const events = detector.updateMany(errors);
  const state = detector.toJSON();
  const errorRate = errors.reduce((a, b) => a + b, 0) / errors.length;
  if (events.drifts.length > 0) {
    const at = rows[events.drifts[0] as number] as JoinedPrediction;
    return {
      result: {
        status: tripped(check.severity),
        value: errorRate,
        message: `${check.detector} signalled drift at prediction ${at.id} (${new Date(at.time).toISOString()})`,
        detail: {
          drifts: events.drifts.map((i) => rows[i]?.id),
          warnings: events.warnings.map((i) => rows[i]?.id),
        },
      },
      state,
    };
  }
  if (detector.warningDetected) {
    return {
      result: { status: 'warning', value: errorRate, message: `${check.detector} is in its warning zone` },
      state,
    };
  }
  return {
    result: {
      status: 'ok',
      value: errorRate,
      message: `${check.detector}: no drift in ${rows.length} labelled predictions`,
    },
    state,
  };
}

function anomalyDetector(
  check: Extract<CheckSpec, { type: 'anomaly' }>,
  state: unknown,
): SeriesAnomalyDetector {
  return state
    ? restoreAnomalyDetector(state as { kind: string })
    : createAnomalyDetector(check.method, check.options);
}

/** Judges this window's metric against the band the series so far predicts; the band goes in the detail for charts. */
function anomalyCheck(check: Extract<CheckSpec, { type: 'anomaly' }>, input: CheckInput): CheckOutcome {
  const value = check.metric === 'count' ? input.window.count : input.window.metrics[check.metric];
  if (value === undefined || value === null)
    return { result: skipped(`${check.metric} is undefined for this window`) };
  const detector = anomalyDetector(check, input.state);
  const point = detector.update(value);
  const band =
    point.expected === null
      ? 'warming up'
      : `expected ${point.expected.toFixed(4)} in [${point.lower?.toFixed(4)}, ${point.upper?.toFixed(4)}]`;
  return {
    result: {
      status: point.anomaly ? tripped(check.severity) : 'ok',
      value,
      message: `${check.metric} ${value.toFixed(4)}${point.anomaly ? ' is anomalous' : ''}: ${band}`,
      detail: point,
    },
    state: detector.toJSON(),
  };
}
