import { randomUUID } from 'node:crypto';
import { mcnemarTest, sequentialPairedTest } from '@steward/core';
import type { Selectable } from 'kysely';
import type { ModelCatalog } from '../monitor/model-catalog.js';
import type { Registry } from '../registry/registry.js';
import type { Alias } from '../registry/version-records.js';
import { GATE_DEFAULTS, type ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, JoinedPrediction } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { labelledPredictionsSince } from '../store/prediction-reads.js';
import type { RolloutsTable } from '../store/schema.js';
import type { Clock } from '../time/clock.js';
import { computeMetrics } from '../window-state/window-metrics.js';
import { evaluateGate, type GateOutputs, gateOptionsOf } from './gate.js';

export type RolloutMode = 'shadow' | 'canary';
export type RolloutStatus = 'running' | 'promoted' | 'rolled-back' | 'superseded';

export interface Rollout {
  id: string;
  model: string;
  version: number;
  /** The production version when the rollout started: the one it is compared with. */
  baseline: number;
  mode: RolloutMode;
  share: number;
  minLabelled: number;
  tolerance: number;
  status: RolloutStatus;
  decision: unknown;
  startedAt: number;
  decidedAt: number | null;
}

export interface RolloutOptions {
  mode: RolloutMode;
  share?: number;
  minLabelled?: number;
  tolerance?: number;
  actor: string;
}

interface RolloutContext {
  store: StoreConnection;
  registry: Registry;
  clock: Clock;
}

const aliasOf = (mode: RolloutMode): Alias => (mode === 'shadow' ? 'shadow' : 'candidate');

