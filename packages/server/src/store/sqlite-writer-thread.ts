// The SQLite writer thread (see sqlite-writer.ts): its own connection, one transaction a batch, commits and
// checkpoints (fsync, copying the WAL back) off the server's event loop. Label writes and folds run here too.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLabelDelta } from '../monitor/window-label-delta.js';
import { BatchColumnsCache, foldLabelDeltas, type ShardLog } from './label-states.js';
import { type LabelWrite, writeLabels } from './label-writes.js';
import { TooManyWaitingLabelsError } from './predictions.js';
import type { Database } from './schema.js';
import { insertBatchSqlite, type SqliteBatch, writeProfileSqlite } from './sqlite-batches.js';
import { openSqliteDatabase } from './sqlite-connection.js';

export interface BatchRequest {
  id: number;
  kind: 'batch';
  batch: SqliteBatch;
  profiles: Array<Database['profiles']>;
  /** The model's profile-cache generation the profiles were built on (see Ingestion). */
  generation: number;
}

/** A model as label jobs need it: `createdAt` tells a model re-created under the same name from the old one. */
export interface LabelModel {
  name: string;
  window: number;
  createdAt: number;
}

export interface LabelRequest {
  id: number;
  kind: 'labels';
  model: LabelModel;
  shard: string;
  write: LabelWrite;
  now: number;
}

export interface FoldRequest {
  id: number;
  kind: 'fold';
  model: LabelModel;
  shard: string;
  now: number;
}

export type WriteRequest = BatchRequest | LabelRequest | FoldRequest;

export type WriteReply =
  | { id: number; outcome: 'stored' | 'duplicates' | 'stale' }
  | { id: number; outcome: 'labelled'; count: number; n?: number; delta?: string }
  | { id: number; outcome: 'folded'; entries: number }
  | {
      id: number;
      outcome: 'failed';
      message: string;
      tooManyWaiting?: { waiting: number; unmatched: number; limit: number };
    };

class Duplicates extends Error {}

const { database, db } = openSqliteDatabase((workerData as { path: string }).path);

const write = database.transaction((request: BatchRequest) => {
  const { inserted } = insertBatchSqlite(database, request.batch);
  // The profiles were built assuming every row is new: a retried batch rolls back and is written the slow way.
  if (inserted !== request.batch.count) throw new Duplicates();
  for (const profile of request.profiles) writeProfileSqlite(database, profile);
});

// Per model, the newest generation with a batch that was not stored: the batches built on it must not be.
const refusedThrough = new Map<string, number>();

function stored(request: BatchRequest): WriteReply {
  const { model } = request.batch;
  const refused = refusedThrough.get(model);
  if (refused !== undefined && request.generation <= refused) return { id: request.id, outcome: 'stale' };
  try {
    write(request);
    return { id: request.id, outcome: 'stored' };
  } catch (error) {
    refusedThrough.set(model, request.generation);
    return error instanceof Duplicates
      ? { id: request.id, outcome: 'duplicates' }
      : { id: request.id, outcome: 'failed', message: (error as Error).message };
  }
}

/** This thread's shard logs (see label-states.ts), by model and creation time. */
const logs = new Map<string, ShardLog>();
const batches = new BatchColumnsCache();
const logKey = (model: LabelModel, shard: string) => `${model.name}\u0000${model.createdAt}\u0000${shard}`;

async function labelled(request: LabelRequest): Promise<WriteReply> {
  const key = logKey(request.model, request.shard);
  let log = logs.get(key);
  if (!log) {
    log = { windows: new Set() };
    logs.set(key, log);
  }
  try {
    const written = await writeLabels(
      db,
      request.model,
      request.shard,
      log,
      request.write,
      request.now,
      batches,
    );
    if (written.n !== undefined) {
      log.n = written.n;
      for (const start of written.deltas.keys()) log.windows.add(start);
    }
    return {
      id: request.id,
      outcome: 'labelled',
      count: written.count,
      ...(written.n !== undefined ? { n: written.n, delta: encodeLabelDelta(written.deltas) } : {}),
    };
  } catch (error) {
    logs.delete(key);
    return failed(request.id, error);
  }
}

async function folded(request: FoldRequest): Promise<WriteReply> {
  const log = logs.get(logKey(request.model, request.shard));
  if (!log?.n) return { id: request.id, outcome: 'folded', entries: 0 };
  const through = log.n;
  try {
    const windows = await db
      .transaction()
      .execute((trx) => foldLabelDeltas(trx, request.model.name, request.shard, through, request.now));
    return { id: request.id, outcome: 'folded', entries: windows.reduce((sum, w) => sum + w.entries, 0) };
  } catch (error) {
    return failed(request.id, error);
  }
}

function failed(id: number, error: unknown): WriteReply {
  return {
    id,
    outcome: 'failed',
    message: (error as Error).message,
    ...(error instanceof TooManyWaitingLabelsError
      ? { tooManyWaiting: { waiting: error.waiting, unmatched: error.unmatched, limit: error.limit } }
      : {}),
  };
}

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
// One request at a time, in the order they came: a label write's transaction spans awaits.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (request: WriteRequest | 'close') => {
  queue = queue.then(async () => {
    if (request === 'close') {
      await db.destroy();
      port.close();
      return;
    }
    const reply =
      request.kind === 'batch'
        ? stored(request)
        : request.kind === 'labels'
          ? await labelled(request)
          : await folded(request);
    port.postMessage(reply);
  });
});
