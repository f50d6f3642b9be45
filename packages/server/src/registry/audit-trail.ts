// The audit trail: who registered, promoted, rolled back or deleted what, and when.
import type { StoreConnection } from '../store/open-store.js';

/** The newest audit events (registrations, alias changes, deletions), of one model or all. */
export async function readAudit(
  store: StoreConnection,
  model?: string,
  limit = 200,
): Promise<Array<{ at: number; actor: string; action: string; model: string | null; detail: unknown }>> {
  let q = store.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit);
  if (model) q = q.where('model', '=', model);
  const rows = await q.execute();
  return rows.map((r) => ({
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    model: r.model,
    detail: JSON.parse(r.detail),
  }));
}
