// Prediction reads: a model's predictions by time, with their labels, counts and served versions.
import type { JoinedPrediction, PredictionRecord } from '../spec/records.js';
import { ID_TABLES } from './label-states.js';
import { type ColumnRows, columnRows, decodeBatch, recordAt } from './prediction-batch.js';
import { INSERT_CHUNK } from './prediction-writes.js';
import type { Db } from './schema.js';

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
  // A label and the state row of its prediction's window commit together, so the newest window with a state row
  // holds the latest labelled prediction: read from its start on (the unlabelled tail), not every label ever stored.
  const newest = await db
    .selectFrom('window_labels')
    .select((eb) => eb.fn.max('window_start').as('start'))
    .where('model', '=', model)
    .executeTakeFirst();
  if (newest?.start === null || newest?.start === undefined) return undefined;
  const rows = await storedJoined(
    db,
    model,
    { time: { from: Number(newest.start), to: Number.MAX_SAFE_INTEGER } },
    { labelled: true },
  );
  let latest: number | undefined;
  for (const r of rows) if (latest === undefined || r.time > latest) latest = r.time;
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
