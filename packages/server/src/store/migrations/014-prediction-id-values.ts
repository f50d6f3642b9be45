import type { Kysely, Migration } from 'kysely';

/**
 * What a label needs of its prediction is kept beside the prediction's id: its time (which window), output, score
 * and class probabilities. A label write then looks its predictions up in the key alone, instead of reading and
 * parsing the columns of every batch its ids fall in (most of a label write's cost once labels reach back over more
 * batches than a process keeps parsed). Ids stored before this migration have none of these (null `time`): their
 * lookups still read the batch. Both stores fill them as they store the ids (SQLite from a JSON array of small
 * tuples the receiving thread encodes: see sqlite-batches.ts).
 */
export function predictionIdValuesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const table of ['prediction_ids', 'prediction_ids_recent']) {
        await db.schema.alterTable(table).addColumn('time', 'bigint').execute();
        // As JSON, each exactly as the batch's columns have it (a score goes through no database float parsing).
        await db.schema.alterTable(table).addColumn('output', 'text').execute();
        await db.schema.alterTable(table).addColumn('score', 'text').execute();
        await db.schema.alterTable(table).addColumn('proba', 'text').execute();
      }
    },
  };
}