function toRollout(r: Selectable<RolloutsTable>): Rollout {
  return {
    id: r.id,
    model: r.model,
    version: Number(r.version),
    baseline: Number(r.baseline),
    mode: r.mode as RolloutMode,
    share: r.share,
    minLabelled: Number(r.min_labelled),
    tolerance: r.tolerance,
    status: r.status as RolloutStatus,
    decision: r.decision === null ? null : JSON.parse(r.decision),
    startedAt: Number(r.started_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  };
}

/** Starts serving `version` as a shadow or a canary beside production; a running rollout of the model is superseded. */
export async function startRollout(
  context: RolloutContext,
  model: string,
  version: number,
  options: RolloutOptions,
): Promise<Rollout> {
  const production = await context.registry.resolve(model, 'production');
  if (!production) throw new Error(`model "${model}" has no production version to roll out beside`);
  if (production.version === version) throw new Error(`version ${version} is already production`);
  for (const running of await listRollouts(context.store, model, 'running')) {
    await context.store.db
      .updateTable('rollouts')
      .set({ status: 'superseded', decided_at: context.clock.now() })
      .where('id', '=', running.id)
      .execute();
    await context.registry.clearAlias(model, aliasOf(running.mode), {
      actor: options.actor,
      reason: 'superseded by a new rollout',
    });
  }
  await context.registry.promote(model, version, aliasOf(options.mode), {
    actor: options.actor,
    reason: `${options.mode} rollout`,
  });
  const row = {
    id: randomUUID(),
    model,
    version,
    baseline: production.version,
    mode: options.mode,
    share: options.mode === 'canary' ? (options.share ?? 0.1) : 1,
    min_labelled: options.minLabelled ?? 500,
    tolerance: options.tolerance ?? 0,
    status: 'running',
    decision: null,
    started_at: context.clock.now(),
    decided_at: null,
  };
  await context.store.db.insertInto('rollouts').values(row).execute();
  return toRollout(row);
}

export async function listRollouts(
  store: StoreConnection,
  model: string,
  status?: RolloutStatus,
): Promise<Rollout[]> {
  let q = store.db
    .selectFrom('rollouts')
    .selectAll()
    .where('model', '=', model)
    .orderBy('started_at', 'desc');
  if (status) q = q.where('status', '=', status);
  return (await q.execute()).map(toRollout);
}

function servedBy(store: StoreConnection, rollout: Rollout, version: number): Promise<JoinedPrediction[]> {
  return labelledPredictionsSince(store.db, rollout.model, String(version), rollout.startedAt);
}

/**
 * Decides running rollouts that have enough labelled evidence. Shadow: the promotion gate on the rows both versions
 * predicted (paired). Canary: the primary metric of each version on the labelled predictions it served since the
 * rollout began; the canary is promoted when it is at most `tolerance` worse, otherwise rolled back. Either way the
 * rollout's alias is cleared, and the decision is stored with its numbers.
 */
export async function evaluateRollouts(
  context: RolloutContext & { catalog: ModelCatalog },
  actor = 'rollout',
): Promise<Rollout[]> {
  const decided: Rollout[] = [];
  const running = await context.store.db
    .selectFrom('rollouts')
    .selectAll()
    .where('status', '=', 'running')
    .execute();
  for (const rollout of running.map(toRollout)) {
    const model = await context.catalog.get(rollout.model);
    if (!model) continue;
    const verdict =
      rollout.mode === 'shadow'
        ? await judgeShadow(context.store, model.spec, rollout)
        : await judgeCanary(context.store, model.spec, rollout);
    if (!verdict) continue;
    const reason = `${rollout.mode} rollout: ${verdict.summary}`;
    if (verdict.promote)
      await context.registry.promote(rollout.model, rollout.version, 'production', { actor, reason });
    await context.registry.clearAlias(rollout.model, aliasOf(rollout.mode), { actor, reason });
    const status: RolloutStatus = verdict.promote ? 'promoted' : 'rolled-back';
    const now = context.clock.now();
    await context.store.db
      .updateTable('rollouts')
      .set({ status, decision: JSON.stringify(verdict), decided_at: now })
      .where('id', '=', rollout.id)
      .where('status', '=', 'running')
      .execute();
    decided.push({ ...rollout, status, decision: verdict, decidedAt: now });
  }
  return decided;
}

interface Verdict {
  promote: boolean;
  summary: string;
  [key: string]: unknown;
}

async function judgeShadow(
  store: StoreConnection,
  spec: ModelSpec,
  rollout: Rollout,
): Promise<Verdict | undefined> {
  const production = await servedBy(store, rollout, rollout.baseline);
  const shadowRows = await store.db
    .selectFrom('shadow_predictions')
    .select(['id', 'output', 'score', 'proba'])
    .where('model', '=', rollout.model)
    .where('version', '=', rollout.version)
    .execute();
  const shadow = new Map(shadowRows.map((r) => [r.id, r]));
  const paired = production.filter((p) => shadow.has(p.id));
  const policy = spec.update?.rollout;
  if (policy?.decide === 'sequential' && spec.task !== 'regression')
    return judgeSequentially(
      'shadow',
      paired.map((p) => ({
        label: p.label as ClassValue,
        production: p.output,
        candidate: JSON.parse((shadow.get(p.id) as { output: string }).output) as ClassValue,
      })),
      spec.update?.gate.alpha ?? GATE_DEFAULTS.alpha,
      policy.maxLabelled,
    );
  if (paired.length < rollout.minLabelled) return undefined;
  const outputs = (
    rows: Array<{ output: ClassValue; score: number | null; proba: Record<string, number> | null }>,
  ): GateOutputs => {
    const o: GateOutputs = { output: rows.map((r) => r.output) };
    if (rows.every((r) => r.score !== null)) o.score = rows.map((r) => r.score as number);
    if (rows.every((r) => r.proba !== null)) o.proba = rows.map((r) => r.proba as Record<string, number>);
    return o;
  };
  const shadowOut = paired.map((p) => {
    const s = shadow.get(p.id) as (typeof shadowRows)[number];
    return {
      output: JSON.parse(s.output) as ClassValue,
      score: s.score,
      proba: s.proba === null ? null : (JSON.parse(s.proba) as Record<string, number>),
    };
  });
  const gate = spec.update?.gate;
  const decision = evaluateGate(
    spec,
    paired.map((p) => p.label as ClassValue),
    outputs(paired),
    outputs(shadowOut),
    gate ? gateOptionsOf(gate) : {},
  );
  return {
    promote: decision.promote,
    summary: `${paired.length} paired labelled rows; ${decision.reasons.join('; ')}`,
    gate: decision,
  };
}

/**
 * A shadow or canary judged after every labelled row: a mixture SPRT on the paired rows where it and production
 * disagree, promoting once the evidence that it is better reaches 1/alpha, rolling back once the evidence that it is
 * worse does, or at `maxLabelled` paired rows without either (valid however often it is looked at).
 */
function judgeSequentially(
  who: 'shadow' | 'canary',
  paired: ReadonlyArray<{ label: ClassValue; production: ClassValue; candidate: ClassValue }>,
  alpha: number,
  maxLabelled: number,
): Verdict | undefined {
  if (paired.length === 0) return undefined;
  const { b, c } = mcnemarTest(
    paired.map((p) => p.label),
    paired.map((p) => p.production),
    paired.map((p) => p.candidate),
  );
  const test = sequentialPairedTest(c, b);
  const threshold = Math.log(1 / alpha);
  const evidence = {
    rows: paired.length,
    b,
    c,
    evidenceBetter: Math.exp(test.logEvidenceBetter),
    evidenceWorse: Math.exp(test.logEvidenceWorse),
    threshold: 1 / alpha,
  };
  const counts = `${paired.length} paired labelled rows (production alone right on ${b}, the ${who} alone on ${c})`;
  if (test.logEvidenceBetter >= threshold)
    return {
      promote: true,
      summary: `${counts}; sequential test: evidence ${evidence.evidenceBetter.toPrecision(3)} ≥ ${1 / alpha} that the ${who} is better`,
      sequential: evidence,
    };
  if (test.logEvidenceWorse >= threshold)
    return {
      promote: false,
      summary: `${counts}; sequential test: evidence ${evidence.evidenceWorse.toPrecision(3)} ≥ ${1 / alpha} that the ${who} is worse`,
      sequential: evidence,
    };
  if (paired.length >= maxLabelled)
    return {
      promote: false,
      summary: `${counts}; sequential test: no evidence either way by maxLabelled ${maxLabelled} (better ${evidence.evidenceBetter.toPrecision(3)}, worse ${evidence.evidenceWorse.toPrecision(3)}, needs ${1 / alpha})`,
      sequential: evidence,
    };
  return undefined;
}

async function judgeCanary(
  store: StoreConnection,
  spec: ModelSpec,
  rollout: Rollout,
): Promise<Verdict | undefined> {
  const canary = await servedBy(store, rollout, rollout.version);
  const policy = spec.update?.rollout;
  if (policy?.decide === 'sequential' && spec.task !== 'regression') {
    // Production predicted the canary's rows too (serving does so for a sequential canary): pairs on those rows.
    const productionRows = await store.db
      .selectFrom('shadow_predictions')
      .select(['id', 'output'])
      .where('model', '=', rollout.model)
      .where('version', '=', rollout.baseline)
      .execute();
    const productionOutput = new Map(productionRows.map((r) => [r.id, r.output]));
    const paired = canary
      .filter((p) => productionOutput.has(p.id))
      .map((p) => ({
        label: p.label as ClassValue,
        production: JSON.parse(productionOutput.get(p.id) as string) as ClassValue,
        candidate: p.output,
      }));
    return judgeSequentially(
      'canary',
      paired,
      spec.update?.gate.alpha ?? GATE_DEFAULTS.alpha,
      policy.maxLabelled,
    );
  }
  if (canary.length < rollout.minLabelled) return undefined;
  const production = await servedBy(store, rollout, rollout.baseline);
  const metric = spec.update?.gate.primary ?? (spec.task === 'regression' ? 'rmse' : 'accuracy');
  const lowerIsBetter = ['logLoss', 'brierScore', 'mse', 'rmse', 'mae', 'mape'].includes(metric);
  const c = computeMetrics(spec, canary)[metric] ?? null;
  const p = computeMetrics(spec, production)[metric] ?? null;
  if (c === null || p === null)
    return { promote: false, summary: `${metric} is undefined on the rollout's rows`, metric };
  const improvement = lowerIsBetter ? p - c : c - p;
  const promote = improvement >= -rollout.tolerance;
  return {
    promote,
    summary: `${metric} canary ${c.toFixed(4)} on ${canary.length} vs production ${p.toFixed(4)} on ${production.length}: ${promote ? 'within' : 'worse than'} tolerance ${rollout.tolerance}`,
    metric,
    canary: { value: c, rows: canary.length },
    production: { value: p, rows: production.length },
    improvement,
  };
}
