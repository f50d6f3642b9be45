import { Worker } from 'node:worker_threads';
import type { WriteReply, WriteRequest } from './sqlite-writer-thread.js';

/**
 * `duplicates`: nothing written, some ids were already stored. `stale`: nothing written, the batch's profiles were
 * built on an earlier batch of its model that was not stored (same or older generation).
 */
export type WriteOutcome = 'stored' | 'duplicates' | 'stale';

/**
 * Writes ingested batches to a SQLite file from a thread of its own. The event loop hands over a batch record and
 * its profiles (strings: no copy of parsed rows) and goes on parsing and validating the next requests while the
 * thread commits: the fsync of each commit and the WAL checkpoints no longer stall every request. Resolves once the
 * batch is committed (durable); `duplicates` means nothing was written because some ids were already stored.
 */
export class SqliteWriter {
  private thread: Worker | undefined;
  private readonly pending = new Map<number, { resolve(o: WriteOutcome): void; reject(e: Error): void }>();
  private next = 0;
  private failure: Error | undefined;

  /** The thread starts on the first write: opening the store to read or configure starts none. */
  constructor(private readonly path: string) {}

  /** False once the thread has stopped (closed, or failed): writers then use the store's own connection. */
  get available(): boolean {
    return this.failure === undefined;
  }

  write(
    batch: WriteRequest['batch'],
    profiles: WriteRequest['profiles'],
    generation: number,
  ): Promise<WriteOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.started();
    const id = this.next++;
    const written = new Promise<WriteOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, batch, profiles, generation } satisfies WriteRequest);
    });
    return written.finally(() => {
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
      if (reply.outcome === 'failed') waiting.reject(new Error(reply.message));
      else waiting.resolve(reply.outcome);
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
