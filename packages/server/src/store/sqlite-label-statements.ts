// A label write's hot statements on SQLite, prepared once a connection (the writer thread's): Kysely compiled the
// hundred-row upsert anew for every write, a third of the upsert's time.
import type { IdValuesRow } from './schema.js';
import { preparedOnce, type SqliteDatabase, type SqliteStatement } from './sqlite-connection.js';

/** A label row as the upsert writes it. */
export interface LabelRow {
  predictionId: string;
  /** JSON. */
  label: string;
  time: number;
  waiting: 0 | 1;
}

interface Statements {
  idValues: SqliteStatement;
  upsert: SqliteStatement;
  waiting: SqliteStatement;
}

const statementsOf = preparedOnce((database): Statements => {
  const idValues = (table: string) =>
    `select id, batch, time, output, score, proba from ${table}
     where model = @model and id in (select value from json_each(@ids))`;
  return {
    idValues: database.prepare(
      `${idValues('prediction_ids')} union all ${idValues('prediction_ids_recent')}`,
    ),
    // A conflicting row's label and flag as they stand when the update takes it (see upsertPostgres in label-upserts.ts).
    upsert: database.prepare(
      `insert into labels (model, prediction_id, label, time, ingested_at, waiting, previous_label, previous_waiting)
       values (?, ?, ?, ?, ?, ?, null, null)
       on conflict (model, prediction_id) do update set label = excluded.label, time = excluded.time,
         ingested_at = excluded.ingested_at, waiting = excluded.waiting, previous_label = labels.label,
         previous_waiting = labels.waiting
       returning previous_label, previous_waiting`,
    ),
    waiting: database.prepare(
      `select prediction_id, label from labels
       where model = @model and waiting = 1 and prediction_id in (select value from json_each(@ids))`,
    ),
  };
});

/** The id key rows of `ids` (each id is in one of the two keys at most). */
export function idValuesSqlite(
  database: SqliteDatabase,
  model: string,
  ids: readonly string[],
): IdValuesRow[] {
  return statementsOf(database).idValues.all({ model, ids: JSON.stringify(ids) }) as unknown as IdValuesRow[];
}

/** The labels of `ids` that wait for their prediction. */
export function waitingLabelsSqlite(
  database: SqliteDatabase,
  model: string,
  ids: readonly string[],
): Array<{ prediction_id: string; label: string }> {
  return statementsOf(database).waiting.all({ model, ids: JSON.stringify(ids) }) as unknown as Array<{
    prediction_id: string;
    label: string;
  }>;
}

/** Upserts `rows`, one prepared statement a row; returns, by prediction id, the label each replaced. */
export function upsertLabelsSqlite(
  database: SqliteDatabase,
  model: string,
  rows: readonly LabelRow[],
  now: number,
): Array<{ predictionId: string; label: string; waiting: number }> {
  const { upsert } = statementsOf(database);
  const replaced: Array<{ predictionId: string; label: string; waiting: number }> = [];
  for (const row of rows) {
    const previous = upsert.get(model, row.predictionId, row.label, row.time, now, row.waiting) as {
      previous_label: string | null;
      previous_waiting: number | null;
    };
    if (previous.previous_label !== null)
      replaced.push({
        predictionId: row.predictionId,
        label: previous.previous_label,
        waiting: previous.previous_waiting ?? 0,
      });
  }
  return replaced;
}
