import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { LabelRecord, PredictionRecord } from '../monitor/ingest-rows.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const INSERT_CHUNK = 1000;

const sqliteInserts = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/**
 * SQLite: one prepared single-row statement run per row (inside the caller's transaction on the same connection)
 * costs a fraction of building and preparing a 1000-row statement through Kysely for every batch.
 */
export function insertSqlite(
  database: BetterSqlite3.Database,
  model: string,
  records: readonly PredictionRecord[],
  now: number,
): Set<string> {
  let statement = sqliteInserts.get(database);
  if (!statement) {
    statement = database.prepare(
      'insert into predictions (model, id, time, version, segment, features, output, score, proba, ingested_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (model, id) do nothing',
    );
    sqliteInserts.set(database, statement);
  }
  const inserted = new Set<string>();
  for (const r of records) {
    const result = statement.run(
      model,
      r.id,
      r.time,
      r.version,
      r.segment,
      JSON.stringify(r.features),
      JSON.stringify(r.output),
      r.score,
      r.proba === null ? null : JSON.stringify(r.proba),
      now,
    );
    if (result.changes === 1) inserted.add(r.id);
  }
  return inserted;
}

/**
 * Inserts predictions, skipping ids the model already has (a retried batch); returns the ids inserted. Pass the
 * SQLite handle to take the prepared-statement path (it must be the connection `db`'s transaction runs on).
 */
export async function insertPredictions(
  db: Db,
  model: string,
  records: readonly PredictionRecord[],
  now: number,
  sqlite?: BetterSqlite3.Database,
): Promise<Set<string>> {
  if (sqlite) return insertSqlite(sqlite, model, records, now);
  // PostgreSQL: one statement with a column array per field (unnest) instead of ten parameters per row.
  const result = await sql<{ id: string }>`
    insert into predictions (model, id, time, version, segment, features, output, score, proba, ingested_at)
    select ${model}::text, u.id, u.time, u.version, u.segment, u.features, u.output, u.score, u.proba, ${now}::bigint
    from unnest(
      ${records.map((r) => r.id)}::text[], ${records.map((r) => r.time)}::bigint[],
      ${records.map((r) => r.version)}::text[], ${records.map((r) => r.segment)}::text[],
      ${records.map((r) => JSON.stringify(r.features))}::text[], ${records.map((r) => JSON.stringify(r.output))}::text[],
      ${records.map((r) => r.score)}::float8[], ${records.map((r) => (r.proba === null ? null : JSON.stringify(r.proba)))}::text[]
    ) as u(id, time, version, segment, features, output, score, proba)
    on conflict (model, id) do nothing
    returning id`.execute(db);
  return new Set(result.rows.map((row) => row.id));
}

/** Stores labels; a label for an id that already has one replaces it (a correction). Returns how many match a stored prediction. */
export async function upsertLabels(
  db: Db,
  model: string,
  records: readonly LabelRecord[],
  now: number,
): Promise<number> {
  for (let start = 0; start < records.length; start += INSERT_CHUNK) {
    const chunk = records.slice(start, start + INSERT_CHUNK).map((r) => ({
      model,
      prediction_id: r.predictionId,
      label: JSON.stringify(r.label),
      time: r.time,
      ingested_at: now,
    }));
    await db
      .insertInto('labels')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['model', 'prediction_id']).doUpdateSet((eb) => ({
          label: eb.ref('excluded.label'),
          time: eb.ref('excluded.time'),
          ingested_at: eb.ref('excluded.ingested_at'),
        })),
      )
      .execute();
  }
  let matched = 0;
  for (let start = 0; start < records.length; start += INSERT_CHUNK) {
    const ids = records.slice(start, start + INSERT_CHUNK).map((r) => r.predictionId);
    const row = await db
      .selectFrom('predictions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model', '=', model)
      .where('id', 'in', ids)
      .executeTakeFirstOrThrow();
    matched += Number(row.n);
  }
  return matched;
}

