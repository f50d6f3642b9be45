import type { Kysely, Migration } from 'kysely';

/** Rollouts of a new version as a shadow or a canary, with the decision that ended each. */
export function rolloutsMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const real = dialect === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rollouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('baseline', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('share', real as 'real', (c) => c.notNull())
        .addColumn('min_labelled', 'integer', (c) => c.notNull())
        .addColumn('tolerance', real as 'real', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decision', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .execute();
      await db.schema.createIndex('rollouts_by_model').on('rollouts').columns(['model', 'status']).execute();
    },
  };
}
