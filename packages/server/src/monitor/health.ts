import type { StoreConnection } from '../store/open-store.js';
import type { CheckStatus } from './checks/check-result.js';

export type HealthStatus = 'ok' | 'warning' | 'failing';

export interface LatestCheck {
  check: string;
  status: CheckStatus;
  value: number | null;
  message: string;
  windowStart: number;
  windowEnd: number;
  at: number;
}

export interface ModelHealth {
  status: HealthStatus;
  /** The latest judged (not skipped) result of each check. */
  checks: LatestCheck[];
  openAlerts: number;
}

/** A model's health from the latest result of each of its checks: failing if any fails, else warning if any warns. */
export async function modelHealth(store: StoreConnection, model: string): Promise<ModelHealth> {
  const rows = await store.db
    .selectFrom('check_results')
    .select(['check_name', 'status', 'value', 'message', 'window_start', 'window_end', 'created_at'])
    .where('model', '=', model)
    .where('status', '!=', 'skipped')
    .orderBy('window_start', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
  const latest = new Map<string, LatestCheck>();
  for (const r of rows) {
    if (latest.has(r.check_name)) continue;
    latest.set(r.check_name, {
      check: r.check_name,
      status: r.status as CheckStatus,
      value: r.value,
      message: r.message,
      windowStart: Number(r.window_start),
      windowEnd: Number(r.window_end),
      at: Number(r.created_at),
    });
  }
  const checks = [...latest.values()].sort((a, b) => (a.check < b.check ? -1 : 1));
  const status: HealthStatus = checks.some((c) => c.status === 'failing')
    ? 'failing'
    : checks.some((c) => c.status === 'warning')
      ? 'warning'
      : 'ok';
  const open = await store.db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', model)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { status, checks, openAlerts: Number(open.n) };
}
