import { randomUUID } from 'node:crypto';
import type { StoreConnection } from '../store/open-store.js';
import type { CheckResult } from './checks/check-result.js';
import type { CheckSpec, ModelSpec } from './model-spec.js';
import { type AlertEvent, type NotifierContext, notify } from './notifiers.js';

export interface Alert {
  id: string;
  model: string;
  check: string;
  severity: string;
  status: 'open' | 'resolved';
  message: string;
  detail: unknown;
  occurrences: number;
  firstAt: number;
  lastAt: number;
  notifiedAt: number | null;
  resolvedAt: number | null;
}

/**
 * Turns a check result into alert state: one open alert per model and check (repeats deduplicate into it,
 * counted), notified when it opens and again only after the model's cool-down; an ok result resolves it.
 */
export async function updateAlert(
  store: StoreConnection,
  spec: ModelSpec,
  check: CheckSpec,
  result: CheckResult,
  window: { start: number; end: number },
  now: number,
  context: NotifierContext,
): Promise<void> {
  if (result.status === 'skipped') return;
  const open = await store.db
    .selectFrom('alerts')
    .selectAll()
    .where('model', '=', spec.name)
    .where('check_name', '=', check.name)
    .where('status', '=', 'open')
    .executeTakeFirst();
  const event = (kind: AlertEvent['event'], id: string, occurrences: number): AlertEvent => ({
    event: kind,
    alertId: id,
    model: spec.name,
    check: check.name,
    severity: check.severity,
    status: result.status,
    message: result.message,
    value: result.value,
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    occurrences,
    at: new Date(now).toISOString(),
  });
  if (result.status === 'ok') {
    if (!open) return;
    await store.db
      .updateTable('alerts')
      .set({ status: 'resolved', resolved_at: now, last_at: now })
      .where('id', '=', open.id)
      .execute();
    await notify(spec.notifiers, event('resolved', open.id, open.occurrences), context);
    return;
  }
  const detail = result.detail === undefined ? null : JSON.stringify(result.detail);
  if (!open) {
    const id = randomUUID();
    await store.db
      .insertInto('alerts')
      .values({
        id,
        model: spec.name,
        check_name: check.name,
        severity: check.severity,
        status: 'open',
        message: result.message,
        detail,
        occurrences: 1,
        first_at: now,
        last_at: now,
        notified_at: now,
        resolved_at: null,
      })
      .execute();
    await notify(spec.notifiers, event('opened', id, 1), context);
    return;
  }
  const occurrences = open.occurrences + 1;
  const due = open.notified_at === null || now - Number(open.notified_at) >= spec.alertCooldown;
  await store.db
    .updateTable('alerts')
    .set({ occurrences, last_at: now, message: result.message, detail, ...(due ? { notified_at: now } : {}) })
    .where('id', '=', open.id)
    .execute();
  if (due) await notify(spec.notifiers, event('repeated', open.id, occurrences), context);
}

export interface AlertQuery {
  model?: string;
  status?: 'open' | 'resolved';
  limit?: number;
}

export async function listAlerts(store: StoreConnection, query: AlertQuery = {}): Promise<Alert[]> {
  let q = store.db
    .selectFrom('alerts')
    .selectAll()
    .orderBy('last_at', 'desc')
    .limit(query.limit ?? 100);
  if (query.model) q = q.where('model', '=', query.model);
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    model: r.model,
    check: r.check_name,
    severity: r.severity,
    status: r.status as Alert['status'],
    message: r.message,
    detail: r.detail === null ? null : JSON.parse(r.detail),
    occurrences: Number(r.occurrences),
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
    notifiedAt: r.notified_at === null ? null : Number(r.notified_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  }));
}
