import { Worker } from 'node:worker_threads';
import type { WriteReply, WriteRequest } from './sqlite-writer-thread.js';

export type WriteOutcome = 'stored' | 'duplicates';

/**
 * Writes ingested batches to a SQLite file from a thread of its own. The event loop hands over a batch record and
 * its profiles (strings: no copy of parsed rows) and goes on parsing and validating the next requests while the
 * thread commits: the fsync of each commit and the WAL checkpoints no longer stall every request. Resolves once the
 * batch is committed (durable); `duplicates` means nothing was written because some ids were already stored.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(o: WriteOutcome): void; reject(e: Error): void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor(path: string) {
    // From the sources (tests, tsx) the thread is a .ts file: it registers tsx's loader in the thread first.
    const thread = new URL(`./sqlite-writer-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
    this.worker = thread.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(thread.href)}); });`,
          { eval: true, workerData: { path } },
        )
      : new Worker(thread, { workerData: { path } });
    this.worker.unref();
    this.worker.on('message', (reply: WriteReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.outcome === 'failed') waiting.reject(new Error(reply.message));
      else waiting.resolve(reply.outcome);
    });
    const fail = (error: Error) => {
      this.failure = new Error(`the SQLite writer thread stopped: ${error.message}`);
      for (const waiting of this.pending.values()) waiting.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  write(batch: WriteRequest['batch'], profiles: WriteRequest['profiles']): Promise<WriteOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, batch, profiles } satisfies WriteRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    }) as Promise<WriteOutcome>;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}
