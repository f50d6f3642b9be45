// An update run's record: its trigger, its steps as they finish, its outcome; stored as it goes, listed by page.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreConnection } from '../store/open-store.js';
import type { UpdateRunsTable } from '../store/schema.js';
import type { Clock } from '../time/clock.js';

export interface UpdateTrigger {
  kind: 'manual' | 'check' | 'schedule';
  reason?: string;
  check?: string;
  windowStart?: number;
  actor?: string;
}

export interface RunStep {
  name: 'dataset' | 'train' | 'evaluate' | 'refit' | 'register' | 'promote';
  status: 'done' | 'failed' | 'skipped';
  startedAt: number;
  finishedAt: number;
  /** How long the step took on the machine (wall time), whatever the clock says. */
  seconds: number;
  detail: Record<string, unknown>;
}

export type RunStatus = 'running' | 'promoted' | 'rolling-out' | 'rejected' | 'skipped' | 'failed';

export interface UpdateRun {
  id: string;
  model: string;
  jobId: string | null;
  trigger: UpdateTrigger;
  status: RunStatus;
  steps: RunStep[];
  /** In words: what happened and why. */
  outcome: string | null;
  candidateVersion: number | null;
  startedAt: number;
  finishedAt: number | null;
}

/** Writes a run as it goes: each step is saved when it finishes (or fails), the outcome when the run ends. */
export class RunRecorder {
  readonly run: UpdateRun;

  private constructor(
    private readonly store: StoreConnection,
    private readonly clock: Clock,
    run: UpdateRun,
  ) {
    this.run = run;
  }

  /** A new run, stored as `running`. */
  static async start(
    store: StoreConnection,
    clock: Clock,
    model: string,
    trigger: UpdateTrigger,
    jobId: string | null,
  ): Promise<RunRecorder> {
    const run: UpdateRun = {
      id: randomUUID(),
      model,
      jobId,
      trigger,
      status: 'running',
      steps: [],
      outcome: null,
      candidateVersion: null,
      startedAt: clock.now(),
      finishedAt: null,
    };
    await store.db
      .insertInto('update_runs')
      .values({
        id: run.id,
        model,
        job_id: jobId,
        trigger: JSON.stringify(trigger),
        status: run.status,
        steps: '[]',
        outcome: null,
        candidate_version: null,
        started_at: run.startedAt,
        finished_at: null,
      })
      .execute();
    return new RunRecorder(store, clock, run);
  }

  /** Runs one step: its times (the run's clock) and wall seconds, and its detail or error, are recorded. */
  async step<T>(
    name: RunStep['name'],
    work: () => Promise<{ value: T; detail: Record<string, unknown> }>,
  ): Promise<T> {
    const startedAt = this.clock.now();
    const wall = performance.now();
    const seconds = () => Math.round(performance.now() - wall) / 1000;
    try {
      const { value, detail } = await work();
      this.run.steps.push({
        name,
        status: 'done',
        startedAt,
        finishedAt: this.clock.now(),
        seconds: seconds(),
        detail,
      });
      await this.save();
      return value;
    } catch (error) {
      this.run.steps.push({
        name,
        status: 'failed',
        startedAt,
        finishedAt: this.clock.now(),
        seconds: seconds(),
        detail: { error: (error as Error).message },
      });
      throw error;
    }
  }

  /** A step that did not run, with why. */
  skip(name: RunStep['name'], detail: Record<string, unknown>): void {
    const now = this.clock.now();
    this.run.steps.push({ name, status: 'skipped', startedAt: now, finishedAt: now, seconds: 0, detail });
  }

  async finish(status: RunStatus, outcome: string): Promise<UpdateRun> {
    this.run.status = status;
    this.run.outcome = outcome;
    this.run.finishedAt = this.clock.now();
    await this.save();
    return this.run;
  }

  private save() {
    return this.store.db
      .updateTable('update_runs')
      .set({
        status: this.run.status,
        steps: JSON.stringify(this.run.steps),
        outcome: this.run.outcome,
        candidate_version: this.run.candidateVersion,
        finished_at: this.run.finishedAt,
      })
      .where('id', '=', this.run.id)
      .execute();
  }
}

/** Where a page of runs ends: the last run's start and id (runs may share a start time). */
export interface RunCursor {
  startedAt: number;
  id: string;
}

/** A model's runs, newest first: `limit` of them after `cursor` (the last run of the page before). */
export async function listRuns(
  store: StoreConnection,
  model: string,
  limit = 50,
  cursor?: RunCursor,
): Promise<UpdateRun[]> {
  let query = store.db
    .selectFrom('update_runs')
    .selectAll()
    .where('model', '=', model)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (cursor)
    query = query.where((eb) =>
      eb.or([
        eb('started_at', '<', cursor.startedAt),
        eb.and([eb('started_at', '=', cursor.startedAt), eb('id', '<', cursor.id)]),
      ]),
    );
  return (await query.execute()).map(runOf);
}

/** One run of a model by its id; undefined when there is none. */
export async function getRun(
  store: StoreConnection,
  model: string,
  id: string,
): Promise<UpdateRun | undefined> {
  const row = await store.db
    .selectFrom('update_runs')
    .selectAll()
    .where('model', '=', model)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? runOf(row) : undefined;
}

function runOf(r: Selectable<UpdateRunsTable>): UpdateRun {
  return {
    id: r.id,
    model: r.model,
    jobId: r.job_id,
    trigger: JSON.parse(r.trigger) as UpdateTrigger,
    status: r.status as RunStatus,
    steps: JSON.parse(r.steps) as RunStep[],
    outcome: r.outcome,
    candidateVersion: r.candidate_version === null ? null : Number(r.candidate_version),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}
