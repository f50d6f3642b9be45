import type { Kysely, Migration } from 'kysely';

/**
 * Label writes append what they change to the windows' states (one small delta row a batch, numbered 1, 2, … per
 * model and shard, holding the change of each window the batch touched) instead of rewriting whole states: a write
 * costs what it carries, however many labels its windows already hold. A state row holds the deltas folded into it
 * so far (numbered up to `through_n`); the shard's process folds its deltas in from time to time and deletes them.
 * `epoch` is new whenever a state is rebuilt, so readers know to drop what they kept. `window_label_shards` keeps how
 * far each shard is folded: every state row of the shard has the deltas up to there in it (those of its window).
 */
export function windowLabelDeltasMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('window_label_deltas')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('shard', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('delta', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('window_label_deltas_pk', ['model', 'shard', 'n'])
        .execute();
      await db.schema
        .createTable('window_label_shards')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('shard', 'text', (c) => c.notNull())
        .addColumn('folded_n', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('window_label_shards_pk', ['model', 'shard'])
        .execute();
      await db.schema
        .alterTable('window_labels')
        .addColumn('through_n', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('window_labels')
        .addColumn('epoch', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    },
  };
}
