// Labels as they arrive: stored against their prediction, or kept waiting (bounded, with a time to live) until it comes.

import { DomainError } from '../spec/domain-error.js';
import type { ClassValue, LabelRecord } from '../spec/records.js';
import {
  type LabelChange,
  type LabelLookups,
  type LabelledPrediction,
  predictionsById,
} from './label-states.js';
import { INSERT_CHUNK } from './prediction-writes.js';
import type { Db } from './schema.js';
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
 * for their prediction, up to `maxWaiting` a model.
 */
export async function upsertLabels(
  db: Db,
  model: string,
  records: readonly LabelRecord[],
  now: number,
  options: LabelLookups & { maxWaiting?: number } = {},
): Promise<{ matched: number; changes: LabelChange[] }> {
  const { maxWaiting = MAX_WAITING_LABELS, ...lookups } = options;
  const ids = records.map((r) => r.predictionId);
  const predictions = await predictionsById(db, model, ids, lookups);
  const unmatched = records.length - predictions.size;
  if (unmatched > 0) {
    const waiting = await countWaitingLabels(db, model);
    if (waiting + unmatched > maxWaiting) throw new TooManyWaitingLabelsError(waiting, unmatched, maxWaiting);
  }
  const previous = new Map<string, { label: string; waiting: number }>();
  // In id order: two servers upserting the same labels take their row locks in one order (no deadlock).
  const ordered = [...records].sort((a, b) =>
    a.predictionId < b.predictionId ? -1 : a.predictionId > b.predictionId ? 1 : 0,
  );
  for (let start = 0; start < ordered.length; start += INSERT_CHUNK) {
    const chunk = ordered.slice(start, start + INSERT_CHUNK);
    for (const replaced of await upsertReturningReplaced(db, model, chunk, predictions, now, lookups.sqlite))
      previous.set(replaced.prediction_id, { label: replaced.label, waiting: replaced.waiting });
  }
  const changes: LabelChange[] = [];
  for (const r of records) {
    const prediction = predictions.get(r.predictionId);
    if (!prediction) continue;
    const before = previous.get(r.predictionId);
    // A label that was waiting was never counted: only a counted one is taken out.
    const counted = before && before.waiting === 0 ? (JSON.parse(before.label) as ClassValue) : null;
    changes.push({ prediction, before: counted, after: r.label, knownAt: Math.max(r.time, now) });
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

/** A label an upsert replaced: the label (JSON) and whether it was waiting for its prediction. */
type ReplacedLabel = { prediction_id: string; label: string; waiting: number };

/**
 * The upsert, returning for each label it replaced the label and waiting flag replaced. The update of a conflicting
 * row reads the row as it stands when locked, so a label another transaction replaced meanwhile is the one taken
 * out (a read before the write would have missed it).
 */
async function upsertReturningReplaced(
  db: Db,
  model: string,
  chunk: readonly LabelRecord[],
  predictions: ReadonlyMap<string, unknown>,
  now: number,
  sqlite?: SqliteDatabase,
): Promise<ReplacedLabel[]> {
  if (sqlite)
    return upsertLabelsSqlite(
      sqlite,
      model,
      chunk.map((r) => ({
        predictionId: r.predictionId,
        label: JSON.stringify(r.label),
        time: r.time,
        waiting: predictions.has(r.predictionId) ? 0 : 1,
      })),
      now,
    ).map(({ predictionId, label, waiting }) => ({ prediction_id: predictionId, label, waiting }));
  const rows = await db
    .insertInto('labels')
    .values(
      chunk.map((r) => ({
        model,
        prediction_id: r.predictionId,
        label: JSON.stringify(r.label),
        time: r.time,
        ingested_at: now,
        waiting: predictions.has(r.predictionId) ? 0 : 1,
        previous_label: null,
        previous_waiting: null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['model', 'prediction_id']).doUpdateSet((eb) => ({
        label: eb.ref('excluded.label'),
        time: eb.ref('excluded.time'),
        ingested_at: eb.ref('excluded.ingested_at'),
        waiting: eb.ref('excluded.waiting'),
        previous_label: eb.ref('labels.label'),
        previous_waiting: eb.ref('labels.waiting'),
      })),
    )
    .returning(['prediction_id', 'previous_label', 'previous_waiting'])
    .execute();
  const replaced: ReplacedLabel[] = [];
  for (const row of rows)
    if (row.previous_label !== null)
      replaced.push({
        prediction_id: row.prediction_id,
        label: row.previous_label,
        waiting: Number(row.previous_waiting ?? 0),
      });
  return replaced;
}
