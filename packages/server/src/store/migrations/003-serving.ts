import type { Kysely, Migration } from 'kysely';

/** Outputs of the shadow version, kept beside the served predictions so the two can be compared once labels arrive. */
export function servingMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const real = dialect === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('shadow_predictions')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('score', real as 'real')
        .addColumn('proba', 'text')
        .addPrimaryKeyConstraint('shadow_predictions_pk', ['model', 'id', 'version'])
        .execute();
    },
  };
}
