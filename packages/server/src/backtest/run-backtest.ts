import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricName } from '../spec/model-spec.js';
import { detectPeriod, noChange, seasonalNaive } from './baselines.js';
import { type EstimationTracking, trackEstimates } from './estimation-tracking.js';
import { type BacktestPlan, type PreparedBacktest, planOf, prepareBacktest } from './plan.js';
import {
  prequentialMetrics,
  reportWindows,
  type StrategyOutputs,
  windowRows,
  windowSeries,
} from './prequential.js';
import type { ReplayEvent, ReplayProgress, ReplayResult } from './replay.js';
import { runReplays } from './run-replays.js';
import { describeSpan, formatDuration } from './span.js';

export interface BacktestOptions extends BacktestPlan {
  /** Where the replays' stores go (each `<policy>.db`); default a temporary folder removed at the end. */
  storeDir?: string;
  /** Replays at a time (default: one per core, at most one per replay). */
  jobs?: number;
  /** Seasonal naive: the season's length (default detected on the training span) and how many to combine. */
  period?: number;
  seasons?: number;
  /** Replay the first policy in this process with its server and dashboard on this port, kept running after. */
  serve?: { port: number; host?: string; paceMs?: number; onListening?: (url: string) => void };
  progress?: NodeJS.WriteStream;
  onPrepared?: (prepared: PreparedBacktest) => void;
  onProgress?: (replay: string, progress: ReplayProgress) => void;
  onEvent?: (replay: string, event: ReplayEvent) => void;
}

export interface StrategyReport {
  name: string;
  kind: 'policy' | 'baseline';
  description: string;
  metrics: Partial<Record<MetricName, number>>;
  /** Update runs and their outcomes (replayed strategies). */
  runs?: ReplayResult['runs'];
  rollouts?: ReplayResult['rollouts'];
  productionVersion?: number;
  /** CPU of the whole replay (serving, storing, checks, updates), and of the maintenance loop's ticks alone. */
  cpuSeconds?: number;
  maintenanceCpuSeconds?: number;
  wallSeconds?: number;
  /** Where the served version changed: the first row each new version answered. */
  versionChanges?: Array<{ time: number; version: number }>;
  /**
   * How the accuracy (classifiers, CBPE) or MAE (regressors, DLE) the server estimated without labels as each window
   * closed tracked the realized one, and how much earlier an estimated twin of the policy's check on it would have
   * alerted.
   */
  estimation?: EstimationTracking | null;
}

export interface BacktestReport {
  data: string;
  model: string;
  task: string;
  label: string;
  /** Rows scored (after the training span, with a label), and rows that trained version 1. */
  rows: number;
  trainRows: number;
  from: string;
  to: string;
  /** The history has no time: its rows were replayed in order (`from` and `to` then mean nothing). */
  rowOrder?: boolean;
  delay: string;
  cadence: string;
  train: string;
  /** The seasonal naive baseline's season, and how many it combines. */
  period: string | null;
  seasons: number;
  /** The metric the policies are judged by (their gate's primary metric). */
  primary: MetricName;
  lowerIsBetter: boolean;
  strategies: StrategyReport[];
  /** The primary metric per report window, per strategy, and a rolling version of it for charts. */
  windows: {
    start: number[];
    rows: number[];
    values: Record<string, Array<number | null>>;
    rolling: { windows: number; values: Record<string, Array<number | null>> };
  };
  wallSeconds: number;
}

export interface BacktestResult {
  report: BacktestReport;
  /** With `serve`: the first policy's server, still running; close it when done. */
  server?: ReplayResult['server'];
  storeDir: string;
}

const LOWER_IS_BETTER = new Set<MetricName>(['logLoss', 'brierScore', 'mse', 'rmse', 'mae', 'mape']);

/**
 * Replays a labelled history through the real maintenance loop once per policy (and once for the ungated
 * schedule), computes the delay-matched baselines, and reports prequential metrics, cost and the timeline.
 */
