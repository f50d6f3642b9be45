import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ClassValue, JoinedPrediction, LabelRecord, PredictionRecord } from '../spec/records.js';
import { type BatchColumnsCache, ID_TABLES, type LabelChange, predictionsById } from './label-states.js';
import {
  batchRow,
  type ColumnRows,
  columnRows,
  decodeBatch,
  type RawBatch,
  recordAt,
} from './prediction-batch.js';
import type { Database } from './schema.js';
import { insertBatchSqlite } from './sqlite-batches.js';

type Db = Kysely<Database> | Transaction<Database>;

const INSERT_CHUNK = 1000;

export interface InsertedPredictions {
  /** Rows stored now. */
  inserted: number;
  /** Positions of the rows skipped because the model already had their id (a retried batch). */
  skipped: ReadonlySet<number>;
}

/**
 * SQLite: one batch record and one key entry a prediction, in a fixed number of prepared statements whatever the
 * batch size (run inside the caller's transaction on the same connection).
 */
export function insertSqlite(
  database: BetterSqlite3.Database,
  model: string,
  records: readonly PredictionRecord[],
  now: number,
  raw?: RawBatch,
): InsertedPredictions {
  return insertBatchSqlite(database, { model, ...batchRow(records, raw), count: records.length, now });
}

/**
 * Stores a batch of predictions as one batch record (the request body itself when `raw` is given) and a key entry
 * for each id; rows whose id the model already has (a retried batch) are skipped. Pass the SQLite handle to take
 * the prepared-statement path (it must be the connection `db`'s transaction runs on).
 */
export async function insertPredictions(
  db: Db,
  model: string,
  records: readonly PredictionRecord[],
  now: number,
  options: { raw?: RawBatch; sqlite?: BetterSqlite3.Database } = {},
): Promise<InsertedPredictions> {
  if (options.sqlite) return insertSqlite(options.sqlite, model, records, now, options.raw);
  const row = batchRow(records, options.raw);
  const { seq } = await db
    .insertInto('prediction_batches')
    .values({
      model,
      min_time: row.min,
      max_time: row.max,
      received_at: now,
      count: records.length,
      format: row.format,
      body: row.body,
      columns: row.columns,
      skip: null,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  const ids = records.map((r) => r.id);
  const result = await sql<{ id: string }>`
    insert into prediction_ids (model, id, batch)
    select ${model}::text, u.id, ${seq}::bigint from unnest(${ids}::text[]) as u(id)
    on conflict (model, id) do nothing
    returning id`.execute(db);
  const inserted = result.rows.length;
  if (inserted === records.length) return { inserted, skipped: new Set() };
  const fresh = new Set(result.rows.map((r) => r.id));
  const skipped = new Set<number>();
  records.forEach((r, i) => {
    if (!fresh.has(r.id)) skipped.add(i);
  });
  if (inserted === 0) await db.deleteFrom('prediction_batches').where('seq', '=', seq).execute();
  else
    await db
      .updateTable('prediction_batches')
      .set({ count: inserted, skip: JSON.stringify([...skipped]) })
      .where('seq', '=', seq)
      .execute();
  return { inserted, skipped };
}

function storedIds(db: Db) {
  return db
    .selectFrom('prediction_ids')
    .select(['model', 'id', 'batch'])
    .unionAll(db.selectFrom('prediction_ids_recent').select(['model', 'id', 'batch']));
}

/** At most this many labels of a model may wait for predictions that have not arrived. */
export const MAX_WAITING_LABELS = 1_000_000;
/** A label whose prediction has not arrived after this long is dropped (the loop clears them). */
export const WAITING_LABEL_TTL = 30 * 86_400_000;

/** A batch would take a model's labels waiting for their predictions over the limit: nothing of it is stored. */
export class TooManyWaitingLabelsError extends Error {
  constructor(
    readonly waiting: number,
    readonly unmatched: number,
    readonly limit: number,
  ) {
    super(
      `${waiting.toLocaleString('en')} labels already wait for predictions that have not arrived, and this batch adds ${unmatched.toLocaleString('en')} more (at most ${limit.toLocaleString('en')}): send the predictions first, or check that the label ids are prediction ids`,
    );
    this.name = 'TooManyWaitingLabelsError';
  }
}

/**
 * Stores labels; a label for an id that already has one replaces it (a correction). Labels whose prediction is stored
 * come back as changes for the windows' states (the label counted before, if any, and the new one); the others wait
 * for their prediction, up to `maxWaiting` a model.
 */
export async function upsertLabels(
  db: Db,
  model: string,
  records: readonly LabelRecord[],
  now: number,
  options: { maxWaiting?: number; batches?: BatchColumnsCache } = {},
): Promise<{ matched: number; changes: LabelChange[] }> {
  const { maxWaiting = MAX_WAITING_LABELS, batches } = options;
  const ids = records.map((r) => r.predictionId);
  const predictions = await predictionsById(db, model, ids, batches);
  const unmatched = records.length - predictions.size;
  if (unmatched > 0) {
    const waiting = await countWaitingLabels(db, model);
    if (waiting + unmatched > maxWaiting) throw new TooManyWaitingLabelsError(waiting, unmatched, maxWaiting);
  }
  const previous = new Map<string, { label: string; waiting: number }>();
  for (let start = 0; start < ids.length; start += INSERT_CHUNK) {
    const rows = await db
      .selectFrom('labels')
      .select(['prediction_id', 'label', 'waiting'])
      .where('model', '=', model)
      .where('prediction_id', 'in', ids.slice(start, start + INSERT_CHUNK))
      .execute();
    for (const row of rows)
      previous.set(row.prediction_id, { label: row.label, waiting: Number(row.waiting) });
  }
  // In id order: two servers upserting the same labels take their row locks in one order (no deadlock).
  const ordered = [...records].sort((a, b) =>
    a.predictionId < b.predictionId ? -1 : a.predictionId > b.predictionId ? 1 : 0,
  );
  for (let start = 0; start < ordered.length; start += INSERT_CHUNK) {
    const chunk = ordered.slice(start, start + INSERT_CHUNK).map((r) => ({
      model,
      prediction_id: r.predictionId,
      label: JSON.stringify(r.label),
      time: r.time,
      ingested_at: now,
      waiting: predictions.has(r.predictionId) ? 0 : 1,
    }));
    await db
      .insertInto('labels')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['model', 'prediction_id']).doUpdateSet((eb) => ({
          label: eb.ref('excluded.label'),
          time: eb.ref('excluded.time'),
          ingested_at: eb.ref('excluded.ingested_at'),
          waiting: eb.ref('excluded.waiting'),
        })),
      )
      .execute();
  }
  const changes: LabelChange[] = [];
  for (const r of records) {
    const prediction = predictions.get(r.predictionId);
    if (!prediction) continue;
    const before = previous.get(r.predictionId);
    // A label that was waiting was never counted: only a counted one is taken out.
    const counted = before && before.waiting === 0 ? (JSON.parse(before.label) as ClassValue) : null;
    changes.push({ prediction, before: counted, after: r.label });
  }
  return { matched: predictions.size, changes };
}

