import { Worker } from 'node:worker_threads';
import type { RegressionErrorEstimate } from '@steward/core';

export type LossModelRequest =
  | {
      kind: 'fit';
      id: number;
      key: string;
      X: Float64Array;
      cols: number;
      predicted: Float64Array;
      actual: Float64Array;
    }
  | { kind: 'estimate'; id: number; key: string; X: Float64Array; cols: number; predicted: Float64Array };

export type LossModelReply = { id: number; estimate?: RegressionErrorEstimate; error?: string };

/**
 * Direct loss estimation off the event loop: one worker thread (loss-model-thread.ts) fits each model's loss models
 * and estimates windows with them, so a read that estimates 10^5 rows (a second or more of CPU) does not hold every
 * other request. Started on first use; it does not keep the process alive. If it dies, pending calls fail with its
 * error and the next call starts a new one (whose estimators must be fitted again: `fitted` says which are).
 */
class LossModelWorker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (reply: LossModelReply) => void; reject: (e: Error) => void }
  >();
  /** Keys fitted in the current worker. */
  readonly fitted = new Set<string>();

  async fit(
    key: string,
    X: readonly number[][],
    predicted: ArrayLike<number>,
    actual: ArrayLike<number>,
  ): Promise<void> {
    const { data, cols } = flatten(X);
    await this.call({
      kind: 'fit',
      id: 0,
      key,
      X: data,
      cols,
      predicted: Float64Array.from(predicted),
      actual: Float64Array.from(actual),
    });
    this.fitted.add(key);
  }

  async estimate(
    key: string,
    X: readonly number[][],
    predicted: ArrayLike<number>,
  ): Promise<RegressionErrorEstimate> {
    const { data, cols } = flatten(X);
    const reply = await this.call({
      kind: 'estimate',
      id: 0,
      key,
      X: data,
      cols,
      predicted: Float64Array.from(predicted),
    });
    return reply.estimate as RegressionErrorEstimate;
  }

  /** Stops the worker (its fitted models go with it); the next call starts another. */
  async terminate(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.fitted.clear();
    await worker.terminate();
  }

  private call(request: LossModelRequest): Promise<LossModelReply> {
    const worker = this.started();
    const id = this.next++;
    return new Promise<LossModelReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, [
        request.X.buffer as ArrayBuffer,
        request.predicted.buffer as ArrayBuffer,
      ]);
    }).then((reply) => {
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply;
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    // Tests run on the TypeScript sources, but a worker needs JavaScript: use the built file (npm test builds first).
    const here = import.meta.url;
    const script = here.endsWith('.ts')
      ? new URL(here.replace('/src/', '/dist/').replace(/loss-model-worker\.ts$/, 'loss-model-thread.js'))
      : new URL('./loss-model-thread.js', here);
    const worker = new Worker(script);
    worker.unref();
    worker.on('message', (reply: LossModelReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    const failed = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fitted.clear();
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`the loss-model worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

function flatten(X: readonly number[][]): { data: Float64Array; cols: number } {
  const cols = X[0]?.length ?? 0;
  const data = new Float64Array(X.length * cols);
  for (const [i, row] of X.entries()) data.set(row, i * cols);
  return { data, cols };
}

/** The server's one loss-model worker. */
export const lossModels = new LossModelWorker();
