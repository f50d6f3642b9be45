import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StoreConnection } from '../store/open-store.js';

export interface Job {
  id: string;
  kind: string;
  model: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

export interface EnqueueResult {
  job: Job;
  /** False when the model already had an update queued or running: that one is returned instead. */
  created: boolean;
}

/**
 * A durable job queue in the store. A claimed job is leased to one worker for `leaseMs` and the worker renews the
 * lease while it runs; a job whose worker died is claimed again once its lease expires, until `maxAttempts`. On
 * PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so any number of workers never take one job twice; a model has at
 * most one update job queued or running at a time (enqueue returns the existing one).
 */
export class JobQueue {
  constructor(
    private readonly store: StoreConnection,
    /** How long a claimed job stays a worker's without a heartbeat (the worker renews it a third of the way in). */
    readonly leaseMs = 60_000,
  ) {}

  async enqueue(kind: string, model: string, payload: unknown, maxAttempts = 3): Promise<EnqueueResult> {
    return this.store.db.transaction().execute(async (trx) => {
      if (this.store.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${`jobs/${model}`}))`.execute(trx);
      const existing = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('model', '=', model)
        .where('kind', '=', kind)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (existing) return { job: toJob(existing), created: false };
      const row = {
        id: randomUUID(),
        kind,
        model,
        payload: JSON.stringify(payload),
        status: 'queued',
        attempts: 0,
        max_attempts: maxAttempts,
        locked_by: null,
        locked_until: null,
        error: null,
        created_at: Date.now(),
        started_at: null,
        finished_at: null,
      };
      await trx.insertInto('jobs').values(row).execute();
      return { job: toJob(row), created: true };
    });
  }

  /** Takes the oldest runnable job (queued, or running with an expired lease) for `worker`, if any. */
  async claim(worker: string, now = Date.now()): Promise<Job | undefined> {
    return this.store.db.transaction().execute(async (trx) => {
      // A job whose lease ran out lost its worker mid-run: that attempt's run is closed as failed, so no run stays
      // `running` forever, whether the job is tried again or not.
      const abandoned = await trx
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'running')
        .where('locked_until', '<', now)
        .execute();
      if (abandoned.length > 0)
        await trx
          .updateTable('update_runs')
          .set({
            status: 'failed',
            outcome:
              'the worker running it stopped before it finished (its lease expired); the job is tried again if attempts are left; production unchanged',
            finished_at: now,
          })
          .where(
            'job_id',
            'in',
            abandoned.map((j) => j.id),
          )
          .where('status', '=', 'running')
          .execute();
      // Jobs out of attempts whose lease ran out are failed, not run again.
      await trx
        .updateTable('jobs')
        .set({
          status: 'failed',
          error: 'the worker stopped (lease expired) and no attempts are left',
          finished_at: now,
          locked_by: null,
        })
        .where('status', '=', 'running')
        .where('locked_until', '<', now)
        .whereRef('attempts', '>=', 'max_attempts')
        .execute();
      let pick = trx
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('status', '=', 'queued'),
            eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
          ]),
        )
        .orderBy('created_at')
        .limit(1);
      if (this.store.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const found = await pick.executeTakeFirst();
      if (!found) return undefined;
      const claimed = await trx
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          locked_by: worker,
          locked_until: now + this.leaseMs,
          attempts: eb('attempts', '+', 1),
          started_at: now,
        }))
        .where('id', '=', found.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(claimed);
    });
  }

  /** Extends the lease; false if the job is no longer this worker's (it was presumed dead and re-claimed). */
  async heartbeat(job: Job, worker: string, now = Date.now()): Promise<boolean> {
    const result = await this.store.db
      .updateTable('jobs')
      .set({ locked_until: now + this.leaseMs })
      .where('id', '=', job.id)
      .where('locked_by', '=', worker)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finish(job: Job, worker: string, outcome: { error?: string } = {}): Promise<void> {
    const now = Date.now();
    const retry = outcome.error !== undefined && job.attempts < job.maxAttempts;
    await this.store.db
      .updateTable('jobs')
      .set({
        status: outcome.error === undefined ? 'succeeded' : retry ? 'queued' : 'failed',
        error: outcome.error ?? null,
        locked_by: null,
        locked_until: null,
        finished_at: retry ? null : now,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', worker)
      .execute();
  }

  async get(id: string): Promise<(Job & { status: string; error: string | null }) | undefined> {
    const row = await this.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...toJob(row), status: row.status, error: row.error } : undefined;
  }
}

function toJob(row: {
  id: string;
  kind: string;
  model: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}): Job {
  return {
    id: row.id,
    kind: row.kind,
    model: row.model,
    payload: JSON.parse(row.payload),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
  };
}
