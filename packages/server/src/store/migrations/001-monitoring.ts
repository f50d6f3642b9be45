import { type Kysely, type Migration, sql } from 'kysely';

/** Models, predictions, labels, window profiles, references, checks, alerts and API tokens. */
export function monitoringMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const autoId = dialect === 'sqlite' ? 'integer' : 'bigserial';
  const real = dialect === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('models')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('task', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('predictions')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('segment', 'text')
        .addColumn('features', 'text', (c) => c.notNull())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('score', sql.raw(real))
        .addColumn('proba', 'text')
        .addColumn('ingested_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('predictions_pk', ['model', 'id'])
        .execute();
      await db.schema
        .createIndex('predictions_by_time')
        .on('predictions')
        .columns(['model', 'time'])
        .execute();

      await db.schema
        .createTable('labels')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('prediction_id', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('ingested_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('labels_pk', ['model', 'prediction_id'])
        .execute();

      await db.schema
        .createTable('profiles')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('shard', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('profiles_pk', ['model', 'window_start', 'shard'])
        .execute();

      await db.schema
        .createTable('references')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('rows', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('references_pk', ['model', 'name'])
        .execute();

      await db.schema
        .createTable('check_states')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('last_window', 'bigint')
        .addColumn('state', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('check_states_pk', ['model', 'check_name'])
        .execute();

      await db.schema
        .createTable('check_results')
        .addColumn('id', sql.raw(autoId), (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('window_end', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('value', sql.raw(real))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('check_results_by_window')
        .on('check_results')
        .columns(['model', 'check_name', 'window_start'])
        .execute();

      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('occurrences', 'integer', (c) => c.notNull())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addColumn('last_at', 'bigint', (c) => c.notNull())
        .addColumn('notified_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .execute();
      await db.schema.createIndex('alerts_by_model').on('alerts').columns(['model', 'status']).execute();

      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
  };
}
