import { randomUUID } from 'node:crypto';
import type { ClassValue, PredictionRecord } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import { decodeLabelDelta, encodeLabelDelta } from '../window-state/window-label-delta.js';
import { WindowLabels, type WindowLabelsJSON } from '../window-state/window-labels.js';
import { columnRows, recordAt } from './prediction-batch.js';
import type { Db, IdValuesRow } from './schema.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { idValuesSqlite } from './sqlite-label-statements.js';

const CHUNK = 500;
/** Every stored id is in one of these (see sqlite-batches.ts: SQLite moves ids from the second to the first). */
export const ID_TABLES = ['prediction_ids', 'prediction_ids_recent'] as const;

/** A batch's columns as parsed, with the row of each id. */
interface ParsedBatch {
  signature: string;
  columns: ReturnType<typeof columnRows>['columns'];
  rowOf: Map<string, number>;
}

/**
 * Batches a process keeps parsed for label lookups (labels mostly follow recent predictions), by sequence number,
 * each with the signature of the row it was parsed from (a number reused after a model's deletion is re-read).
 */
export class BatchColumnsCache {
  readonly batches = new Map<number, ParsedBatch>();
  /** `size`: batches kept (about 15 KB each for 100 rows). */
  constructor(private readonly size = 512) {}
  remember(seq: number, batch: ParsedBatch): void {
    this.batches.delete(seq);
    this.batches.set(seq, batch);
    while (this.batches.size > this.size) this.batches.delete(this.batches.keys().next().value as number);
  }
}

/** What a label write may use beside its connection. */
export interface LabelLookups {
  /** Batches kept parsed, for ids stored before migration 014 (their values are not beside them). */
  batches?: BatchColumnsCache;
  /** The SQLite connection the write's `db` runs on: its hot statements run prepared. */
  sqlite?: SqliteDatabase;
}

/** What a label needs of its prediction: which window it falls in, and what it predicted. */
export type LabelledPrediction = Pick<PredictionRecord, 'id' | 'time' | 'output' | 'score' | 'proba'>;

/**
 * The stored predictions of `ids` as labels need them, by id; ids not stored are left out. One query of the id keys,
 * which hold these values beside each id; for ids stored before migration 014 they are read from their batches.
 */
export async function predictionsById(
  db: Db,
  model: string,
  ids: readonly string[],
  { batches, sqlite }: LabelLookups = {},
): Promise<Map<string, LabelledPrediction>> {
  const rows: IdValuesRow[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const stored = (table: (typeof ID_TABLES)[number]) =>
      db
        .selectFrom(table)
        .select(['id', 'batch', 'time', 'output', 'score', 'proba'])
        .where('model', '=', model)
        .where('id', 'in', chunk);
    rows.push(
      ...(sqlite
        ? idValuesSqlite(sqlite, model, chunk)
        : await stored('prediction_ids').unionAll(stored('prediction_ids_recent')).execute()),
    );
  }
  return predictionsOfIdRows(db, rows, batches);
}

/** The predictions of id key rows, by id: from their values, or from their batches for ids stored before 014. */
export async function predictionsOfIdRows(
  db: Db,
  rows: readonly IdValuesRow[],
  batches?: BatchColumnsCache,
): Promise<Map<string, LabelledPrediction>> {
  const found = new Map<string, LabelledPrediction>();
  const batchOf = new Map<string, number>();
  for (const row of rows) {
    if (row.time === null || row.output === null) batchOf.set(row.id, Number(row.batch));
    else
      found.set(row.id, {
        id: row.id,
        time: Number(row.time),
        output: JSON.parse(row.output) as ClassValue,
        score: row.score === null ? null : (JSON.parse(row.score) as number),
        proba: row.proba === null ? null : (JSON.parse(row.proba) as Record<string, number>),
      });
  }
  if (batchOf.size > 0) for (const [id, p] of await fromBatches(db, batchOf, batches)) found.set(id, p);
  return found;
}

