import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StewardApiError, StewardClient } from '@steward/client';
import { createApp, type StewardApp } from '../http/app.js';
import { MAX_REFERENCE_ROWS } from '../monitor/references.js';
import { stewardPredictor } from '../registry/predictor.js';
import type { ModelVersion } from '../registry/version-records.js';
import { buildVocabulary } from '../registry/vocabulary.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import { openStore, type StoreConnection } from '../store/open-store.js';
import { SimulatedClock } from '../time/clock.js';
import type { TickReport } from '../update/maintenance-loop.js';
import type { UpdateRun } from '../update/run-record.js';
import { trainFresh } from '../update/train-fresh.js';
import type { WindowEstimate } from './estimation-tracking.js';
import type { History } from './history.js';
import { historyLabelFeatures } from './history-label-features.js';
import type { BacktestPolicy } from './policy.js';
import type { Timeline } from './timeline.js';

/** Something the loop did during a replay, at a simulated time. */
export type ReplayEvent =
  | { kind: 'check'; time: number; check: string; status: string; message: string }
  | {
      kind: 'run';
      time: number;
      run: Pick<UpdateRun, 'id' | 'status' | 'outcome' | 'trigger' | 'candidateVersion'>;
    }
  | { kind: 'rollout'; time: number; version: number; mode: string; status: string; summary: string };

export interface ReplayProgress {
  ticks: number;
  totalTicks: number;
  /** Accuracy (classification) or mean absolute error (regression) of the served rows labelled so far. */
  running: number | null;
  productionVersion: number;
}

export interface ReplayOptions {
  policy: BacktestPolicy;
  history: History;
  timeline: Timeline;
  /** The model's name in the store. */
  model: string;
  /** This replay's store is `<storeDir>/<policy>.db`, its artifacts beside it; both are made afresh. */
  storeDir: string;
  /** Listen on this port (the demo's dashboard); default any free loopback port. */
  port?: number;
  host?: string;
  /** After the last row, send the labels that arrive later too (so every window shows its metrics). */
  lateLabels?: boolean;
  /** Keep the server running after the replay: the result then holds it, and its owner closes it. */
  keep?: boolean;
  /** Wait this long after each step, so a person can watch the dashboard change. */
  paceMs?: number;
  /** Called once the server listens, with its URL. */
  onListening?: (url: string) => void;
  onProgress?: (progress: ReplayProgress) => void;
  onEvent?: (event: ReplayEvent) => void;
}

/** What a policy served, row by row, and what keeping the model cost. Index i is row `trainEnd + i`. */
export interface ReplayResult {
  policy: string;
  outputs: Array<ClassValue | null>;
  /** Binary: P(positive class) as served; null when the model gives none. */
  scores: Array<number | null>;
  /** The version that answered each row. */
  versions: number[];
  /** Version 1 alone on every row: the static baseline. */
  staticOutputs: Array<ClassValue | null>;
  staticScores: Array<number | null>;
  runs: {
    started: number;
    promoted: number;
    rejected: number;
    failed: number;
    skipped: number;
    rollingOut: number;
  };
  rollouts: { promoted: number; rolledBack: number };
  productionVersion: number;
  /**
   * The accuracy (classifiers, CBPE) or MAE (regressors, DLE) the server estimated without labels (`GET …/estimated`)
   * for each window as it closed, fitted on the labels it had by then.
   */
  estimates: WindowEstimate[];
  /**
   * CPU of the whole replay in its process (serving, storing, checking, updating; not the estimates' reads, which
   * only the backtest makes), and of the loop's ticks alone.
   */
  cpuSeconds: number;
  maintenanceCpuSeconds: number;
  wallSeconds: number;
  /** Present when `keep` was set: the running server (its dashboard) and how to stop it. */
  server?: { url: string; app: StewardApp; close(): Promise<void> };
}

const PREDICT_CHUNK = 5_000;
const LABEL_CHUNK = 10_000;

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/**
 * Replays a history through a real Steward server on a simulated clock: version 1 is trained on the training span
 * and promoted; then at every cadence step the labels that have arrived are sent, the maintenance loop ticks
 * (rollouts, checks, due update runs, gate, promotions) and the step's rows are served through the predict
 * endpoint, each at its own time. The same code path as production, only the clock is simulated.
 */
