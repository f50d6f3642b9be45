import { Worker } from 'node:worker_threads';
import { decodeLabelDelta } from '../window-state/window-label-delta.js';
import { TooManyWaitingLabelsError } from './label-upserts.js';
import type { LabelWritten } from './label-writes.js';
import type {
  BatchRequest,
  FoldRequest,
  LabelRequest,
  WriteReply,
  WriteRequest,
} from './sqlite-writer-thread.js';

/**
 * Writes to a SQLite file from a thread of its own: ingested batches (the thread profiles their rows into the
 * windows' profiles), label writes and their folds. The event loop hands over a batch record (strings: no copy of
 * parsed rows) and goes on parsing and validating the next requests while the thread profiles and commits: the
 * profiling, the fsync of each commit and the WAL checkpoints no longer stall every request. Each call resolves once
 * its transaction is committed (durable).
 */
export class SqliteWriter {
  private thread: Worker | undefined;
  private readonly pending = new Map<number, { resolve(reply: WriteReply): void; reject(e: Error): void }>();
  private next = 0;
  private failure: Error | undefined;

  /** The thread starts on the first write: opening the store to read or configure starts none. */
  constructor(private readonly path: string) {}

  /** False once the thread has stopped (closed, or failed): writers then use the store's own connection. */
  get available(): boolean {
    return this.failure === undefined;
  }

  /** Stores a batch with its rows in the shard's profiles; resolves once committed, to the rows stored. */
  async write(batch: Omit<BatchRequest, 'id' | 'kind'>): Promise<number> {
    const reply = await this.request({ kind: 'batch', ...batch });
    if (reply.outcome !== 'stored')
      throw new Error(`unexpected reply from the SQLite writer thread: ${reply.outcome}`);
    return reply.inserted;
  }

  /** A label write (see label-writes.ts) in the thread, on the thread's shard log of the model. */
  async labels(request: Omit<LabelRequest, 'id' | 'kind'>): Promise<LabelWritten> {
    const reply = await this.request({ kind: 'labels', ...request });
    if (reply.outcome !== 'labelled')
      throw new Error(`unexpected reply from the SQLite writer thread: ${reply.outcome}`);
    return {
      count: reply.count,
      ...(reply.n !== undefined ? { n: reply.n } : {}),
      deltas: reply.delta === undefined ? new Map() : decodeLabelDelta(reply.delta),
    };
  }

  /** Folds the shard's deltas of the model written so far; resolves to the entries of the states rewritten. */
  async fold(request: Omit<FoldRequest, 'id' | 'kind'>): Promise<number> {
    const reply = await this.request({ kind: 'fold', ...request });
    if (reply.outcome !== 'folded')
      throw new Error(`unexpected reply from the SQLite writer thread: ${reply.outcome}`);
    return reply.entries;
  }

  private request(request: DistributiveOmit<WriteRequest, 'id'>): Promise<WriteReply> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.started();
    const id = this.next++;
    const replied = new Promise<WriteReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...request, id } as WriteRequest);
    });
    return replied.finally(() => {
      if (this.pending.size === 0) worker.unref();
    });
  }

  async close(): Promise<void> {
    const worker = this.thread;
    if (!worker || this.failure) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    // From the sources (tests, tsx) the thread is a .ts file: it registers tsx's loader in the thread first.
    const source = import.meta.url.endsWith('.ts');
    const thread = new URL(`./sqlite-writer-thread.${source ? 'ts' : 'js'}`, import.meta.url);
    const workerData = { path: this.path };
    const worker = source
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(thread.href)}); });`,
          { eval: true, workerData },
        )
      : new Worker(thread, { workerData });
    worker.unref();
    worker.on('message', (reply: WriteReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.outcome !== 'failed') waiting.resolve(reply);
      else if (reply.tooManyWaiting) {
        const { waiting: w, unmatched, limit } = reply.tooManyWaiting;
        waiting.reject(new TooManyWaitingLabelsError(w, unmatched, limit));
      } else waiting.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.failure ??= new Error(`the SQLite writer thread stopped: ${error.message}`);
      for (const waiting of this.pending.values()) waiting.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.thread = worker;
    return worker;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
