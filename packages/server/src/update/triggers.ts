import type { CheckResult } from '../monitor/checks/check-result.js';
import type { LoadedModel, ModelCatalog } from '../monitor/model-catalog.js';
import type { CheckSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import type { JobQueue } from './job-queue.js';

export const UPDATE_JOB = 'update';

/**
 * The check rule: a check result queues an update run when the model's policy names the check (and it warned or
 * failed), or says `onFailingChecks: any` and the check failed. Returns whether a run was queued.
 */
export async function enqueueForCheck(
  jobs: JobQueue,
  model: LoadedModel,
  check: CheckSpec,
  result: CheckResult,
  window: { start: number; end: number },
): Promise<boolean> {
  const policy = model.spec.update;
  if (!policy || (result.status !== 'failing' && result.status !== 'warning')) return false;
  const named = policy.onFailingChecks !== 'any' && policy.onFailingChecks.includes(check.name);
  if (!named && !(policy.onFailingChecks === 'any' && result.status === 'failing')) return false;
  await jobs.enqueue(UPDATE_JOB, model.spec.name, {
    trigger: { kind: 'check', check: check.name, windowStart: window.start },
  });
  return true;
}

/**
 * Queues the update runs that time or data make due: `update.every` after the last run started, or once
 * `update.newLabels` labels have arrived since then. (Failing checks queue theirs as they are judged.)
 */
export async function enqueueDueUpdates(
  store: StoreConnection,
  catalog: ModelCatalog,
  jobs: JobQueue,
  now = Date.now(),
): Promise<string[]> {
  const queued: string[] = [];
  for (const model of await catalog.list()) {
    const policy = model.spec.update;
    if (!policy || (policy.every === undefined && policy.newLabels === undefined)) continue;
    const last = await store.db
      .selectFrom('update_runs')
      .select((eb) => eb.fn.max('started_at').as('t'))
      .where('model', '=', model.spec.name)
      .executeTakeFirst();
    const since = last?.t === null || last?.t === undefined ? model.createdAt : Number(last.t);
    let reason: string | undefined;
    if (policy.every !== undefined && now - since >= policy.every)
      reason = `schedule: every ${policy.every} ms`;
    if (!reason && policy.newLabels !== undefined) {
      const row = await store.db
        .selectFrom('labels')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('model', '=', model.spec.name)
        .where('ingested_at', '>=', since)
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= policy.newLabels) reason = `${Number(row.n)} new labels (≥ ${policy.newLabels})`;
    }
    if (!reason) continue;
    const { created } = await jobs.enqueue(UPDATE_JOB, model.spec.name, {
      trigger: { kind: 'schedule', reason },
    });
    if (created) queued.push(model.spec.name);
  }
  return queued;
}
