import { Worker } from 'node:worker_threads';
import type { JobRunnerOptions } from './job-runner.js';

/** A job runner on a worker thread of this process: update runs train there, off the server's event loop. */
export class JobThread {
  private constructor(
    private readonly thread: Worker,
    readonly id: string,
  ) {}

  static start(options: JobRunnerOptions): Promise<JobThread> {
    const { log, ...data } = options;
    // From the sources (tests, tsx) the entry is a .ts file: tsx's loader is registered in the thread first.
    const source = import.meta.url.endsWith('.ts');
    const entry = new URL(`./job-thread-entry.${source ? 'ts' : 'js'}`, import.meta.url);
    const thread = source
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true, workerData: data },
        )
      : new Worker(entry, { workerData: data });
    return new Promise((resolve, reject) => {
      thread.on('message', (message: { log?: string; started?: string }) => {
        if (message.log !== undefined) log(message.log);
        if (message.started !== undefined) resolve(new JobThread(thread, message.started));
      });
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the update job thread stopped (exit code ${code})`)));
    });
  }

  /** Lets the run in progress finish, then stops the thread. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.thread.once('exit', () => resolve());
      this.thread.postMessage('stop');
    });
  }
}