/** Predictions read from their batches' columns (`batchOf`: each id's batch), parsed once a batch a process. */
async function fromBatches(
  db: Db,
  batchOf: ReadonlyMap<string, number>,
  cache?: BatchColumnsCache,
): Promise<Map<string, LabelledPrediction>> {
  // Each batch's signature (small columns only), then the columns of the batches not parsed yet; this call's
  // batches are held apart (the cache may let some go before the end of a large call).
  const seqs = [...new Set(batchOf.values())];
  const signatures = new Map<number, string>();
  for (let start = 0; start < seqs.length; start += CHUNK) {
    const rows = await db
      .selectFrom('prediction_batches')
      .select(['seq', 'model', 'count', 'min_time', 'max_time'])
      .where('seq', 'in', seqs.slice(start, start + CHUNK))
      .execute();
    for (const row of rows)
      signatures.set(
        Number(row.seq),
        `${row.model}\u0000${row.count}\u0000${row.min_time}\u0000${row.max_time}`,
      );
  }
  const parsed = new Map<number, ParsedBatch>();
  const missing: number[] = [];
  for (const [seq, signature] of signatures) {
    const cached = cache?.batches.get(seq);
    if (cached?.signature === signature) parsed.set(seq, cached);
    else missing.push(seq);
  }
  for (let start = 0; start < missing.length; start += CHUNK) {
    const batches = await db
      .selectFrom('prediction_batches')
      .select(['seq', 'columns', 'skip'])
      .where('seq', 'in', missing.slice(start, start + CHUNK))
      .execute();
    for (const batch of batches) {
      const { columns, rows } = columnRows(batch.columns, batch.skip);
      const rowOf = new Map<string, number>();
      for (const i of rows) rowOf.set(columns.id[i] as string, i);
      const entry = { signature: signatures.get(Number(batch.seq)) as string, columns, rowOf };
      parsed.set(Number(batch.seq), entry);
      cache?.remember(Number(batch.seq), entry);
    }
  }
  const found = new Map<string, LabelledPrediction>();
  for (const [id, seq] of batchOf) {
    const batch = parsed.get(seq);
    const i = batch?.rowOf.get(id);
    if (batch && i !== undefined) {
      const { time, output, score, proba } = recordAt(batch.columns, i);
      found.set(id, { id, time, output, score, proba });
    }
  }
  return found;
}

/** A change to one prediction's label: the label the window's state counts now (null: none), and the new one. */
export interface LabelChange {
  prediction: LabelledPrediction;
  before: ClassValue | null;
  after: ClassValue | null;
  /** When the new label reached Steward: the later of its time and its ingestion. */
  knownAt: number;
}

/** The change each window's state takes from label changes, by window start (windows left unchanged left out). */
export function labelDeltas(window: number, changes: readonly LabelChange[]): Map<number, WindowLabels> {
  const deltas = new Map<number, WindowLabels>();
  for (const { prediction: p, before, after } of changes) {
    if (before === after) continue;
    const start = windowStart(p.time, window);
    let delta = deltas.get(start);
    if (!delta) {
      delta = new WindowLabels();
      deltas.set(start, delta);
    }
    if (before !== null) delta.add({ label: before, output: p.output, score: p.score, proba: p.proba }, -1);
    if (after !== null) delta.add({ label: after, output: p.output, score: p.score, proba: p.proba }, 1);
  }
  for (const [start, delta] of deltas) if (delta.empty) deltas.delete(start);
  return deltas;
}

/**
 * What a process knows of its own shard of a model: the number of the last delta it wrote, and the windows whose
 * state row exists. Drop it when a write fails (it may hold what was rolled back).
 */
export interface ShardLog {
  n?: number;
  windows: Set<number>;
}

/** An empty state, the row a window's deltas are folded into. */
const EMPTY_STATE = JSON.stringify(new WindowLabels());

/**
 * Appends one delta row (numbered after the shard's last) holding the change of each window, in the caller's
 * transaction, and creates the state rows of windows that have none. Returns the delta's number (undefined: nothing
 * changed); after the commit the caller sets `log.n` to it and adds the windows to `log.windows`. The caller
 * serialises a shard's writes of a model, so a shard's deltas commit in the order of their numbers.
 */
