/// <reference types="node" />
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Control words shared with a helper: [0] command sequence (−1 = stop), [1] finished sequence, then arguments. */
const ARGUMENT_WORDS = 10;

/**
 * The loop every helper worker runs, prepended to its source: it waits for a command, calls the source's
 * `handle(data, args)` with the argument words and signals completion. Commands and completion go through
 * Atomics on shared memory, which wakes a thread in microseconds where a message would take a turn of the event loop.
 */
const SERVE = `
const { workerData } = require('node:worker_threads');
function serve(data) {
  const control = data.control;
  const args = control.subarray(2);
  let seq = 0;
  for (;;) {
    Atomics.wait(control, 0, seq);
    seq = Atomics.load(control, 0);
    if (seq < 0) return;
    handle(data, args);
    Atomics.store(control, 1, seq);
    Atomics.notify(control, 1);
  }
}
`;

/** One helper worker thread running `source` (which defines `handle(data, args)`) on `data` in shared memory. */
export interface WorkerChannel {
  /** Starts a command with these argument words (at most ten integers) and returns at once. */
  run(args: readonly number[]): void;
  /** Blocks until the last command has finished. */
  wait(): void;
  close(): void;
}

export function startWorker(source: string, data: Record<string, unknown>): WorkerChannel {
  const control = new Int32Array(new SharedArrayBuffer((2 + ARGUMENT_WORDS) * 4));
  const worker = new Worker(`${SERVE}\n${source}\nserve(workerData);`, {
    eval: true,
    workerData: { ...data, control },
  });
  worker.unref();
  let sequence = 0;
  return {
    run(args) {
      control.set(args, 2);
      sequence += 1;
      Atomics.store(control, 0, sequence);
      Atomics.notify(control, 0);
    },
    wait() {
      for (let done = Atomics.load(control, 1); done !== sequence; done = Atomics.load(control, 1)) {
        Atomics.wait(control, 1, done);
      }
    },
    close() {
      Atomics.store(control, 0, -1);
      Atomics.notify(control, 0);
      void worker.terminate();
    },
  };
}

/** Helpers worth starting on this machine: one per core beyond the calling thread, at most three. */
export function defaultHelperCount(): number {
  return Math.min(3, availableParallelism() - 1);
}
