import type { StewardClient } from '@steward/client';
import { GradientBoostingClassifier, LogisticRegression, SGDClassifier } from '@steward/core';
import type { StewardApp } from '../http/app.js';
import { enqueueDueUpdates } from '../update/triggers.js';
import type { UpdateRun } from '../update/update-run.js';
import { ELEC2_EPOCH, ELEC2_FEATURE_NAMES, type Elec2Row, HALF_HOUR, ROWS_PER_DAY } from './elec2-data.js';
import { type ReplayStrategy, replayModelSpec } from './replay-strategies.js';

const DAY = 86_400_000;

export type ReplayEvent =
  | { kind: 'check'; time: number; check: string; status: string; message: string }
  | { kind: 'update'; time: number; run: UpdateRun; cpuMs: number };

export interface ReplayOptions {
  /** The in-process server: the replay drives its checks and update worker on the replay's clock. */
  app: StewardApp;
  /** The same server over HTTP: predictions go through its serving endpoint, labels through its API. */
  client: StewardClient;
  rows: readonly Elec2Row[];
  strategy: ReplayStrategy;
  model?: string;
  /** Version 1 is trained on these first days (default 28). */
  trainDays?: number;
  /** Labels arrive this many days after their predictions (default 1). */
  labelDelayDays?: number;
  /** Stop after this many days of traffic (default: the whole stream). */
  days?: number;
  /** Also store the training data as the drift reference and check drift (the dashboard's heatmap). */
  drift?: boolean;
  /** Wait this long after each day, so a person can watch the dashboard change. */
  paceMs?: number;
  onEvent?: (event: ReplayEvent) => void;
  onDay?: (done: number, total: number, summary: ReplaySummary) => void;
}

export interface ReplaySummary {
  strategy: string;
  /** Replayed (served and labelled) rows. */
  rows: number;
  days: number;
  /** Prequential accuracy over the replayed rows: what was served, version 1 alone, and the previous label. */
  accuracy: { maintained: number; static: number; noChange: number };
  updates: { runs: number; promoted: number; rejected: number; failed: number; skipped: number };
  /** CPU time the update runs took in this process. */
  updateCpuMs: number;
  wallMs: number;
  productionVersion: number | undefined;
}

function trainInitial(kind: ReplayStrategy['initial'], rows: readonly Elec2Row[]) {
  const X = rows.map((r) => ELEC2_FEATURE_NAMES.map((f) => r.features[f]));
  const y = rows.map((r) => r.label);
  if (kind === 'SGDClassifier') return new SGDClassifier({ loss: 'log_loss' }).fit(X, y);
  if (kind === 'GradientBoostingClassifier') return new GradientBoostingClassifier().fit(X, y);
  return new LogisticRegression().fit(X, y);
}

/**
 * Replays Elec2 as production traffic on a simulated clock: version 1 is trained on the first weeks and
 * promoted; then day by day the rows are predicted through the serving endpoint, the previous day's labels are
 * sent, checks judge the windows that closed, and due update runs train, gate and promote for real.
 */
