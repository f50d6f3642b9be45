// Labels as they arrive: stored against their prediction, or kept waiting (bounded, with a time to live) until it comes.

import { PostgresAdapter, sql } from 'kysely';
import { DomainError } from '../spec/domain-error.js';
import type { ClassValue, LabelRecord } from '../spec/records.js';
import {
  type LabelChange,
  type LabelLookups,
  type LabelledPrediction,
  predictionsById,
  predictionsOfIdRows,
} from './label-states.js';
import { INSERT_CHUNK } from './prediction-writes.js';
import type { Db, IdValuesRow } from './schema.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { upsertLabelsSqlite, waitingLabelsSqlite } from './sqlite-label-statements.js';

/** At most this many labels of a model may wait for predictions that have not arrived. */
export const MAX_WAITING_LABELS = 1_000_000;

/** A label whose prediction has not arrived after this long is dropped (the loop clears them). */
export const WAITING_LABEL_TTL = 30 * 86_400_000;

/** A batch would take a model's labels waiting for their predictions over the limit: nothing of it is stored. */
export class TooManyWaitingLabelsError extends DomainError {
  constructor(
    readonly waiting: number,
    readonly unmatched: number,
    readonly limit: number,
  ) {
    super(
      409,
      'too_many_waiting_labels',
      `${waiting.toLocaleString('en')} labels already wait for predictions that have not arrived, and this batch adds ${unmatched.toLocaleString('en')} more (at most ${limit.toLocaleString('en')}): send the predictions first, or check that the label ids are prediction ids`,
      [{ field: 'predictionId', message: 'no stored prediction has this id' }],
    );
  }
}

/**
 * Stores labels; a label for an id that already has one replaces it (a correction). Labels whose prediction is stored
 * come back as changes for the windows' states (the label counted before, if any, and the new one); the others wait
 * for their prediction, up to `maxWaiting` a model. Run it in a transaction: a batch over that limit throws after
 * its upsert, and its rollback stores nothing of it.
 */
export async function upsertLabels(
  db: Db,
  model: string,
  records: readonly LabelRecord[],
  now: number,
  options: LabelLookups & { maxWaiting?: number } = {},
): Promise<{ matched: number; changes: LabelChange[] }> {
  const { maxWaiting = MAX_WAITING_LABELS, ...lookups } = options;
  // In id order: two servers upserting the same labels take their row locks in one order (no deadlock).
  const ordered = [...records].sort((a, b) =>
    a.predictionId < b.predictionId ? -1 : a.predictionId > b.predictionId ? 1 : 0,
  );
  if (!lookups.sqlite && !(db.getExecutor().adapter instanceof PostgresAdapter))
    throw new Error('upsertLabels on SQLite runs prepared statements: pass the connection as `sqlite`');
  const { predictions, replaced } = lookups.sqlite
    ? await upsertSqlite(db, lookups.sqlite, model, ordered, now, lookups)
    : await upsertPostgres(db, model, ordered, now, lookups);
  const unmatched = records.length - predictions.size;
  if (unmatched > 0) {
    // The labels that wait now, less those this batch added (not those it replaced), were waiting before it.
    let added = 0;
    for (const r of records)
      if (!predictions.has(r.predictionId) && replaced.get(r.predictionId)?.waiting !== 1) added++;
    const waiting = (await countWaitingLabels(db, model)) - added;
    if (waiting + unmatched > maxWaiting) throw new TooManyWaitingLabelsError(waiting, unmatched, maxWaiting);
  }
  const changes: LabelChange[] = [];
  for (const r of records) {
    const prediction = predictions.get(r.predictionId);
    if (!prediction) continue;
    const before = replaced.get(r.predictionId);
    // A label that was waiting was never counted: only a counted one is taken out.
    const counted = before && before.waiting === 0 ? (JSON.parse(before.label) as ClassValue) : null;
    changes.push({ prediction, before: counted, after: r.label, knownAt: Math.max(r.time, now) });
  }
  return { matched: predictions.size, changes };
}

/** A label an upsert replaced: the label (JSON) and whether it was waiting for its prediction, by prediction id. */
type Replaced = Map<string, { label: string; waiting: number }>;

interface Upserted {
  predictions: Map<string, LabelledPrediction>;
  replaced: Replaced;
}

