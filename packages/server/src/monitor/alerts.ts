import { randomUUID } from 'node:crypto';
import type { AlertView } from '@steward/api';
import type { Selectable } from 'kysely';
import type { CheckSpec, ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import type { AlertsTable } from '../store/schema.js';
import type { CheckResult } from './checks/check-result.js';
import { type AlertEvent, type NotifierContext, notify } from './notifiers.js';

/** An alert as stored; the API's view (the SDK's `AlertView`) plus its detail and last notification. */
export interface Alert extends AlertView {
  detail: unknown;
  notifiedAt: number | null;
}

/**
 * Turns a check result into alert state: one open alert per model and check (repeats deduplicate into it,
 * counted), notified when it opens and again only after the model's cool-down, unless someone acknowledged it;
 * an ok result resolves it.
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
  // A check that answers `warning` (a detector in its warning zone) raises a warning, whatever the severity it
  // carries for failing; an open alert keeps the worst severity it has seen.
  const severity = result.status === 'warning' && check.severity === 'critical' ? 'warning' : check.severity;
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
    severity,
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
        severity,
        status: 'open',
        message: result.message,
        detail,
        occurrences: 1,
        first_at: now,
        last_at: now,
        notified_at: now,
        resolved_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
        first_window: window.start,
        last_window: window.start,
      })
      .execute();
    await notify(spec.notifiers, event('opened', id, 1), context);
    return;
  }
  const occurrences = open.occurrences + 1;
  const due =
    open.acknowledged_at === null &&
    (open.notified_at === null || now - Number(open.notified_at) >= spec.alertCooldown);
  await store.db
    .updateTable('alerts')
    .set({
      occurrences,
      ...(SEVERITY_RANK[severity] > (SEVERITY_RANK[open.severity] ?? 0) ? { severity } : {}),
      last_at: now,
      last_window: window.start,
      message: result.message,
      detail,
      ...(due ? { notified_at: now } : {}),
    })
    .where('id', '=', open.id)
    .execute();
  if (due) await notify(spec.notifiers, event('repeated', open.id, occurrences), context);
}

const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };

export interface AlertQuery {
  model?: string;
  status?: 'open' | 'resolved';
  severity?: string;
  check?: string;
  acknowledged?: boolean;
  limit?: number;
  /** The page after this alert (the last of the page before): older latest firing, or the same and a lower id. */
  after?: { lastAt: number; id: string };
}

export async function listAlerts(store: StoreConnection, query: AlertQuery = {}): Promise<Alert[]> {
  let q = store.db
    .selectFrom('alerts')
    .selectAll()
    .orderBy('last_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 100);
  const after = query.after;
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('last_at', '<', after.lastAt),
        eb.and([eb('last_at', '=', after.lastAt), eb('id', '<', after.id)]),
      ]),
    );
  if (query.model) q = q.where('model', '=', query.model);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.severity) q = q.where('severity', '=', query.severity);
  if (query.check) q = q.where('check_name', '=', query.check);
  if (query.acknowledged !== undefined)
    q = q.where('acknowledged_at', query.acknowledged ? 'is not' : 'is', null);
  const rows = await q.execute();
  return rows.map(alertOf);
}

/**
 * Marks an alert as seen by someone: it stays open (the check decides when it resolves) but is not re-notified.
 * Acknowledging twice keeps the first acknowledgement. Undefined when there is no such alert.
 */
export async function acknowledgeAlert(
  store: StoreConnection,
  id: string,
  actor: string,
  now = Date.now(),
): Promise<Alert | undefined> {
  await store.db
    .updateTable('alerts')
    .set({ acknowledged_at: now, acknowledged_by: actor })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .execute();
  const row = await store.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? alertOf(row) : undefined;
}

function alertOf(r: Selectable<AlertsTable>): Alert {
  return {
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
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    firstWindow: r.first_window === null ? null : Number(r.first_window),
    lastWindow: r.last_window === null ? null : Number(r.last_window),
  };
}