export async function replayElec2(options: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const { app, client, rows, strategy } = options;
  const name = options.model ?? 'elec2';
  const trainDays = options.trainDays ?? 28;
  const delay = options.labelDelayDays ?? 1;
  const first = trainDays * ROWS_PER_DAY;
  const totalDays = Math.min(
    Math.floor((rows.length - first) / ROWS_PER_DAY),
    options.days ?? Number.POSITIVE_INFINITY,
  );
  if (totalDays < 1) throw new Error(`the stream has no day to replay after the ${trainDays} training days`);

  await client.putModel(replayModelSpec(name, strategy, options.drift ?? false));
  if (options.drift)
    await client.putReference(
      name,
      'training',
      rows.slice(0, first).map((r) => r.features),
    );
  const initial = trainInitial(strategy.initial, rows.slice(0, first));
  await client.uploadVersion(name, Buffer.from(JSON.stringify(initial.toJSON())), {
    description: `version 1: ${strategy.initial} on the first ${trainDays} days`,
    lineage: { strategy: 'initial', trainingDays: trainDays },
  });
  await client.promote(name, 1, 'production', 'the replay starts');

  const served: Array<0 | 1 | null> = [];
  const summary: ReplaySummary = {
    strategy: strategy.name,
    rows: 0,
    days: 0,
    accuracy: { maintained: Number.NaN, static: Number.NaN, noChange: Number.NaN },
    updates: { runs: 0, promoted: 0, rejected: 0, failed: 0, skipped: 0 },
    updateCpuMs: 0,
    wallMs: 0,
    productionVersion: 1,
  };
  const lastStatus = new Map<string, string>();
  const timeOf = (i: number) => ELEC2_EPOCH + i * HALF_HOUR;
  let hits = 0;
  let labelled = 0;
  const sendLabels = async (day: number) => {
    const from = first + day * ROWS_PER_DAY;
    if (day < 0 || day >= totalDays) return;
    for (let k = 0; k < ROWS_PER_DAY; k++) {
      labelled++;
      if (served[day * ROWS_PER_DAY + k] === rows[from + k]?.label) hits++;
    }
    // Running: over the labelled rows so far; the final figure covers every replayed row.
    summary.accuracy.maintained = hits / labelled;
    await client.logLabels(
      name,
      rows.slice(from, from + ROWS_PER_DAY).map((r, k) => ({ predictionId: `r${from + k}`, label: r.label })),
    );
  };
  const settle = async (now: number) => {
    const checks = await app.context.checks.runOnce(now);
    for (const r of checks.results) {
      const before = lastStatus.get(r.check) ?? 'ok';
      if (r.result.status === 'skipped') continue;
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
    await enqueueDueUpdates(app.context.store, app.context.catalog, app.context.jobs);
    for (;;) {
      const cpu = process.cpuUsage();
      const run = await app.context.worker.runOnce();
      if (!run) break;
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      summary.updateCpuMs += cpuMs;
      summary.updates.runs++;
      if (run.status === 'promoted') {
        summary.updates.promoted++;
        summary.productionVersion = run.candidateVersion ?? summary.productionVersion;
      } else if (run.status === 'rejected') summary.updates.rejected++;
      else if (run.status === 'failed') summary.updates.failed++;
      else summary.updates.skipped++;
      options.onEvent?.({ kind: 'update', time: now - 1, run, cpuMs });
    }
  };

  for (let day = 0; day < totalDays; day++) {
    const from = first + day * ROWS_PER_DAY;
    const today = rows.slice(from, from + ROWS_PER_DAY);
    const answers = await client.predict(
      name,
      today.map((r, k) => ({ id: `r${from + k}`, time: timeOf(from + k), features: r.features })),
    );
    for (const a of answers) served.push(a.output === 0 || a.output === 1 ? a.output : null);
    await sendLabels(day - delay);
    await settle(timeOf(from) + DAY);
    summary.days = day + 1;
    summary.rows = served.length;
    options.onDay?.(day + 1, totalDays, summary);
    if (options.paceMs) await new Promise((resolve) => setTimeout(resolve, options.paceMs));
  }
  for (let d = totalDays - delay; d < totalDays; d++) await sendLabels(d);
  await settle(timeOf(first + totalDays * ROWS_PER_DAY) + DAY * (delay + 1));

  const replayed = rows.slice(first, first + served.length);
  const staticOutputs = Array.from(
    initial.predict(replayed.map((r) => ELEC2_FEATURE_NAMES.map((f) => r.features[f]))),
  );
  const share = (hit: (r: Elec2Row, i: number) => boolean) =>
    replayed.filter((r, i) => hit(r, i)).length / replayed.length;
  summary.accuracy = {
    maintained: share((r, i) => served[i] === r.label),
    static: share((r, i) => staticOutputs[i] === r.label),
    noChange: share((r, i) => rows[first + i - 1]?.label === r.label),
  };
  summary.productionVersion = (await client.aliases(name)).current.production;
  summary.wallMs = Date.now() - started;
  return summary;
}