/**
 * The labels that wait for predictions which have arrived (of `ids`, or all): marked as matched, and returned as
 * changes for the windows' states. Marking them in the same statement that finds them means two processes never
 * count one twice.
 */
export async function matchWaitingLabels(
  db: Db,
  model: string,
  ids?: readonly string[],
  batches?: BatchColumnsCache,
): Promise<LabelChange[]> {
  let waiting = db
    .selectFrom('labels')
    .select(['prediction_id', 'label'])
    .where('model', '=', model)
    .where('waiting', '=', 1);
  if (ids) waiting = waiting.where('prediction_id', 'in', ids.length > 0 ? ids : ['']);
  const rows = await waiting.execute();
  if (rows.length === 0) return [];
  const predictions = await predictionsById(
    db,
    model,
    rows.map((r) => r.prediction_id),
    batches,
  );
  const found = rows.filter((r) => predictions.has(r.prediction_id));
  const changes: LabelChange[] = [];
  for (let start = 0; start < found.length; start += INSERT_CHUNK) {
    const chunk = found.slice(start, start + INSERT_CHUNK);
    const flipped = await db
      .updateTable('labels')
      .set({ waiting: 0 })
      .where('model', '=', model)
      .where('waiting', '=', 1)
      .where(
        'prediction_id',
        'in',
        chunk.map((r) => r.prediction_id),
      )
      .returning(['prediction_id', 'label'])
      .execute();
    for (const row of flipped)
      changes.push({
        prediction: predictions.get(row.prediction_id) as PredictionRecord,
        before: null,
        after: JSON.parse(row.label) as ClassValue,
      });
  }
  return changes;
}

/** Drops the labels still waiting for their prediction after WAITING_LABEL_TTL; returns how many still wait, and how many went. */
export async function dropStaleWaitingLabels(
  db: Db,
  model: string,
  now: number,
): Promise<{ waiting: number; dropped: number }> {
  const dropped = await db
    .deleteFrom('labels')
    .where('model', '=', model)
    .where('waiting', '=', 1)
    .where('ingested_at', '<', now - WAITING_LABEL_TTL)
    .executeTakeFirst();
  return { waiting: await countWaitingLabels(db, model), dropped: Number(dropped.numDeletedRows) };
}

