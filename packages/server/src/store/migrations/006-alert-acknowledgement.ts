import type { Kysely, Migration } from 'kysely';

/** Alerts remember who acknowledged them, and which windows (data time) they fired on, for chart markers. */
export function alertAcknowledgementMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const [column, type] of [
        ['acknowledged_at', 'bigint'],
        ['acknowledged_by', 'text'],
        ['first_window', 'bigint'],
        ['last_window', 'bigint'],
      ] as const) {
        await db.schema.alterTable('alerts').addColumn(column, type).execute();
      }
    },
  };
}
