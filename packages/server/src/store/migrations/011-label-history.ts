import type { Kysely, Migration } from 'kysely';

/**
 * The labels of models whose features are computed from their labels (`fromLabels`), keyed by prediction and
 * indexed by the prediction's time and by when the label was known: serving reads the newest known labels before
 * a batch's rows, and the labels of the predictions a period earlier, without touching the prediction batches.
 */
export function labelHistoryMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('label_history')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('prediction_id', 'text', (c) => c.notNull())
        .addColumn('prediction_time', 'bigint', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('known_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('label_history_pk', ['model', 'prediction_id'])
        .execute();
      await db.schema
        .createIndex('label_history_by_time')
        .on('label_history')
        .columns(['model', 'prediction_time'])
        .execute();
      await db.schema
        .createIndex('label_history_by_known')
        .on('label_history')
        .columns(['model', 'known_at'])
        .execute();
    },
  };
}
