import { randomUUID } from 'node:crypto';
import type { JobQueue } from './job-queue.js';
import type { UpdateRun, UpdateTrigger } from './run-record.js';
import { runUpdate, type UpdateContext } from './update-run.js';

export { UPDATE_JOB } from './triggers.js';

/**
 * Takes update jobs from the queue and runs them, renewing the job's lease while the run lasts. Driven by the
 * maintenance loop of `steward serve`, or alone in `steward worker` (any number of them on one PostgreSQL).
 */
export class UpdateWorker {
  readonly id: string;
  private busy: Promise<UpdateRun | undefined> | undefined;

  constructor(
    private readonly queue: JobQueue,
    private readonly context: UpdateContext,
    private readonly log: (line: string) => void,
    id: string = `worker-${randomUUID().slice(0, 8)}`,
  ) {
    this.id = id;
  }

  /** Runs one job if one is waiting; resolves with its run (undefined when the queue was empty). */
  runOnce(): Promise<UpdateRun | undefined> {
    this.busy ??= this.takeOne().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  /** Runs jobs until none is waiting; resolves with the runs, in order. */
  async drain(onRun?: (run: UpdateRun) => void): Promise<UpdateRun[]> {
    const runs: UpdateRun[] = [];
    for (;;) {
      const run = await this.runOnce();
      if (!run) return runs;
      runs.push(run);
      onRun?.(run);
    }
  }

  /** Resolves when the run in progress, if any, has finished (without taking a new job). */
  async idle(): Promise<void> {
    await this.busy?.catch(() => undefined);
  }

  private async takeOne(): Promise<UpdateRun | undefined> {
    const job = await this.queue.claim(this.id);
    if (!job) return undefined;
    const heartbeat = setInterval(
      () => void this.queue.heartbeat(job, this.id).catch(() => {}),
      Math.max(100, Math.floor(this.queue.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      const trigger = (job.payload as { trigger?: UpdateTrigger }).trigger ?? { kind: 'manual' };
      const run = await runUpdate(this.context, job.model, trigger, job.id);
      await this.queue.finish(
        job,
        this.id,
        run.status === 'failed' ? { error: run.outcome ?? 'failed' } : {},
      );
      this.log(
        JSON.stringify({
          level: run.status === 'failed' ? 'error' : 'info',
          msg: 'update run finished',
          model: job.model,
          status: run.status,
          outcome: run.outcome,
        }),
      );
      return run;
    } catch (error) {
      await this.queue.finish(job, this.id, { error: (error as Error).message });
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  }
}