export async function appendLabelDelta(
  db: Db,
  model: string,
  shard: string,
  log: ShardLog,
  deltas: ReadonlyMap<number, WindowLabels>,
  now: number,
): Promise<number | undefined> {
  if (deltas.size === 0) return undefined;
  const last = log.n ?? (await lastDeltaNumber(db, model, shard));
  const missing = [...deltas.keys()].filter((start) => !log.windows.has(start));
  for (let i = 0; i < missing.length; i += CHUNK) {
    await db
      .insertInto('window_labels')
      .values(
        missing.slice(i, i + CHUNK).map((start) => ({
          model,
          window_start: start,
          shard,
          labelled: 0,
          state: EMPTY_STATE,
          updated_at: now,
          through_n: 0,
          epoch: randomUUID(),
        })),
      )
      .onConflict((oc) => oc.columns(['model', 'window_start', 'shard']).doNothing())
      .execute();
  }
  const n = last + 1;
  await db
    .insertInto('window_label_deltas')
    .values({ model, shard, n, delta: encodeLabelDelta(deltas), created_at: now })
    .execute();
  return n;
}

/** The number of a shard's last delta, folded or not (0: none yet). */
async function lastDeltaNumber(db: Db, model: string, shard: string): Promise<number> {
  const delta = await db
    .selectFrom('window_label_deltas')
    .select((eb) => eb.fn.max('n').as('n'))
    .where('model', '=', model)
    .where('shard', '=', shard)
    .executeTakeFirst();
  const folded = await db
    .selectFrom('window_label_shards')
    .select('folded_n')
    .where('model', '=', model)
    .where('shard', '=', shard)
    .executeTakeFirst();
  return Math.max(Number(delta?.n ?? 0), Number(folded?.folded_n ?? 0));
}

/** A shard's deltas numbered above `after` (and up to `through`, if given), oldest first. */
export async function readLabelDeltas(
  db: Db,
  model: string,
  shard: string,
  after: number,
  through?: number,
  /** Only the windows wanted are decoded (a reader holds a few of the windows a delta touches). */
  keep?: (start: number) => boolean,
): Promise<Array<{ n: number; windows: Map<number, WindowLabels> }>> {
  let q = db
    .selectFrom('window_label_deltas')
    .select(['n', 'delta'])
    .where('model', '=', model)
    .where('shard', '=', shard)
    .where('n', '>', after)
    .orderBy('n');
  if (through !== undefined) q = q.where('n', '<=', through);
  return (await q.execute()).map((row) => ({ n: Number(row.n), windows: decodeLabelDelta(row.delta, keep) }));
}

/** A window's state as a shard's folder wrote it last: the row's epoch and the deltas folded into it. */
export interface FoldedState {
  epoch: string;
  through: number;
  state: WindowLabels;
}

/**
 * Folds a shard's deltas numbered up to `through` into its windows' states and deletes them, in one transaction of
 * the caller's. `current(start, epoch)`: the window's state with every one of those deltas in, when the caller
 * holds it. `folded`: the states this folder wrote last, by window: one whose row has not moved since (same epoch,
 * same deltas folded) takes the new deltas in place instead of being read and parsed again (a busy window's state
 * holds 10^5 entries: parsing it was most of a fold); the map is updated with what this fold writes. Otherwise the
 * state is read and the deltas applied. Returns the windows folded, with their epochs and sizes.
 */
