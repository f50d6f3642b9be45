// The SQLite writer thread (see sqlite-writer.ts): its own connection, one transaction a batch (with its windows'
// profiles), commits and checkpoints (fsync, copying the WAL back) off the server's event loop. Label writes and
// folds run here too.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLabelDelta } from '../monitor/window-label-delta.js';
import { BatchColumnsCache, foldLabelDeltas, type ShardLog } from './label-states.js';
import { type LabelWrite, writeLabels } from './label-writes.js';
import { TooManyWaitingLabelsError } from './predictions.js';
import { openSqliteDatabase } from './sqlite-connection.js';
import { type ProfiledBatch, ProfiledBatchWriter } from './sqlite-profiled-batches.js';

export interface BatchRequest extends ProfiledBatch {
  id: number;
  kind: 'batch';
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
  | { id: number; outcome: 'stored'; inserted: number }
  | { id: number; outcome: 'labelled'; count: number; n?: number; delta?: string }
  | { id: number; outcome: 'folded'; entries: number }
  | {
      id: number;
      outcome: 'failed';
      message: string;
      tooManyWaiting?: { waiting: number; unmatched: number; limit: number };
    };

const { database, db } = openSqliteDatabase((workerData as { path: string }).path);
const batchWriter = new ProfiledBatchWriter(database);

function stored(requests: readonly BatchRequest[]): WriteReply[] {
  return batchWriter
    .writeAll(requests)
    .map((result, i) =>
      'error' in result
        ? failed((requests[i] as BatchRequest).id, result.error)
        : { id: (requests[i] as BatchRequest).id, outcome: 'stored', inserted: result.inserted },
    );
}

/** This thread's shard logs (see label-states.ts), by model and creation time. */
const logs = new Map<string, ShardLog>();
// Every label write of a SQLite store looks its predictions up here: a larger cache than a server's.
const batches = new BatchColumnsCache(2048);
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
// One request at a time, in the order they came (a label write's transaction spans awaits); batches that came in
// while the thread was busy are committed together.
const MAX_GROUP = 16;
const inbox: Array<WriteRequest | 'close'> = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  // Messages that came while a request ran are delivered between turns: let them in before taking the next.
  const delivered = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (;;) {
    await delivered();
    if (inbox.length === 0) break;
    const request = inbox[0] as WriteRequest | 'close';
    if (request === 'close') {
      await db.destroy();
      port?.close();
      return;
    }
    if (request.kind === 'batch') {
      let n = 1;
      while (n < MAX_GROUP && n < inbox.length && (inbox[n] as WriteRequest).kind === 'batch') n++;
      const group = inbox.splice(0, n) as BatchRequest[];
      for (const reply of stored(group)) port?.postMessage(reply);
      continue;
    }
    inbox.shift();
    port?.postMessage(request.kind === 'labels' ? await labelled(request) : await folded(request));
  }
  draining = false;
}

port.on('message', (request: WriteRequest | 'close') => {
  inbox.push(request);
  if (!draining) void drain();
});