/** SQLite: the predictions looked up, then the labels upserted a prepared statement a row (no round trips). */
async function upsertSqlite(
  db: Db,
  sqlite: SqliteDatabase,
  model: string,
  ordered: readonly LabelRecord[],
  now: number,
  lookups: LabelLookups,
): Promise<Upserted> {
  const predictions = await predictionsById(
    db,
    model,
    ordered.map((r) => r.predictionId),
    lookups,
  );
  const rows = ordered.map((r) => ({
    predictionId: r.predictionId,
    label: JSON.stringify(r.label),
    time: r.time,
    waiting: predictions.has(r.predictionId) ? (0 as const) : (1 as const),
  }));
  const replaced: Replaced = new Map();
  for (const { predictionId, label, waiting } of upsertLabelsSqlite(sqlite, model, rows, now))
    replaced.set(predictionId, { label, waiting });
  return { predictions, replaced };
}

/**
 * PostgreSQL: one statement a chunk looks the predictions up in the id key, upserts the labels (waiting where none
 * is stored) and returns both: a round trip fewer than a lookup then an upsert. The update of a conflicting row
 * reads the row as it stands when locked, so a label another transaction replaced meanwhile is the one taken out (a
 * read before the write would have missed it).
 */
async function upsertPostgres(
  db: Db,
  model: string,
  ordered: readonly LabelRecord[],
  now: number,
  lookups: LabelLookups,
): Promise<Upserted> {
  const found: IdValuesRow[] = [];
  const replaced: Replaced = new Map();
  for (let start = 0; start < ordered.length; start += INSERT_CHUNK) {
    const chunk = ordered.slice(start, start + INSERT_CHUNK);
    const ids = chunk.map((r) => r.predictionId);
    const { rows } = await sql<
      Omit<IdValuesRow, 'id'> & {
        prediction_id: string;
        previous_label: string | null;
        previous_waiting: number | null;
      }
    >`
      with stored as (
        select id, batch, time, output, score, proba from prediction_ids
        where model = ${model} and id = any(${ids}::text[])
      ), upserted as (
        insert into labels (model, prediction_id, label, time, ingested_at, waiting, previous_label, previous_waiting)
        select ${model}::text, l.id, l.label, l.time, ${now}::bigint, case when s.id is null then 1 else 0 end, null, null
        from unnest(${ids}::text[], ${chunk.map((r) => JSON.stringify(r.label))}::text[],
          ${chunk.map((r) => r.time)}::bigint[]) with ordinality as l(id, label, time, n)
        left join stored s on s.id = l.id
        order by l.n
        on conflict (model, prediction_id) do update set label = excluded.label, time = excluded.time,
          ingested_at = excluded.ingested_at, waiting = excluded.waiting, previous_label = labels.label,
          previous_waiting = labels.waiting
        returning prediction_id, previous_label, previous_waiting
      )
      select u.prediction_id, u.previous_label, u.previous_waiting, s.batch, s.time, s.output, s.score, s.proba
      from upserted u left join stored s on s.id = u.prediction_id`.execute(db);
    for (const row of rows) {
      if (row.batch !== null)
        found.push({
          id: row.prediction_id,
          batch: row.batch,
          time: row.time,
          output: row.output,
          score: row.score,
          proba: row.proba,
        });
      if (row.previous_label !== null)
        replaced.set(row.prediction_id, {
          label: row.previous_label,
          waiting: Number(row.previous_waiting ?? 0),
        });
    }
  }
  return { predictions: await predictionsOfIdRows(db, found, lookups.batches), replaced };
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
  lookups: LabelLookups = {},
): Promise<LabelChange[]> {
  let waiting = db
    .selectFrom('labels')
    .select(['prediction_id', 'label'])
    .where('model', '=', model)
    .where('waiting', '=', 1);
  if (ids) waiting = waiting.where('prediction_id', 'in', ids.length > 0 ? ids : ['']);
  // Every batch a SQLite writer thread stores is followed by a match of its ids: prepared once.
  const rows =
    ids && lookups.sqlite ? waitingLabelsSqlite(lookups.sqlite, model, ids) : await waiting.execute();
  if (rows.length === 0) return [];
  const predictions = await predictionsById(
    db,
    model,
    rows.map((r) => r.prediction_id),
    lookups,
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
      .returning(['prediction_id', 'label', 'time', 'ingested_at'])
      .execute();
    for (const row of flipped)
      changes.push({
        prediction: predictions.get(row.prediction_id) as LabelledPrediction,
        before: null,
        after: JSON.parse(row.label) as ClassValue,
        knownAt: Math.max(Number(row.time), Number(row.ingested_at)),
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

/** Whether labels of the model (of `ids`, when given) wait for their predictions. */
export async function hasWaitingLabels(db: Db, model: string, ids?: readonly string[]): Promise<boolean> {
  let waiting = db
    .selectFrom('labels')
    .select('prediction_id')
    .where('model', '=', model)
    .where('waiting', '=', 1);
  if (ids) waiting = waiting.where('prediction_id', 'in', ids.length > 0 ? ids : ['']);
  return (await waiting.limit(1).executeTakeFirst()) !== undefined;
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
