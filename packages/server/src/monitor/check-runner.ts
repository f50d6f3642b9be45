import type { CheckSpec } from '../spec/model-spec.js';
import type { JoinedPrediction } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { type Clock, systemClock } from '../time/clock.js';
import { updateAlert } from './alerts.js';
import type { CheckResult } from './checks/check-result.js';
import { type CheckInput, evaluateCheck } from './checks/evaluate-check.js';
import { estimateWindow } from './estimated-windows.js';
import { windowStart } from './ingestion.js';
import type { LoadedModel, ModelCatalog } from './model-catalog.js';
import type { NotifierContext } from './notifiers.js';
import { resolveReference } from './references.js';
import { timeWindows, type WindowSummary } from './windows.js';

/** Drift checks compare at most this many of a window's predictions (the most recent are not favoured: the first N by time). */
const MAX_DRIFT_ROWS = 50_000;

export interface CheckRunSummary {
  /** Results recorded in this run, per model and check. */
  results: Array<{ model: string; check: string; windowStart: number; result: CheckResult }>;
}

/**
 * Runs every model's checks on windows that have closed (window end + labelGrace ≤ now) and were not checked yet.
 * Safe with several processes on one PostgreSQL: a window's result is recorded by whichever process advances the
 * check's position first (compare-and-set), the others drop theirs.
 */
export class CheckRunner {
  private running: Promise<CheckRunSummary> | undefined;

  constructor(
    private readonly store: StoreConnection,
    private readonly catalog: ModelCatalog,
    private readonly context: NotifierContext,
    /** Called after each recorded result (the update loop starts runs from failing checks here). */
    private readonly onResult?: (
      model: LoadedModel,
      check: CheckSpec,
      result: CheckResult,
      window: { start: number; end: number },
    ) => Promise<void>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Checks all models at `now` (default the clock's time); concurrent calls share one run. */
  runOnce(now = this.clock.now()): Promise<CheckRunSummary> {
    if (!this.running) {
      this.running = this.runAll(now).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async runAll(now: number): Promise<CheckRunSummary> {
    const summary: CheckRunSummary = { results: [] };
    for (const model of await this.catalog.list()) {
      for (const check of model.spec.checks) await this.runCheck(model, check, now, summary);
    }
    return summary;
  }

  private async runCheck(
    model: LoadedModel,
    check: CheckSpec,
    now: number,
    summary: CheckRunSummary,
  ): Promise<void> {
    const { spec } = model;
    const db = this.store.db;
    await db
      .insertInto('check_states')
      .values({ model: spec.name, check_name: check.name, last_window: null, state: null, updated_at: now })
      .onConflict((oc) => oc.columns(['model', 'check_name']).doNothing())
      .execute();
    // Realized metrics wait for the labels' grace period; an estimated one is judged as soon as the window closes.
    const estimated = check.type === 'metric' && check.estimated;
    const closedBefore = windowStart(now - (estimated ? 0 : spec.labelGrace), spec.window);
    let position = await db
      .selectFrom('check_states')
      .selectAll()
      .where('model', '=', spec.name)
      .where('check_name', '=', check.name)
      .executeTakeFirstOrThrow();
    const from = position.last_window === null ? 0 : Number(position.last_window) + spec.window;
    if (from >= closedBefore) return;
    const windows = await timeWindows(this.store, spec, {
      from,
      to: closedBefore,
      metrics: check.type === 'metric' || check.type === 'anomaly',
    });
    for (const window of windows) {
      const state = position.state === null ? undefined : (JSON.parse(position.state) as unknown);
      const outcome = await evaluateCheck(check, this.input(model, window, state, now));
      const nextState = outcome.state === undefined ? position.state : JSON.stringify(outcome.state);
      const claimed = await db.transaction().execute(async (trx) => {
        let update = trx
          .updateTable('check_states')
          .set({ last_window: window.start, state: nextState, updated_at: now })
          .where('model', '=', spec.name)
          .where('check_name', '=', check.name);
        update =
          position.last_window === null
            ? update.where('last_window', 'is', null)
            : update.where('last_window', '=', position.last_window);
        const result = await update.executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('check_results')
          .values({
            model: spec.name,
            check_name: check.name,
            window_start: window.start,
            window_end: window.end,
            status: outcome.result.status,
            value: outcome.result.value,
            message: outcome.result.message,
            detail: outcome.result.detail === undefined ? null : JSON.stringify(outcome.result.detail),
            created_at: now,
          })
          .execute();
        return true;
      });
      if (!claimed) return;
      position = { ...position, last_window: window.start, state: nextState };
      summary.results.push({
        model: spec.name,
        check: check.name,
        windowStart: window.start,
        result: outcome.result,
      });
      await updateAlert(this.store, spec, check, outcome.result, window, now, this.context);
      if (this.onResult) await this.onResult(model, check, outcome.result, window);
    }
  }

  private input(model: LoadedModel, window: WindowSummary, state: unknown, now: number): CheckInput {
    const { spec } = model;
    let labelled: Promise<JoinedPrediction[]> | undefined;
    let rows: Promise<JoinedPrediction[]> | undefined;
    return {
      spec,
      window,
      state,
      labelled: () => {
        labelled ??= queryPredictions(this.store.db, spec.name, {
          from: window.start,
          to: window.end,
          labelled: true,
        });
        return labelled;
      },
      rows: () => {
        rows ??= queryPredictions(this.store.db, spec.name, {
          from: window.start,
          to: window.end,
          features: true,
          limit: MAX_DRIFT_ROWS,
        });
        return rows;
      },
      reference: (check) => resolveReference(this.store, spec, check.reference, MAX_DRIFT_ROWS),
      estimate: () => estimateWindow(this.store, spec, window, now),
    };
  }
}
