// Prediction writes: batches of validated predictions stored (ids refused if already stored).

import { sql } from 'kysely';
import type { PredictionRecord } from '../spec/records.js';
import { batchRow, idValuesJson, type RawBatch } from './prediction-batch.js';
import type { Db } from './schema.js';
import { insertBatchSqlite } from './sqlite-batches.js';
import type { SqliteDatabase } from './sqlite-connection.js';

/** Rows per insert statement (and ids per `in (…)` list). */
export const INSERT_CHUNK = 1000;

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
  database: SqliteDatabase,
  model: string,
  records: readonly PredictionRecord[],
  now: number,
  raw?: RawBatch,
): InsertedPredictions {
  return insertBatchSqlite(database, {
    model,
    ...batchRow(records, raw),
    values: idValuesJson(records),
    count: records.length,
    now,
  });
}

/** The batch's number: from the ids it inserted, or (none new) the newest batch of the statement's connection. */
async function batchSeq(db: Db, fromIds: string | number | undefined): Promise<number> {
  if (fromIds !== undefined) return Number(fromIds);
  const { rows } = await sql<{
    seq: string;
  }>`select currval(pg_get_serial_sequence('prediction_batches', 'seq')) as seq`.execute(db);
  return Number(rows[0]?.seq);
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
  options: { raw?: RawBatch; sqlite?: SqliteDatabase } = {},
): Promise<InsertedPredictions> {
  if (options.sqlite) return insertSqlite(options.sqlite, model, records, now, options.raw);
  const row = batchRow(records, options.raw);
  const ids = records.map((r) => r.id);
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  // One statement (one round trip): the batch record, then a key entry for each id it brings that is new, with
  // what labels need of the prediction.
  const result = await sql<{ id: string; seq: string | number }>`
    with batch as (
      insert into prediction_batches (model, min_time, max_time, received_at, count, format, body, columns, skip)
      values (${model}, ${row.min}, ${row.max}, ${now}, ${records.length}, ${row.format}, ${row.body}, ${row.columns},
        null)
      returning seq
    )
    insert into prediction_ids (model, id, batch, time, output, score, proba)
    select ${model}::text, u.id, batch.seq, u.time, u.output, u.score, u.proba
    from unnest(${ids}::text[], ${records.map((r) => r.time)}::bigint[], ${records.map((r) => JSON.stringify(r.output))}::text[],
      ${records.map((r) => json(r.score))}::text[], ${records.map((r) => json(r.proba))}::text[])
      as u(id, time, output, score, proba), batch
    on conflict (model, id) do nothing
    returning id, batch as seq`.execute(db);
  const seq = await batchSeq(db, result.rows[0]?.seq);
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
