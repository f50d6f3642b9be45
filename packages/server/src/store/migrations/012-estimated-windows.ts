import type { Kysely, Migration } from 'kysely';

/**
 * Performance estimated without labels (CBPE, DLE), kept per closed window as the maintenance loop estimated it
 * when the window closed: the mergeable state (expected confusion matrix or sums of expected errors, with their
 * variances) and what the estimator was fitted on, so charts and checks show what was known then.
 */
export function estimatedWindowsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('estimated_windows')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('window_rows', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('estimator', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('estimated_windows_pk', ['model', 'window_start'])
        .execute();
    },
  };
}
