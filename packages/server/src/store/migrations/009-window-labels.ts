import type { Kysely, Migration } from 'kysely';

/**
 * Each window's labelled predictions as a mergeable state (see monitor/window-labels.ts), one row per model, base
 * window and writer process, kept as labels land: window metrics read these instead of joining raw rows. Stores
 * with labels get their states built once after migrating (see buildMissingLabelStates).
 */
export function windowLabelsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('window_labels')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('shard', 'text', (c) => c.notNull())
        .addColumn('labelled', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Moves with every write: readers keep a parsed state until its revision changes.
        .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(1))
        .addPrimaryKeyConstraint('window_labels_pk', ['model', 'window_start', 'shard'])
        .execute();
    },
  };
}