export async function replayPolicy(options: ReplayOptions): Promise<ReplayResult> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const { policy, history, timeline, model } = options;
  const { trainEnd } = timeline;
  const spec = policy.spec;
  // The features clients send; Steward computes those from labels (`fromLabels`) when it serves.
  const names = spec.features.filter((f) => !f.fromLabels).map((f) => f.name);
  const columns = names.map((name) => history.features.find((f) => f.name === name));
  const rowOf = (i: number): Record<string, FeatureValue> => {
    const row: Record<string, FeatureValue> = {};
    for (let k = 0; k < names.length; k++) {
      const v = columns[k]?.values[i];
      row[names[k] as string] = typeof v === 'number' ? (Number.isNaN(v) ? null : v) : (v ?? null);
    }
    return row;
  };
  const fromLabels = historyLabelFeatures(spec, history, timeline);
  const modelRowOf = fromLabels ? (i: number) => ({ ...rowOf(i), ...fromLabels[i] }) : rowOf;
  const idOf = (i: number) => history.ids?.[i] ?? `r${i}`;

  mkdirSync(options.storeDir, { recursive: true });
  const dbPath = join(options.storeDir, `${policy.name}.db`);
  const artifactDir = join(options.storeDir, `${policy.name}-artifacts`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  rmSync(artifactDir, { recursive: true, force: true });

  const clock = new SimulatedClock(timeline.ticks[0]?.at ?? (history.times[trainEnd] as number));
  const store: StoreConnection = await openStore({ url: dbPath });
  const steward = await createApp({ store, clock, artifactDir, notifier: { log: () => {} } });
  let url: string;
  try {
    url = await steward.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await steward.app.close();
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE'
        ? `port ${options.port} is in use: pass another --port (0 for any free one)`
        : (error as Error).message,
    );
  }
  const close = async () => {
    await steward.app.close();
    await store.close();
  };
  options.onListening?.(url);
  try {
    const client = new StewardClient({ url, timeoutMs: 600_000 });
    await client.putModel(spec as never);

    const training: Array<{ features: Record<string, FeatureValue>; label: ClassValue }> = [];
    for (let i = 0; i < trainEnd; i++) {
      const label = history.labels[i];
      if (label !== null && label !== undefined) training.push({ features: modelRowOf(i), label });
    }
    if (usesTrainingReference(policy)) {
      const step = Math.max(1, Math.ceil(training.length / MAX_REFERENCE_ROWS));
      const sample = training.filter((_, k) => k % step === 0);
      await client.putReference(
        model,
        'training',
        sample.map((r) => ({ ...r.features, label: r.label })),
      );
    }
    const initial = trainFresh(spec, policy.initial, training).model;
    const initialBytes = Buffer.from(JSON.stringify(initial.toJSON()));
    await client.uploadVersion(model, initialBytes, {
      description: `version 1: ${policy.initial.kind} on the training span (${training.length} labelled rows)`,
      lineage: { strategy: 'initial', learner: policy.initial.kind, rows: training.length },
    });
    // As a user who trained outside Steward would: the words version 1 learnt, so windows count the unseen ones.
    const textColumns = spec.features.filter((f) => f.type === 'text').map((f) => f.name);
    if (textColumns.length > 0)
      await client.putVocabulary(
        model,
        1,
        buildVocabulary(
          textColumns,
          training.map((r) => r.features),
        ).columns,
      );
    await client.promote(model, 1, 'production', 'the backtest starts');

    // Label features read the labels in the store: the training span goes in first, as version 1's predictions,
    // with their labels sent as they arrive, as a deployment that logged its history would have them.
    if (fromLabels) {
      const predictor = stewardPredictor(policy.spec, { version: 1 } as ModelVersion, initialBytes);
      for (let start = 0; start < trainEnd; start += PREDICT_CHUNK) {
        const end = Math.min(trainEnd, start + PREDICT_CHUNK);
        const rows: Array<Record<string, FeatureValue>> = [];
        for (let i = start; i < end; i++) rows.push(modelRowOf(i));
        const answers = await predictor.predict(rows);
        await client.logPredictions(
          model,
          answers.map((a, k) => ({
            id: idOf(start + k),
            time: history.times[start + k] as number,
            version: '1',
            features: rows[k] as Record<string, FeatureValue>,
            output: a.output,
            ...(a.score !== null ? { score: a.score } : {}),
            ...(a.proba !== null ? { proba: a.proba } : {}),
          })),
        );
      }
    }

    const scored = history.rows - trainEnd;
    const outputs: Array<ClassValue | null> = new Array(scored).fill(null);
    const scores: Array<number | null> = new Array(scored).fill(null);
    const versions: number[] = new Array(scored).fill(0);
    const runs = { started: 0, promoted: 0, rejected: 0, failed: 0, skipped: 0, rollingOut: 0 };
    const rollouts = { promoted: 0, rolledBack: 0 };
    let productionVersion = 1;
    let servingVersion = 1;
    let maintenanceCpu = 0;
    const lastStatus = new Map<string, string>();
    const estimates: WindowEstimate[] = [];
    let estimatedUntil = windowStart(history.times[trainEnd] as number, spec.window);
    let estimationCpu = 0;
    // What a dashboard would have shown for the windows closed by `at`, read as it closes: the estimate is calibrated
    // on the labels the store has then, never on later ones.
    const readEstimates = async (at: number) => {
      const closed = windowStart(at, spec.window);
      if (closed <= estimatedUntil) return;
      const cpu = process.cpuUsage();
      try {
        const view = await client.estimated(model, { from: estimatedUntil, to: closed });
        for (const w of view.windows) {
          const [start, end] = [Date.parse(w.start), Date.parse(w.end)];
          const e = w.estimated ?? {};
          const [value, standardError] =
            spec.task === 'regression' ? [e.mae, e.maeStandardError] : [e.accuracy, e.accuracyStandardError];
          if (value !== undefined && standardError !== undefined && start >= estimatedUntil && end <= closed)
            estimates.push({ start, end, value, standardError });
        }
      } catch (error) {
        // 409: not enough labelled scores to calibrate on yet; those windows go unestimated, as they would live.
        if (!(error instanceof StewardApiError && error.status === 409)) throw error;
      }
      estimatedUntil = closed;
      estimationCpu += cpuSeconds(cpu);
    };
    let nextLabel = fromLabels ? 0 : trainEnd;
    let served = trainEnd;
    let labelled = 0;
    let runningSum = 0;

    const sendLabels = async (until: number) => {
      const batch: Array<{ predictionId: string; label: ClassValue; time: number }> = [];
      for (; nextLabel < served; nextLabel++) {
        const label = history.labels[nextLabel];
        // A row without a label never gets one: it holds up none of the labels after it.
        if (label === null || label === undefined) continue;
        if ((timeline.arrival[nextLabel] as number) > until) break;
        batch.push({ predictionId: idOf(nextLabel), label, time: timeline.arrival[nextLabel] as number });
        if (nextLabel < trainEnd) continue;
        const out = outputs[nextLabel - trainEnd];
        labelled++;
        runningSum +=
          history.task === 'regression' ? Math.abs(Number(out) - Number(label)) : out === label ? 1 : 0;
      }
      for (let k = 0; k < batch.length; k += LABEL_CHUNK)
        await client.logLabels(model, batch.slice(k, k + LABEL_CHUNK));
    };
    const record = (report: TickReport) => {
      for (const r of report.checks) {
        if (r.result.status === 'skipped') continue;
        const before = lastStatus.get(r.check) ?? 'ok';
        lastStatus.set(r.check, r.result.status);
        if (r.result.status !== before)
          options.onEvent?.({
            kind: 'check',
            time: r.windowStart,
            check: r.check,
            status: r.result.status,
            message: r.result.message,
          });
      }
      for (const run of report.runs) {
        runs.started++;
        if (run.status === 'promoted') {
          runs.promoted++;
          productionVersion = run.candidateVersion ?? productionVersion;
        } else if (run.status === 'rejected') runs.rejected++;
        else if (run.status === 'failed') runs.failed++;
        else if (run.status === 'rolling-out') runs.rollingOut++;
        else runs.skipped++;
        options.onEvent?.({
          kind: 'run',
          time: report.at,
          run: {
            id: run.id,
            status: run.status,
            outcome: run.outcome,
            trigger: run.trigger,
            candidateVersion: run.candidateVersion,
          },
        });
      }
      for (const rollout of report.rollouts) {
        if (rollout.status === 'promoted') {
          rollouts.promoted++;
          productionVersion = rollout.version;
        } else rollouts.rolledBack++;
        options.onEvent?.({
          kind: 'rollout',
          time: report.at,
          version: rollout.version,
          mode: rollout.mode,
          status: rollout.status,
          summary: String((rollout.decision as { summary?: unknown } | null)?.summary ?? ''),
        });
      }
    };

    const serve = async (from: number, to: number) => {
      const rows = [];
      for (let i = from; i < to; i++)
        rows.push({ id: idOf(i), time: history.times[i] as number, features: rowOf(i) });
      clock.set(history.times[to - 1] as number);
      const answers = await client.predict(model, rows);
      answers.forEach((a, k) => {
        const i = from + k - trainEnd;
        outputs[i] = a.output;
        scores[i] = a.score;
        // A canary's rows keep production's number: the timeline shows production changing.
        if (a.variant === 'production') servingVersion = a.version;
        versions[i] = servingVersion;
      });
      served = to;
    };
    // A label arriving between two of a step's rows reaches the server before the later row is served: label
    // features read what the server had by each row's time, as they would in production.
    const labelArrivesBy = (i: number) => {
      if (fromLabels === undefined) return false;
      while (nextLabel < i && history.labels[nextLabel] == null) nextLabel++;
      return nextLabel < i && (timeline.arrival[nextLabel] as number) <= (history.times[i] as number);
    };

    for (const [t, tick] of timeline.ticks.entries()) {
      clock.set(tick.at);
      await sendLabels(tick.at);
      const cpu = process.cpuUsage();
      record(await steward.context.loop.tick(tick.at, { awaitRuns: true }));
      maintenanceCpu += cpuSeconds(cpu);
      await readEstimates(tick.at);
      let from = tick.from;
      for (let i = tick.from; i < tick.to; i++) {
        if (i - from >= PREDICT_CHUNK || (i > from && labelArrivesBy(i))) {
          await serve(from, i);
          from = i;
        }
        if (labelArrivesBy(i)) {
          clock.set(history.times[i] as number);
          await sendLabels(history.times[i] as number);
        }
      }
      if (from < tick.to) await serve(from, tick.to);
      if (options.paceMs) await new Promise((resolve) => setTimeout(resolve, options.paceMs));
      options.onProgress?.({
        ticks: t + 1,
        totalTicks: timeline.ticks.length,
        running: labelled === 0 ? null : runningSum / labelled,
        productionVersion,
      });
    }
    if (options.lateLabels) {
      let last = clock.now();
      for (let i = nextLabel; i < history.rows; i++) {
        const a = timeline.arrival[i] as number;
        if (Number.isFinite(a)) last = Math.max(last, a);
      }
      clock.set(last);
      await sendLabels(last);
    }

    const { staticOutputs, staticScores } = await predictStatic(
      policy,
      initialBytes,
      modelRowOf,
      trainEnd,
      history.rows,
    );
    const result: ReplayResult = {
      policy: policy.name,
      outputs,
      scores,
      versions,
      staticOutputs,
      staticScores,
      runs,
      rollouts,
      productionVersion: (await client.aliases(model)).current.production ?? productionVersion,
      estimates,
      cpuSeconds: cpuSeconds(cpuStart) - estimationCpu,
      maintenanceCpuSeconds: maintenanceCpu,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
    if (options.keep) result.server = { url, app: steward, close };
    else await close();
    return result;
  } catch (error) {
    await close();
    throw error;
  }
}

function usesTrainingReference(policy: BacktestPolicy): boolean {
  const { spec } = policy;
  return (
    spec.checks.some((c) => c.type === 'drift' && c.reference === 'training') ||
    spec.update?.referenceSample?.name === 'training'
  );
}

async function predictStatic(
  policy: BacktestPolicy,
  bytes: Buffer,
  rowOf: (i: number) => Record<string, FeatureValue>,
  from: number,
  to: number,
): Promise<{ staticOutputs: Array<ClassValue | null>; staticScores: Array<number | null> }> {
  const predictor = stewardPredictor(policy.spec, { version: 1 } as ModelVersion, bytes);
  const staticOutputs: Array<ClassValue | null> = [];
  const staticScores: Array<number | null> = [];
  for (let start = from; start < to; start += PREDICT_CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(to, start + PREDICT_CHUNK); i++) rows.push(rowOf(i));
    for (const p of await predictor.predict(rows)) {
      staticOutputs.push(p.output);
      staticScores.push(p.score);
    }
  }
  return { staticOutputs, staticScores };
}
