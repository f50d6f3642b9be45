import { type Kysely, type Migration, sql } from 'kysely';

/** Model versions (content-addressed artifacts, lineage), aliases with history, training curves, audit events. */
export function registryMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const autoId = dialect === 'sqlite' ? 'integer' : 'bigserial';
  const real = dialect === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('versions')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('parent', 'integer')
        .addColumn('description', 'text')
        .addColumn('lineage', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('versions_pk', ['model', 'version'])
        .execute();

      await db.schema
        .createTable('aliases')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('aliases_pk', ['model', 'alias'])
        .execute();

      await db.schema
        .createTable('alias_history')
        .addColumn('id', sql.raw(autoId), (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_version', 'integer')
        .addColumn('to_version', 'integer')
        .addColumn('reason', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('alias_history_by_alias')
        .on('alias_history')
        .columns(['model', 'alias', 'id'])
        .execute();

      await db.schema
        .createTable('training_steps')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('value', sql.raw(real), (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('training_steps_pk', ['model', 'version', 'metric', 'step'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', sql.raw(autoId), (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_by_model')
        .on('audit_events')
        .columns(['model', 'id'])
        .execute();
    },
  };
}
