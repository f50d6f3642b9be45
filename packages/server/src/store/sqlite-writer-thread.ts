// The SQLite writer thread (see sqlite-writer.ts): its own connection, batches (with their windows' profiles), label
// writes and folds in group transactions, commits and checkpoints (fsync, copying the WAL back) off the server's
// event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLabelDelta } from '../window-state/window-label-delta.js';
import { BatchColumnsCache, type FoldedState, foldLabelDeltas, type ShardLog } from './label-states.js';
import { TooManyWaitingLabelsError } from './label-upserts.js';
import { type LabelWrite, writeLabelsIn } from './label-writes.js';
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
  /** The model has label features: its labels are recorded in label_history too. */
  labelHistory?: boolean;
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

/** This thread's shard logs (see label-states.ts), by model and creation time. */
const logs = new Map<string, ShardLog>();
// Labels of ids stored before migration 014 read their predictions from the batches (see predictionsById).
const batches = new BatchColumnsCache(2048);
const logKey = (model: LabelModel, shard: string) => `${model.name}\u0000${model.createdAt}\u0000${shard}`;

function stored(request: BatchRequest): WriteReply {
  try {
    return { id: request.id, outcome: 'stored', inserted: batchWriter.write(request).inserted };
  } catch (error) {
    return failed(request.id, error);
  }
}

/** Runs `write` in a savepoint of the group's transaction: when it fails, what it wrote is rolled back alone. */
async function savepoint<T>(write: () => Promise<T>): Promise<T> {
  database.exec('savepoint request');
  try {
    const result = await write();
    database.exec('release request');
    return result;
  } catch (error) {
    database.exec('rollback to request');
    database.exec('release request');
    throw error;
  }
}

async function labelled(request: LabelRequest): Promise<WriteReply> {
  const key = logKey(request.model, request.shard);
  const log: ShardLog = logs.get(key) ?? { windows: new Set() };
  logs.set(key, log);
  try {
    const written = await savepoint(() =>
      writeLabelsIn(db, request.model, request.shard, log, request.write, request.now, {
        batches,
        sqlite: database,
      }),
    );
    // The next write of the group numbers its delta after this one (the whole log goes if the group fails).
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

/** The states this thread's folds wrote last, by shard log (see foldLabelDeltas): the next fold starts from them. */
const foldedStates = new Map<string, Map<number, FoldedState>>();
// Windows a shard keeps parsed: the busy ones are the newest, folded again and again.
const MAX_FOLDED_WINDOWS = 64;

async function folded(request: FoldRequest): Promise<WriteReply> {
  const key = logKey(request.model, request.shard);
  const log = logs.get(key);
  if (!log?.n) return { id: request.id, outcome: 'folded', entries: 0 };
  const through = log.n;
  const held = foldedStates.get(key) ?? new Map<number, FoldedState>();
  foldedStates.set(key, held);
  try {
    const windows = await savepoint(() =>
      foldLabelDeltas(db, request.model.name, request.shard, through, request.now, undefined, held),
    );
    for (const start of [...held.keys()].sort((a, b) => b - a).slice(MAX_FOLDED_WINDOWS)) held.delete(start);
    return { id: request.id, outcome: 'folded', entries: windows.reduce((sum, w) => sum + w.entries, 0) };
  } catch (error) {
    // What the fold took in place may have been rolled back with it.
    foldedStates.delete(key);
    return failed(request.id, error);
  }
}

/**
 * The requests that came in while the last group ran, in one transaction: one commit (and one fsync) for all, the
 * pages several of them touch (the newest labels) written once, and each window profile the batches moved encoded
 * and written once. Each request is a savepoint of its own, so one that fails is rolled back alone; if the commit
 * fails, every one of them fails.
 */
async function committed(group: readonly WriteRequest[]): Promise<WriteReply[]> {
  const replies: WriteReply[] = [];
  try {
    database.exec('begin immediate');
    for (const request of group)
      replies.push(
        request.kind === 'batch'
          ? stored(request)
          : request.kind === 'labels'
            ? await labelled(request)
            : await folded(request),
      );
    batchWriter.flush();
    database.exec('commit');
    return replies;
  } catch (error) {
    if (database.isTransaction) database.exec('rollback');
    // What the caches took from the group was rolled back with it.
    logs.clear();
    foldedStates.clear();
    batchWriter.forgetAll();
    return group.map((request) => failed(request.id, error));
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
// Requests are taken in the order they came, up to MAX_GROUP that came in while the last group ran at a time.
const MAX_GROUP = 16;
const inbox: Array<WriteRequest | 'close'> = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  // Messages that came while a group ran are delivered between turns: let them in before taking the next.
  const delivered = () => new Promise<void>((resolve) => setImmediate(resolve));
  for (;;) {
    await delivered();
    if (inbox.length === 0) break;
    if (inbox[0] === 'close') {
      await db.destroy();
      port?.close();
      return;
    }
    let n = 1;
    while (n < MAX_GROUP && n < inbox.length && inbox[n] !== 'close') n++;
    const group = inbox.splice(0, n) as WriteRequest[];
    for (const reply of await committed(group)) port?.postMessage(reply);
  }
  draining = false;
}

port.on('message', (request: WriteRequest | 'close') => {
  inbox.push(request);
  if (!draining) void drain();
});
