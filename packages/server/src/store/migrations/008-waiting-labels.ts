import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Labels remember whether their prediction had arrived (`waiting` = 1 while it has not), so the labels waiting for
 * predictions can be counted (and capped) and cleared without scanning every label. Existing labels whose
 * prediction is not stored start waiting.
 */
export function waitingLabelsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('labels')
        .addColumn('waiting', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`create index labels_waiting on labels (model, ingested_at) where waiting = 1`.execute(db);
      await sql`update labels set waiting = 1 where not exists (
          select 1 from prediction_ids i where i.model = labels.model and i.id = labels.prediction_id)
        and not exists (
          select 1 from prediction_ids_recent r where r.model = labels.model and r.id = labels.prediction_id)`.execute(
        db,
      );
    },
  };
}