export async function backtest(options: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  const prepared = await prepareBacktest(options, options.progress);
  options.onPrepared?.(prepared);
  const { history, timeline, policies, replays } = prepared;
  const temporary = options.storeDir === undefined;
  const storeDir = options.storeDir
    ? resolve(options.storeDir)
    : mkdtempSync(join(tmpdir(), 'steward-backtest-'));
  let results: ReplayResult[];
  try {
    results = await runReplays(planOf(options), prepared, {
      storeDir,
      jobs: Math.max(1, options.jobs ?? Math.min(availableParallelism(), replays.length)),
      ...(options.serve ? { serve: options.serve } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  } finally {
    if (temporary && !options.serve) rmSync(storeDir, { recursive: true, force: true });
  }

  const primaryPolicy = policies[0] as PreparedBacktest['policies'][number];
  const spec = primaryPolicy.spec;
  const primary: MetricName = spec.update?.gate.primary ?? (spec.task === 'regression' ? 'rmse' : 'accuracy');
  // In row order the rows' spacing is made up: no season to find.
  const period =
    options.period ?? ('rowOrder' in history.timeSource ? undefined : detectPeriod(history, timeline));
  const seasons = options.seasons ?? 1;
  const first = results[0] as ReplayResult;

  const strategies: Array<{ report: StrategyReport; outputs: StrategyOutputs }> = [];
  const replayed = (
    result: ReplayResult,
    kind: StrategyReport['kind'],
    description: string,
  ): { report: StrategyReport; outputs: StrategyOutputs } => ({
    report: {
      name: result.policy,
      kind,
      description,
      metrics: {},
      runs: result.runs,
      rollouts: result.rollouts,
      productionVersion: result.productionVersion,
      cpuSeconds: round(result.cpuSeconds),
      maintenanceCpuSeconds: round(result.maintenanceCpuSeconds),
      wallSeconds: round(result.wallSeconds),
      versionChanges: versionChanges(result, history.times, timeline.trainEnd),
    },
    outputs: { outputs: result.outputs, scores: result.scores },
  });
  const labelWaitMs = (policySpec: typeof spec) =>
    Math.max(
      policySpec.labelGrace,
      'ms' in timeline.delay ? timeline.delay.ms : timeline.delay.rows * timeline.medianStep,
    );
  policies.forEach((p, i) => {
    const result = results[i] as ReplayResult;
    const strategy = replayed(result, 'policy', p.description);
    strategy.report.estimation = roundTracking(
      trackEstimates({
        estimates: result.estimates,
        spec: p.spec,
        history,
        outputs: result.outputs,
        trainEnd: timeline.trainEnd,
        labelWaitMs: labelWaitMs(p.spec),
      }),
    );
    strategies.push(strategy);
  });
  strategies.push({
    report: {
      name: 'static',
      kind: 'baseline',
      description: `version 1 of ${primaryPolicy.name} (${primaryPolicy.initial.kind} on the training span), never updated`,
      metrics: {},
    },
    outputs: { outputs: first.staticOutputs, scores: first.staticScores },
  });
  strategies.push({
    report: {
      name: 'no-change',
      kind: 'baseline',
      description: `the last label known when the row is served (labels ${describeSpan(timeline.delay)} late)`,
      metrics: {},
    },
    outputs: { outputs: noChange(history, timeline) },
  });
  if (period !== undefined)
    strategies.push({
      report: {
        name: 'seasonal-naive',
        kind: 'baseline',
        description:
          seasons === 1
            ? `the last known label one season (${formatDuration(period)}) before`
            : `the ${history.task === 'regression' ? 'mean' : 'most frequent'} of the last ${seasons} known labels ${formatDuration(period)} apart`,
        metrics: {},
      },
      outputs: { outputs: seasonalNaive(history, timeline, { period, seasons }) },
    });
  if (results.length > policies.length) {
    const ungated = replays[replays.length - 1] as PreparedBacktest['replays'][number];
    strategies.push(replayed(results[results.length - 1] as ReplayResult, 'baseline', ungated.description));
  }

  const windows = reportWindows(timeline);
  const smooth = Math.max(1, Math.round(windows.start.length / 40));
  const values: Record<string, Array<number | null>> = {};
  const rolling: Record<string, Array<number | null>> = {};
  for (const s of strategies) {
    s.report.metrics = prequentialMetrics(spec, history, timeline, s.outputs);
    values[s.report.name] = windowSeries(spec, primary, history, timeline, windows, s.outputs).map(round4);
    rolling[s.report.name] = windowSeries(spec, primary, history, timeline, windows, s.outputs, smooth).map(
      round4,
    );
  }
  const report: BacktestReport = {
    data: options.data,
    model: prepared.model,
    task: history.task,
    label: history.label,
    rows: countScored(history, timeline),
    trainRows: timeline.trainEnd,
    from: new Date(history.times[timeline.trainEnd] as number).toISOString(),
    to: new Date(history.times[history.rows - 1] as number).toISOString(),
    ...('rowOrder' in history.timeSource ? { rowOrder: true } : {}),
    delay: describeSpan(timeline.delay),
    cadence: describeSpan(timeline.cadence),
    train: describeSpan(timeline.train),
    period: period === undefined ? null : formatDuration(period),
    seasons,
    primary,
    lowerIsBetter: LOWER_IS_BETTER.has(primary),
    strategies: strategies.map((s) => s.report),
    windows: {
      start: windows.start,
      rows: windowRows(history, windows),
      values,
      rolling: { windows: smooth, values: rolling },
    },
    wallSeconds: round((performance.now() - started) / 1000),
  };
  return { report, ...(first.server ? { server: first.server } : {}), storeDir };
}

function countScored(history: PreparedBacktest['history'], timeline: PreparedBacktest['timeline']): number {
  let n = 0;
  for (let i = timeline.trainEnd; i < history.rows; i++) if (history.labels[i] !== null) n++;
  return n;
}

function versionChanges(
  result: ReplayResult,
  times: Float64Array,
  trainEnd: number,
): Array<{ time: number; version: number }> {
  const changes: Array<{ time: number; version: number }> = [];
  let last = 0;
  result.versions.forEach((v, i) => {
    if (v !== last) changes.push({ time: times[trainEnd + i] as number, version: v });
    last = v;
  });
  return changes;
}

const round = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);

function roundTracking(tracking: EstimationTracking | null): EstimationTracking | null {
  if (!tracking) return null;
  const { check } = tracking;
  return {
    ...tracking,
    meanAbsoluteError: Math.round(tracking.meanAbsoluteError * 1e4) / 1e4,
    coverage: Math.round(tracking.coverage * 1e4) / 1e4,
    check: check && {
      ...check,
      meanLeadWindows: check.meanLeadWindows === null ? null : round4(check.meanLeadWindows),
    },
  };
}
