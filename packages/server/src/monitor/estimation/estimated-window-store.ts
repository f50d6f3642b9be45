// Estimates of closed windows, kept in `estimated_windows` once made (see migration 012): a window is estimated the
// first time it is asked for after it closed, by whichever server, and every later read and check sees those numbers.
import type { Db } from '../../store/schema.js';
import type { EstimateState } from './estimate-state.js';
import type { EstimatorInfo } from './estimators.js';

export interface StoredEstimate {
  start: number;
  /** The window's predictions when it was estimated (the state counts only those it could estimate from). */
  windowRows: number;
  state: EstimateState;
  estimator: EstimatorInfo;
}

export async function storedEstimates(
  db: Db,
  model: string,
  range: { from: number; to: number },
): Promise<Map<number, StoredEstimate>> {
  const rows = await db
    .selectFrom('estimated_windows')
    .select(['window_start', 'window_rows', 'state', 'estimator'])
    .where('model', '=', model)
    .where('window_start', '>=', range.from)
    .where('window_start', '<', range.to)
    .execute();
  return new Map(
    rows.map((r) => [
      Number(r.window_start),
      {
        start: Number(r.window_start),
        windowRows: Number(r.window_rows),
        state: JSON.parse(r.state) as EstimateState,
        estimator: JSON.parse(r.estimator) as EstimatorInfo,
      },
    ]),
  );
}

/**
 * Keeps the estimates; a window another server estimated first keeps that server's numbers, unless `replace` (an
 * estimate made again because predictions came into the window after it was kept).
 */
export async function storeEstimates(
  db: Db,
  model: string,
  estimates: readonly StoredEstimate[],
  now: number,
  replace = false,
): Promise<void> {
  if (estimates.length === 0) return;
  await db
    .insertInto('estimated_windows')
    .values(
      estimates.map((e) => ({
        model,
        window_start: e.start,
        method: e.estimator.method,
        window_rows: e.windowRows,
        state: JSON.stringify(e.state),
        estimator: JSON.stringify(e.estimator),
        created_at: now,
      })),
    )
    .onConflict((oc) =>
      replace
        ? oc.columns(['model', 'window_start']).doUpdateSet((eb) => ({
            method: eb.ref('excluded.method'),
            window_rows: eb.ref('excluded.window_rows'),
            state: eb.ref('excluded.state'),
            estimator: eb.ref('excluded.estimator'),
            created_at: eb.ref('excluded.created_at'),
          }))
        : oc.columns(['model', 'window_start']).doNothing(),
    )
    .execute();
}
