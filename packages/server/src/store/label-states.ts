import type { Kysely, Transaction } from 'kysely';
import type { ClassValue, PredictionRecord } from '../monitor/ingest-rows.js';
import type { ModelSpec } from '../monitor/model-spec.js';
import { WindowLabels, type WindowLabelsJSON } from '../monitor/window-labels.js';
import { windowStart } from '../monitor/window-start.js';
import { columnRows, recordAt } from './prediction-batch.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

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
  remember(seq: number, batch: ParsedBatch): void {
    this.batches.delete(seq);
    this.batches.set(seq, batch);
    while (this.batches.size > 512) this.batches.delete(this.batches.keys().next().value as number);
  }
}

/** The stored predictions of `ids` (without features), by id; ids not stored are left out. */
export async function predictionsById(
  db: Db,
  model: string,
  ids: readonly string[],
  cache?: BatchColumnsCache,
): Promise<Map<string, PredictionRecord>> {
  const batchOf = new Map<string, number>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    for (const table of ID_TABLES) {
      const rows = await db
        .selectFrom(table)
        .select(['id', 'batch'])
        .where('model', '=', model)
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) batchOf.set(row.id, Number(row.batch));
    }
  }
  // This call's batches (the cache may let some go before the end of a large call).
  const parsed = new Map<number, ParsedBatch>();
  const list = [...new Set(batchOf.values())];
  for (let start = 0; start < list.length; start += CHUNK) {
    const part = list.slice(start, start + CHUNK);
    // Signatures first (small columns only), then the columns of the batches not parsed yet.
    const heads = await db
      .selectFrom('prediction_batches')
      .select(['seq', 'model', 'count', 'min_time', 'max_time'])
      .where('seq', 'in', part)
      .execute();
    const signatures = new Map<number, string>();
    const missing: number[] = [];
    for (const h of heads) {
      const signature = `${h.model}\u0000${h.count}\u0000${h.min_time}\u0000${h.max_time}`;
      signatures.set(Number(h.seq), signature);
      const cached = cache?.batches.get(Number(h.seq));
      if (cached?.signature === signature) parsed.set(Number(h.seq), cached);
      else missing.push(Number(h.seq));
    }
    if (missing.length === 0) continue;
    const batches = await db
      .selectFrom('prediction_batches')
      .select(['seq', 'columns', 'skip'])
      .where('seq', 'in', missing)
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
  const found = new Map<string, PredictionRecord>();
  for (const [id, seq] of batchOf) {
    const batch = parsed.get(seq);
    const i = batch?.rowOf.get(id);
    if (batch && i !== undefined) found.set(id, recordAt(batch.columns, i));
  }
  return found;
}

/** A change to one prediction's label: the label the window's state counts now (null: none), and the new one. */
export interface LabelChange {
  prediction: PredictionRecord;
  before: ClassValue | null;
  after: ClassValue | null;
}

/**
 * Applies label changes to this process's shard of each window's state, in the caller's transaction: a correction
 * takes the old entry out and puts the new one in. The caller serialises the changes of a model in this process
 * (another process writes its own shard).
 */
export async function applyLabelChanges(
  db: Db,
  spec: ModelSpec,
  shard: string,
  changes: readonly LabelChange[],
  now: number,
  /** This shard's states by window start, as last written (the caller drops it when the transaction fails). */
  cache?: Map<number, WindowLabels>,
  /** Told of each state written, with the revision its row now has (reads may keep it instead of parsing it). */
  written?: (start: number, revision: number, state: WindowLabels) => void,
): Promise<void> {
  const byWindow = new Map<number, LabelChange[]>();
  for (const change of changes) {
    if (change.before === change.after) continue;
    const start = windowStart(change.prediction.time, spec.window);
    const list = byWindow.get(start);
    if (list) list.push(change);
    else byWindow.set(start, [change]);
  }
  for (const [start, list] of byWindow) {
    let state = cache?.get(start);
    if (!state) {
      const row = await db
        .selectFrom('window_labels')
        .select('state')
        .where('model', '=', spec.name)
        .where('window_start', '=', start)
        .where('shard', '=', shard)
        .executeTakeFirst();
      state = row ? WindowLabels.fromJSON(JSON.parse(row.state) as WindowLabelsJSON) : new WindowLabels();
    }
    for (const { prediction: p, before, after } of list) {
      if (before !== null) state.add({ label: before, output: p.output, score: p.score, proba: p.proba }, -1);
      if (after !== null) state.add({ label: after, output: p.output, score: p.score, proba: p.proba }, 1);
    }
    const revision = await writeLabelState(db, spec.name, start, shard, state, now);
    written?.(start, revision, state);
    if (cache) {
      cache.delete(start);
      cache.set(start, state);
      while (cache.size > LABEL_CACHE_SIZE) cache.delete(cache.keys().next().value as number);
    }
  }
}

/** Windows whose label state a process keeps parsed, per model (the most recently written). */
const LABEL_CACHE_SIZE = 256;

export async function writeLabelState(
  db: Db,
  model: string,
  start: number,
  shard: string,
  state: WindowLabels,
  now: number,
): Promise<number> {
  const values = {
    model,
    window_start: start,
    shard,
    labelled: state.labelled,
    state: JSON.stringify(state),
    updated_at: now,
  };
  const row = await db
    .insertInto('window_labels')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['model', 'window_start', 'shard']).doUpdateSet((eb) => ({
        labelled: values.labelled,
        state: values.state,
        updated_at: now,
        revision: eb('window_labels.revision', '+', 1),
      })),
    )
    .returning('revision')
    .executeTakeFirstOrThrow();
  return Number(row.revision);
}

/** Every shard's state of the base windows starting in [from, to), merged per base window. */
export async function readLabelStates(
  db: Db,
  model: string,
  from: number,
  to: number,
): Promise<Map<number, WindowLabels>> {
  const rows = await db
    .selectFrom('window_labels')
    .select(['window_start', 'state'])
    .where('model', '=', model)
    .where('window_start', '>=', from)
    .where('window_start', '<', to)
    .execute();
  const states = new Map<number, WindowLabels>();
  for (const row of rows) {
    const start = Number(row.window_start);
    const part = WindowLabels.fromJSON(JSON.parse(row.state) as WindowLabelsJSON);
    const merged = states.get(start);
    if (merged) merged.merge(part);
    else states.set(start, part);
  }
  return states;
}