export async function foldLabelDeltas(
  db: Db,
  model: string,
  shard: string,
  through: number,
  now: number,
  current?: (start: number, epoch: string) => WindowLabels | undefined,
  folded?: Map<number, FoldedState>,
): Promise<Array<{ start: number; epoch: string; entries: number }>> {
  const deltas = await readLabelDeltas(db, model, shard, 0, through);
  if (deltas.length === 0) return [];
  const touched = new Set<number>();
  for (const d of deltas) for (const start of d.windows.keys()) touched.add(start);
  const written: Array<{ start: number; epoch: string; entries: number }> = [];
  for (const start of touched) {
    const row = await db
      .selectFrom('window_labels')
      .select(['through_n', 'epoch'])
      .where('model', '=', model)
      .where('window_start', '=', start)
      .where('shard', '=', shard)
      .executeTakeFirstOrThrow();
    let state = current?.(start, row.epoch);
    const held = folded?.get(start);
    if (!state && held && held.epoch === row.epoch && held.through === Number(row.through_n)) {
      state = held.state;
      for (const d of deltas) {
        const change = d.windows.get(start);
        if (change && d.n > held.through) state.merge(change);
      }
    }
    if (!state) {
      const { state: text } = await db
        .selectFrom('window_labels')
        .select('state')
        .where('model', '=', model)
        .where('window_start', '=', start)
        .where('shard', '=', shard)
        .executeTakeFirstOrThrow();
      state = WindowLabels.fromJSON(JSON.parse(text) as WindowLabelsJSON);
      for (const d of deltas) {
        const change = d.windows.get(start);
        if (change && d.n > Number(row.through_n)) state.merge(change);
      }
    }
    await db
      .updateTable('window_labels')
      .set((eb) => ({
        state: JSON.stringify(state),
        labelled: state.labelled,
        through_n: through,
        updated_at: now,
        revision: eb('revision', '+', 1),
      }))
      .where('model', '=', model)
      .where('window_start', '=', start)
      .where('shard', '=', shard)
      .execute();
    written.push({ start, epoch: row.epoch, entries: state.size });
    folded?.set(start, { epoch: row.epoch, through, state });
  }
  await db
    .deleteFrom('window_label_deltas')
    .where('model', '=', model)
    .where('shard', '=', shard)
    .where('n', '<=', through)
    .execute();
  await db
    .insertInto('window_label_shards')
    .values({ model, shard, folded_n: through })
    .onConflict((oc) => oc.columns(['model', 'shard']).doUpdateSet({ folded_n: through }))
    .execute();
  return written;
}

/** A window's whole state, written anew (a rebuild): a new epoch, no deltas folded. */
export async function writeLabelState(
  db: Db,
  model: string,
  start: number,
  shard: string,
  state: WindowLabels,
  now: number,
): Promise<void> {
  const values = {
    model,
    window_start: start,
    shard,
    labelled: state.labelled,
    state: JSON.stringify(state),
    updated_at: now,
    through_n: 0,
    epoch: randomUUID(),
  };
  await db
    .insertInto('window_labels')
    .values(values)
    .onConflict((oc) => oc.columns(['model', 'window_start', 'shard']).doUpdateSet(values))
    .execute();
}

/**
 * The state rows of a model's base windows starting in [from, to), each with the number of the last delta of its
 * shard that is in it (its own fold, or a later fold of its shard that had nothing for its window).
 */
export function labelStateRows(db: Db, model: string, from: number, to: number) {
  return db
    .selectFrom('window_labels as w')
    .leftJoin('window_label_shards as s', (j) =>
      j.onRef('s.model', '=', 'w.model').onRef('s.shard', '=', 'w.shard'),
    )
    .select(['w.window_start', 'w.shard', 'w.epoch', 'w.through_n', 's.folded_n'])
    .where('w.model', '=', model)
    .where('w.window_start', '>=', from)
    .where('w.window_start', '<', to);
}

/** The last delta of its shard a state row (from labelStateRows) has in it. */
export const foldedIn = (row: { through_n: number; folded_n: number | null }) =>
  Math.max(Number(row.through_n), Number(row.folded_n ?? 0));

/** Every shard's state of the base windows starting in [from, to), deltas included, merged per base window. */
export async function readLabelStates(
  db: Db,
  model: string,
  from: number,
  to: number,
): Promise<Map<number, WindowLabels>> {
  const rows = await labelStateRows(db, model, from, to).select('w.state').execute();
  const states = new Map<number, WindowLabels>();
  const folded = new Map<string, number>();
  const add = (start: number, part: WindowLabels) => {
    const merged = states.get(start);
    if (merged) merged.merge(part);
    else states.set(start, part);
  };
  for (const row of rows) {
    add(Number(row.window_start), WindowLabels.fromJSON(JSON.parse(row.state) as WindowLabelsJSON));
    folded.set(`${row.window_start}\u0000${row.shard}`, foldedIn(row));
  }
  const inRange = (start: number) => start >= from && start < to;
  for (const shard of new Set(rows.map((r) => r.shard)))
    for (const d of await readLabelDeltas(db, model, shard, 0, undefined, inRange))
      for (const [start, change] of d.windows)
        if (d.n > (folded.get(`${start}\u0000${shard}`) ?? 0)) add(start, change);
  return states;
}