export async function hasWaitingLabels(db: Db, model: string): Promise<boolean> {
  const row = await db
    .selectFrom('labels')
    .select('prediction_id')
    .where('model', '=', model)
    .where('waiting', '=', 1)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function countWaitingLabels(db: Db, model: string): Promise<number> {
  const { n } = await db
    .selectFrom('labels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', model)
    .where('waiting', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** A stored prediction joined with its label when one has arrived. */

export interface PredictionQuery {
  from: number;
  to: number;
  /** Only predictions that have a label. */
  labelled?: boolean;
  /** Include the feature values (drift, data quality); metrics do without. */
  features?: boolean;
  limit?: number;
}

interface BatchSelection {
  /** Data time range [from, to). */
  time?: { from: number; to: number };
  /** Batches received at or after this time. */
  receivedFrom?: number;
  seqs?: readonly number[];
}

function batchesOf(db: Db, model: string, selection: BatchSelection) {
  let q = db.selectFrom('prediction_batches').where('model', '=', model).orderBy('seq');
  const { time, receivedFrom, seqs } = selection;
  if (time) q = q.where('max_time', '>=', time.from).where('min_time', '<', time.to);
  if (receivedFrom !== undefined) q = q.where('received_at', '>=', receivedFrom);
  if (seqs) q = q.where('seq', 'in', seqs.length > 0 ? seqs : [-1]);
  return q;
}

/** The stored predictions of the selected batches with their features, in the order stored. */
async function storedRecords(db: Db, model: string, selection: BatchSelection): Promise<PredictionRecord[]> {
  const { time } = selection;
  const records: PredictionRecord[] = [];
  for (const batch of await batchesOf(db, model, selection).select(['format', 'body', 'skip']).execute()) {
    for (const r of decodeBatch(batch))
      if (!time || (r.time >= time.from && r.time < time.to)) records.push(r);
  }
  return records;
}

/** The columns of the selected batches, with the positions of their stored rows (in the time range, if any). */
async function storedColumns(db: Db, model: string, selection: BatchSelection): Promise<ColumnRows[]> {
  const batches = await batchesOf(db, model, selection).select(['columns', 'skip']).execute();
  return batches.map((b) => columnRows(b.columns, b.skip, selection.time));
}

/**
 * The stored predictions of the selected batches with their labels, without features (read from the batches'
 * columns, and a row object built only for the rows kept), in the order stored.
 */
async function storedJoined(
  db: Db,
  model: string,
  selection: BatchSelection,
  keep: { labelled?: boolean; version?: string } = {},
): Promise<JoinedPrediction[]> {
  const batches = await storedColumns(db, model, selection);
  const ids: string[] = [];
  for (const { columns, rows } of batches) for (const i of rows) ids.push(columns.id[i] as string);
  const labels = await labelsOf(db, model, ids);
  const joined: JoinedPrediction[] = [];
  for (const { columns, rows } of batches) {
    for (const i of rows) {
      const label = labels.get(columns.id[i] as string) ?? null;
      if (keep.labelled && label === null) continue;
      if (keep.version !== undefined && (columns.version?.[i] ?? null) !== keep.version) continue;
      joined.push({ ...recordAt(columns, i), label });
    }
  }
  return joined;
}

/**
 * The labels of `ids`. Probing the labels' key costs more a row than reading it in order, so when the model has not
 * many more labels than there are ids, all of its labels are read in one pass instead.
 */
async function labelsOf(
  db: Db,
  model: string,
  ids: readonly string[],
): Promise<Map<string, string | number>> {
  const labels = new Map<string, string | number>();
  if (ids.length === 0) return labels;
  const add = (rows: ReadonlyArray<{ prediction_id: string; label: string }>) => {
    for (const row of rows) labels.set(row.prediction_id, JSON.parse(row.label) as string | number);
  };
  const all = db.selectFrom('labels').select(['prediction_id', 'label']).where('model', '=', model);
  if (ids.length >= LABELS_READ_WHOLE) {
    const { n } = await db
      .selectFrom('labels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model', '=', model)
      .executeTakeFirstOrThrow();
    if (Number(n) <= 4 * ids.length) {
      add(await all.execute());
      return labels;
    }
  }
  for (let start = 0; start < ids.length; start += INSERT_CHUNK)
    add(await all.where('prediction_id', 'in', ids.slice(start, start + INSERT_CHUNK)).execute());
  return labels;
}

const LABELS_READ_WHOLE = 5 * INSERT_CHUNK;

function joined(
  records: readonly PredictionRecord[],
  labels: ReadonlyMap<string, string | number>,
  options: { labelled?: boolean; features?: boolean },
): JoinedPrediction[] {
  const rows: JoinedPrediction[] = [];
  for (const r of records) {
    const label = labels.get(r.id) ?? null;
    if (options.labelled && label === null) continue;
    rows.push({ ...r, features: options.features ? r.features : {}, label });
  }
  return rows;
}

const byTimeThenId = (a: { time: number; id: string }, b: { time: number; id: string }) =>
  a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Predictions of a model with time in [from, to), oldest first (ties by id), each with its label if any. */
export async function queryPredictions(
  db: Db,
  model: string,
  query: PredictionQuery,
): Promise<JoinedPrediction[]> {
  const time = { from: query.from, to: query.to };
  let rows: JoinedPrediction[];
  if (query.features) {
    const records = await storedRecords(db, model, { time });
    const labels = await labelsOf(
      db,
      model,
      records.map((r) => r.id),
    );
    rows = joined(records, labels, query);
  } else rows = await storedJoined(db, model, { time }, query);
  rows.sort(byTimeThenId);
  return query.limit === undefined ? rows : rows.slice(0, query.limit);
}

/** Labelled predictions a version served among the batches received since `since` (a rollout's evidence). */
export function labelledPredictionsSince(
  db: Db,
  model: string,
  version: string,
  since: number,
): Promise<JoinedPrediction[]> {
  return storedJoined(db, model, { receivedFrom: since }, { labelled: true, version });
}

/** The time of the latest prediction that has a label, or undefined when none has. */
export async function latestLabelledTime(db: Db, model: string): Promise<number | undefined> {
  // Only batches holding a labelled prediction, latest first; stop once a batch cannot beat what was found.
  const batches = await db
    .selectFrom('labels as l')
    .innerJoin(storedIds(db).as('i'), (j) =>
      j.onRef('i.model', '=', 'l.model').onRef('i.id', '=', 'l.prediction_id'),
    )
    .innerJoin('prediction_batches as b', 'b.seq', 'i.batch')
    .select(['b.seq', 'b.max_time'])
    .distinct()
    .where('l.model', '=', model)
    .orderBy('b.max_time', 'desc')
    .execute();
  let latest: number | undefined;
  for (const batch of batches) {
    if (latest !== undefined && Number(batch.max_time) <= latest) break;
    const rows = await storedJoined(db, model, { seqs: [Number(batch.seq)] }, { labelled: true });
    for (const r of rows) if (latest === undefined || r.time > latest) latest = r.time;
  }
  return latest;
}

export async function countPredictions(
  db: Db,
  model: string,
): Promise<{ predictions: number; labels: number }> {
  let predictions = 0;
  for (const table of ID_TABLES) {
    const p = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model', '=', model)
      .executeTakeFirstOrThrow();
    predictions += Number(p.n);
  }
  const l = await db
    .selectFrom('labels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', model)
    .executeTakeFirstOrThrow();
  return { predictions, labels: Number(l.n) };
}

/** Upserts this process's share of window profiles (one statement for up to 500). */
export async function writeProfiles(db: Db, rows: ReadonlyArray<Database['profiles']>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await upsertProfiles(db, rows.slice(i, i + 500));
}

async function upsertProfiles(db: Db, rows: Array<Database['profiles']>): Promise<void> {
  await db
    .insertInto('profiles')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['model', 'window_start', 'shard']).doUpdateSet((eb) => ({
        count: eb.ref('excluded.count'),
        profile: eb.ref('excluded.profile'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Which versions answered in [from, to): first and last prediction time and how many, oldest first. */
export async function servedVersions(
  db: Db,
  model: string,
  from: number,
  to: number,
): Promise<Array<{ version: string | null; first: number; last: number; count: number }>> {
  const versions = new Map<
    string | null,
    { version: string | null; first: number; last: number; count: number }
  >();
  for (const { columns, rows } of await storedColumns(db, model, { time: { from, to } })) {
    for (const i of rows) {
      const version = columns.version?.[i] ?? null;
      const time = columns.time[i] as number;
      const v = versions.get(version);
      if (!v) versions.set(version, { version, first: time, last: time, count: 1 });
      else {
        v.first = Math.min(v.first, time);
        v.last = Math.max(v.last, time);
        v.count++;
      }
    }
  }
  return [...versions.values()].sort((a, b) => a.first - b.first);
}
