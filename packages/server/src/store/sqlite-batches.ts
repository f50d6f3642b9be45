import type { BatchFormat } from './prediction-batch.js';
import type { Database } from './schema.js';
import { preparedOnce, type SqliteDatabase, type SqliteStatement } from './sqlite-connection.js';

/** One batch of predictions as the SQLite statements take it. */
export interface SqliteBatch {
  model: string;
  min: number;
  max: number;
  count: number;
  format: BatchFormat;
  body: string;
  /** The batch's ids in row order, as a JSON array. */
  ids: string;
  /** What labels need of each row, for the id key (see `idValuesJson`). */
  values: string;
  columns: string;
  now: number;
}

interface Statements {
  batch: SqliteStatement;
  ids: SqliteStatement;
  recentCount: SqliteStatement;
  merge: SqliteStatement;
  clearRecent: SqliteStatement;
  others: SqliteStatement;
  skip: SqliteStatement;
  drop: SqliteStatement;
  profile: SqliteStatement;
}

const statementsOf = preparedOnce(
  (database): Statements => ({
    batch: database.prepare(
      'insert into prediction_batches (model, min_time, max_time, received_at, count, format, body, columns) values (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // One statement for the whole batch: SQLite reads the ids, with what labels need of each prediction (see
    // migration 014), from one JSON array of small tuples instead of a call a row. (Reading them out of the
    // columns' JSON by path costs in proportion to the batch: 43 against 290 k rows/s stored at 1000 rows.) A JSON
    // null is stored as SQL null, as PostgreSQL stores it.
    ids: database.prepare(
      `insert into prediction_ids_recent (model, id, batch, time, output, score, proba)
       select @model, value ->> 0, @batch, value ->> 1, value -> 2, nullif(value -> 3, 'null'),
         nullif(value -> 4, 'null')
       from json_each(@values)
       where not exists (select 1 from prediction_ids m where m.model = @model and m.id = value ->> 0)
       on conflict (model, id) do nothing`,
    ),
    recentCount: database.prepare('select count(*) from prediction_ids_recent').pluck(),
    merge: database.prepare(
      `insert into prediction_ids (model, id, batch, time, output, score, proba)
       select model, id, batch, time, output, score, proba from prediction_ids_recent order by model, id`,
    ),
    clearRecent: database.prepare('delete from prediction_ids_recent'),
    others: database
      .prepare(
        `select id from prediction_ids where model = @model and id in (select value from json_each(@ids))
         union all
         select id from prediction_ids_recent where model = @model and id in (select value from json_each(@ids)) and batch <> @batch`,
      )
      .pluck(),
    skip: database.prepare('update prediction_batches set count = ?, skip = ? where seq = ?'),
    drop: database.prepare('delete from prediction_batches where seq = ?'),
    profile: database.prepare(
      'insert into profiles (model, window_start, shard, count, profile, updated_at) values (?, ?, ?, ?, ?, ?) on conflict (model, window_start, shard) do update set count = excluded.count, profile = excluded.profile, updated_at = excluded.updated_at',
    ),
  }),
);

/**
 * Random ids (UUIDs) land each on its own page of a large key, and every page a commit touches is written twice (the
 * WAL, then the checkpoint): 18–22 µs a row once 10^6 are stored. New ids go to a small key first, whose pages
 * every batch shares, and move to the large one in one sorted pass when it holds RECENT_IDS (about a page touched
 * per 8 ids instead of one per id). Lookups read both.
 */
const RECENT_IDS = 50_000;
// Ids added through each connection since it last counted the small key (its size is counted, not tracked: every
// connection writes it).
const addedSinceCount = new WeakMap<SqliteDatabase, number>();

function moveRecentIds(database: SqliteDatabase, statements: Statements, added: number): void {
  const since = (addedSinceCount.get(database) ?? 0) + added;
  if (since < RECENT_IDS / 4) {
    addedSinceCount.set(database, since);
    return;
  }
  addedSinceCount.set(database, 0);
  if ((statements.recentCount.get() as number) < RECENT_IDS) return;
  statements.merge.run();
  statements.clearRecent.run();
}

/**
 * Stores a batch record and a key entry for each new id (inside the caller's transaction). The positions of the rows
 * whose id the model already had are returned, and the record marks them skipped (or is removed when every row was).
 */
export function insertBatchSqlite(
  database: SqliteDatabase,
  batch: SqliteBatch,
): { inserted: number; skipped: Set<number> } {
  const statements = statementsOf(database);
  const { model } = batch;
  const seq = statements.batch.run(
    model,
    batch.min,
    batch.max,
    batch.now,
    batch.count,
    batch.format,
    batch.body,
    batch.columns,
  ).lastInsertRowid as number;
  const inserted = statements.ids.run({ model, batch: seq, values: batch.values }).changes;
  moveRecentIds(database, statements, inserted);
  const skipped = new Set<number>();
  if (inserted === batch.count) return { inserted, skipped };
  const storedBefore = new Set(statements.others.all({ model, ids: batch.ids, batch: seq }) as string[]);
  (JSON.parse(batch.ids) as string[]).forEach((id, i) => {
    if (storedBefore.has(id)) skipped.add(i);
  });
  if (inserted === 0) statements.drop.run(seq);
  else statements.skip.run(inserted, JSON.stringify([...skipped]), seq);
  return { inserted, skipped };
}

export function writeProfileSqlite(database: SqliteDatabase, row: Database['profiles']): void {
  statementsOf(database).profile.run(
    row.model,
    row.window_start,
    row.shard,
    row.count,
    row.profile,
    row.updated_at,
  );
}
