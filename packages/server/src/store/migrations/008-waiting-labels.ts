import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Labels remember whether their prediction had arrived (`waiting` = 1 while it has not), so the labels waiting for
 * predictions can be counted (and capped) and cleared without scanning every label. Existing labels start as
 * matched; the maintenance loop sets the flag right for them.
 */
export function waitingLabelsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('labels')
        .addColumn('waiting', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`create index labels_waiting on labels (model, ingested_at) where waiting = 1`.execute(db);
    },
  };
}
