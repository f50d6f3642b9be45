// The SQLite writer thread (see sqlite-writer.ts): its own connection, one transaction a batch, commits and
// checkpoints (fsync, copying the WAL back) off the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema.js';
import { insertBatchSqlite, type SqliteBatch, writeProfileSqlite } from './sqlite-batches.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';

export interface WriteRequest {
  id: number;
  batch: SqliteBatch;
  profiles: Array<Database['profiles']>;
  /** The model's profile-cache generation the profiles were built on (see Ingestion). */
  generation: number;
}

export type WriteReply =
  | { id: number; outcome: 'stored' | 'duplicates' | 'stale' }
  | { id: number; outcome: 'failed'; message: string };

class Duplicates extends Error {}

const database = new BetterSqlite3((workerData as { path: string }).path);
for (const pragma of SQLITE_PRAGMAS) database.pragma(pragma);

const write = database.transaction((request: WriteRequest) => {
  const { inserted } = insertBatchSqlite(database, request.batch);
  // The profiles were built assuming every row is new: a retried batch rolls back and is written the slow way.
  if (inserted !== request.batch.count) throw new Duplicates();
  for (const profile of request.profiles) writeProfileSqlite(database, profile);
});

// Per model, the newest generation with a batch that was not stored: the batches built on it must not be.
const refusedThrough = new Map<string, number>();

function reply(request: WriteRequest): WriteReply {
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

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
port.on('message', (request: WriteRequest | 'close') => {
  if (request !== 'close') {
    port.postMessage(reply(request));
    return;
  }
  database.close();
  port.close();
});
