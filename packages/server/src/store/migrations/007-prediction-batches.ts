import { type Kysely, type Migration, sql } from 'kysely';
import type { PredictionRecord } from '../../spec/records.js';
import { batchRow } from '../prediction-batch.js';

const MOVE_CHUNK = 1000;

interface OldPrediction {
  model: string;
  id: string;
  time: number | string;
  version: string | null;
  segment: string | null;
  features: string;
  output: string;
  score: number | null;
  proba: string | null;
  ingested_at: number | string;
}

/**
 * Predictions are stored a batch to a row (as they arrive) with a narrow `(model, id)` key beside them, instead of a
 * row per prediction with two indexes: ingest writes one record and one key entry per prediction. Existing rows
 * move into batch records of up to 1000, in time order.
 */
export function predictionBatchesMigration(dialect: 'sqlite' | 'postgres'): Migration {
  const autoId = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('prediction_batches')
        .addColumn('seq', sql.raw(autoId), (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('min_time', 'bigint', (c) => c.notNull())
        .addColumn('max_time', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('skip', 'text')
        .execute();
      await db.schema
        .createIndex('prediction_batches_by_time')
        .on('prediction_batches')
        .columns(['model', 'max_time'])
        .execute();
      await db.schema
        .createIndex('prediction_batches_by_arrival')
        .on('prediction_batches')
        .columns(['model', 'received_at'])
        .execute();
      // SQLite: new ids go to the small `prediction_ids_recent` first and move to `prediction_ids` in sorted runs
      // (see sqlite-batches.ts); PostgreSQL writes `prediction_ids` directly and leaves the other empty.
      for (const table of ['prediction_ids', 'prediction_ids_recent']) {
        let ids = db.schema
          .createTable(table)
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('batch', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['model', 'id']);
        if (dialect === 'sqlite') ids = ids.modifyEnd(sql`without rowid`);
        await ids.execute();
      }

      const old = db as unknown as Kysely<{ predictions: OldPrediction }>;
      const models = await old.selectFrom('predictions').select('model').distinct().execute();
      for (const { model } of models) {
        let after: { time: number; id: string } | undefined;
        for (;;) {
          let q = old
            .selectFrom('predictions')
            .selectAll()
            .where('model', '=', model)
            .orderBy('time')
            .orderBy('id')
            .limit(MOVE_CHUNK);
          if (after) {
            const { time, id } = after;
            q = q.where((eb) =>
              eb.or([eb('time', '>', time), eb.and([eb('time', '=', time), eb('id', '>', id)])]),
            );
          }
          const rows = await q.execute();
          if (rows.length === 0) break;
          await moveChunk(db, model, rows);
          const last = rows[rows.length - 1] as OldPrediction;
          after = { time: Number(last.time), id: last.id };
        }
      }
      await db.schema.dropTable('predictions').execute();
    },
  };
}

async function moveChunk(db: Kysely<unknown>, model: string, rows: OldPrediction[]): Promise<void> {
  const records = rows.map(
    (r): PredictionRecord => ({
      id: r.id,
      time: Number(r.time),
      version: r.version,
      segment: r.segment,
      features: JSON.parse(r.features) as PredictionRecord['features'],
      output: JSON.parse(r.output) as PredictionRecord['output'],
      score: r.score,
      proba: r.proba === null ? null : (JSON.parse(r.proba) as Record<string, number>),
    }),
  );
  const row = batchRow(records, undefined);
  const target = db as unknown as Kysely<{
    prediction_batches: {
      seq?: number;
      model: string;
      min_time: number;
      max_time: number;
      received_at: number;
      count: number;
      format: string;
      body: string;
      columns: string;
      skip: string | null;
    };
    prediction_ids: { model: string; id: string; batch: number };
  }>;
  const batch = await target
    .insertInto('prediction_batches')
    .values({
      model,
      min_time: row.min,
      max_time: row.max,
      received_at: Math.max(...rows.map((r) => Number(r.ingested_at))),
      count: records.length,
      format: row.format,
      body: row.body,
      columns: row.columns,
      skip: null,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  await target
    .insertInto('prediction_ids')
    .values(records.map((r) => ({ model, id: r.id, batch: Number(batch.seq) })))
    .execute();
}