/** A stored prediction joined with its label when one has arrived. */
export interface JoinedPrediction {
  id: string;
  time: number;
  version: string | null;
  segment: string | null;
  features: Record<string, unknown>;
  output: string | number;
  score: number | null;
  proba: Record<string, number> | null;
  label: string | number | null;
}

export interface PredictionQuery {
  from: number;
  to: number;
  /** Only predictions that have a label. */
  labelled?: boolean;
  /** Include the feature values (drift, data quality); metrics do without. */
  features?: boolean;
  limit?: number;
}

/** Predictions of a model with time in [from, to), oldest first (ties by id), each with its label if any. */
export async function queryPredictions(
  db: Db,
  model: string,
  query: PredictionQuery,
): Promise<JoinedPrediction[]> {
  let q = db
    .selectFrom('predictions as p')
    .leftJoin('labels as l', (join) =>
      join.onRef('l.model', '=', 'p.model').onRef('l.prediction_id', '=', 'p.id'),
    )
    .select(['p.id', 'p.time', 'p.version', 'p.segment', 'p.output', 'p.score', 'p.proba', 'l.label'])
    .where('p.model', '=', model)
    .where('p.time', '>=', query.from)
    .where('p.time', '<', query.to)
    .orderBy('p.time')
    .orderBy('p.id');
  if (query.labelled) q = q.where('l.label', 'is not', null);
  if (query.limit !== undefined) q = q.limit(query.limit);
  const rows = query.features ? await q.select('p.features').execute() : await q.execute();
  return rows.map((row) => ({
    id: row.id,
    time: Number(row.time),
    version: row.version,
    segment: row.segment,
    features: 'features' in row ? (JSON.parse(row.features as string) as Record<string, unknown>) : {},
    output: JSON.parse(row.output) as string | number,
    score: row.score,
    proba: row.proba === null ? null : (JSON.parse(row.proba) as Record<string, number>),
    label: row.label === null ? null : (JSON.parse(row.label) as string | number),
  }));
}

export async function countPredictions(
  db: Db,
  model: string,
): Promise<{ predictions: number; labels: number }> {
  const p = await db
    .selectFrom('predictions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', model)
    .executeTakeFirstOrThrow();
  const l = await db
    .selectFrom('labels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', model)
    .executeTakeFirstOrThrow();
  return { predictions: Number(p.n), labels: Number(l.n) };
}

/** Upserts this process's share of a window profile. */
export async function writeProfile(db: Db, row: Database['profiles']): Promise<void> {
  await db
    .insertInto('profiles')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['model', 'window_start', 'shard'])
        .doUpdateSet({ count: row.count, profile: row.profile, updated_at: row.updated_at }),
    )
    .execute();
}

export async function readProfiles(
  db: Db,
  model: string,
  from: number,
  to: number,
  shard?: string,
): Promise<Array<{ window_start: number; shard: string; profile: string }>> {
  let q = db
    .selectFrom('profiles')
    .select(['window_start', 'shard', 'profile'])
    .where('model', '=', model)
    .where('window_start', '>=', from)
    .where('window_start', '<', to)
    .orderBy('window_start');
  if (shard !== undefined) q = q.where('shard', '=', shard);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, window_start: Number(r.window_start) }));
}

/** Which versions answered in [from, to): first and last prediction time and how many, oldest first. */
export async function servedVersions(
  db: Db,
  model: string,
  from: number,
  to: number,
): Promise<Array<{ version: string | null; first: number; last: number; count: number }>> {
  const rows = await db
    .selectFrom('predictions')
    .select(({ fn }) => [
      'version',
      fn.min<number>('time').as('first'),
      fn.max<number>('time').as('last'),
      fn.countAll<number>().as('count'),
    ])
    .where('model', '=', model)
    .where('time', '>=', from)
    .where('time', '<', to)
    .groupBy('version')
    .execute();
  return rows
    .map((r) => ({
      version: r.version,
      first: Number(r.first),
      last: Number(r.last),
      count: Number(r.count),
    }))
    .sort((a, b) => a.first - b.first);
}
