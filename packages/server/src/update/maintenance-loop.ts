import type { CheckRunner, CheckRunSummary } from '../monitor/check-runner.js';
import type { Ingestion } from '../monitor/ingestion.js';
import { dropStaleWaitingLabels } from '../store/label-upserts.js';
import type { JobQueue } from './job-queue.js';
import { evaluateRollouts, type Rollout } from './rollouts.js';
import type { UpdateRun } from './run-record.js';
import { enqueueDueUpdates } from './triggers.js';
import type { UpdateContext } from './update-run.js';
import type { UpdateWorker } from './update-worker.js';

/** What one tick did. */
export interface TickReport {
  /** The clock's time the tick judged. */
  at: number;
  /** Shadow and canary rollouts decided. */
  rollouts: Rollout[];
  /** Check results recorded (windows that closed). */
  checks: CheckRunSummary['results'];
  /** Models whose scheduled update was queued. */
  queued: string[];
  /** Update runs finished in this tick (only when the tick waits for them). */
  runs: UpdateRun[];
  /** Labels still waiting for their predictions, by model, when this tick looked (about once a minute). */
  waitingLabels?: Record<string, number>;
}

/** How often (wall time) a loop reconciles the labels waiting for their predictions. */
const RECONCILE_MS = 60_000;

export interface TickOptions {
  /**
   * Wait for the queued update runs to finish before resolving (a backtest: the next simulated moment must see
   * their outcome). Production does not: the worker drains the queue while the next ticks go on judging windows.
   */
  awaitRuns?: boolean;
  /** Called as each run finishes, before the tick resolves. */
  onRun?: (run: UpdateRun) => void;
}

export interface MaintenanceParts {
  context: UpdateContext;
  jobs: JobQueue;
  /** Judges closed windows; absent in a process that only runs jobs (`steward worker`). */
  checks?: CheckRunner;
  /** Decides rollouts and queues scheduled updates; false in a process that only runs jobs. */
  decides: boolean;
  /** Runs queued update jobs; absent when other processes run them (`steward serve --no-worker`). */
  worker?: UpdateWorker;
  /** Counts labels that waited for their predictions into the windows' states (a server's loop). */
  ingestion?: Ingestion;
  log: (line: string) => void;
}

/**
 * The maintenance loop: one `tick(now)` decides running rollouts, judges the windows that closed by `now` (failing
 * checks queue their updates), queues the updates a schedule or new labels make due, and drains the job queue.
 * Production ticks on a timer with the system clock; a backtest ticks on its simulated clock, through the same
 * code. Ticks never overlap: a tick called while one runs starts after it.
 */
export class MaintenanceLoop {
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<unknown> = Promise.resolve();
  private draining: Promise<UpdateRun[]> | undefined;
  private reconciledAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly parts: MaintenanceParts) {}

  tick(now = this.parts.context.clock.now(), options: TickOptions = {}): Promise<TickReport> {
    const next = this.last.then(
      () => this.run(now, options),
      () => this.run(now, options),
    );
    this.last = next.catch(() => undefined);
    return next;
  }

  /** Ticks every `intervalMs` of wall time on the clock's time, until stopped; failures are logged, not thrown. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.tick().catch((error: Error) =>
        this.parts.log(
          JSON.stringify({ level: 'error', msg: 'maintenance tick failed', error: error.message }),
        ),
      );
    }, intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when the tick and the update run in progress, if any, have finished. */
  async idle(): Promise<void> {
    await this.last;
    await this.draining?.catch(() => undefined);
  }

  private async run(now: number, options: TickOptions): Promise<TickReport> {
    const { context, jobs, checks, decides, worker } = this.parts;
    const report: TickReport = { at: now, rollouts: [], checks: [], queued: [], runs: [] };
    if (decides) report.rollouts = await evaluateRollouts(context);
    if (checks) report.checks = (await checks.runOnce(now)).results;
    if (decides) report.queued = await enqueueDueUpdates(context.store, context.catalog, jobs, now);
    if (decides && performance.now() - this.reconciledAt >= RECONCILE_MS) {
      this.reconciledAt = performance.now();
      report.waitingLabels = {};
      const models = await context.catalog.list();
      // Label deltas of models that went quiet are folded into their windows' states.
      await this.parts.ingestion?.foldLabelDeltas(models);
      for (const model of models) {
        // Labels whose predictions came while nobody looked (a crash in between) are counted now.
        await this.parts.ingestion?.matchWaitingLabels(model);
        const { waiting, dropped } = await dropStaleWaitingLabels(context.store.db, model.spec.name, now);
        report.waitingLabels[model.spec.name] = waiting;
        if (dropped > 0)
          this.parts.log(
            JSON.stringify({
              level: 'warn',
              msg: 'dropped labels whose predictions never arrived',
              model: model.spec.name,
              dropped,
            }),
          );
      }
    }
    if (worker) {
      this.draining ??= worker.drain(options.onRun).finally(() => {
        this.draining = undefined;
      });
      if (options.awaitRuns) report.runs = await this.draining;
      else this.draining.catch(() => undefined);
    }
    return report;
  }
}
