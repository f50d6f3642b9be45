import type { Insertable } from 'kysely';
import type { AlertsTable } from '../store/schema.js';

/** An open alert row fired once at `lastAt`, for tests that need alerts without running checks. */
export function alertRow(
  id: string,
  model: string,
  lastAt: number,
  overrides: Partial<Insertable<AlertsTable>> = {},
): Insertable<AlertsTable> {
  return {
    id,
    model,
    check_name: 'accuracy-floor',
    severity: 'warning',
    status: 'open',
    message: `alert ${id}`,
    detail: null,
    occurrences: 1,
    first_at: lastAt,
    last_at: lastAt,
    notified_at: null,
    resolved_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    first_window: null,
    last_window: null,
    ...overrides,
  };
}
