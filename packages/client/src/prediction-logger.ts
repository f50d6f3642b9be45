import { StewardApiError } from './api-error.js';
import type { StewardClient } from './client.js';
import type { LabelInput, PredictionInput } from './types.js';

export interface PredictionLoggerOptions {
  /** Send when this many rows are buffered. Default 1000. */
  batchSize?: number;
  /** Send whatever is buffered at least this often. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Rows held at most (predictions and labels together). Default 100,000. */
  maxBuffered?: number;
  /**
   * When the buffer is full: `drop-newest` (default) refuses the new row (log returns false), `drop-oldest`
   * discards the oldest buffered row to make room. Either way the row is counted in `stats.dropped`.
   */
  whenFull?: 'drop-newest' | 'drop-oldest';
  /** Attempts per batch for network errors, 5xx, 408 and 429. Default 6. */
  maxAttempts?: number;
  /** Wait before retry n (0-based). Default 200 ms · 2^n, at most 10 s, with ±20% jitter. */
  backoffMs?: (retry: number) => number;
  /** Flush when the Node process is about to exit. Default true. */
  flushOnExit?: boolean;
  /** Batches the server refused (400) or that ran out of attempts; they are not retried. */
  onError?: (error: StewardApiError, rows: number) => void;
}

export interface LoggerStats {
  /** Rows the server acknowledged. */
  sent: number;
  /** Rows dropped because the buffer was full. */
  dropped: number;
  /** Rows in batches the server refused or that failed every attempt. */
  failed: number;
  /** Retried requests. */
  retries: number;
  /** Rows waiting to be sent. */
  buffered: number;
}

type Item = { kind: 'prediction'; row: PredictionInput } | { kind: 'label'; row: LabelInput };

/**
 * Buffers predictions and labels for one model and sends them in batches: when `batchSize` rows wait, every
 * `flushIntervalMs`, on `flush()`/`close()` and on process exit. Failed sends are retried with back-off; memory is
 * bounded by `maxBuffered` with the `whenFull` policy.
 *
 * @example
 * const logger = new PredictionLogger(client, 'churn');
 * logger.log({ id: 'a1', features: { age: 31 }, output: 1, score: 0.83 });
 * logger.label('a1', 0); // hours later
 * await logger.close();
 */
export class PredictionLogger {
  private readonly queue: Item[] = [];
  private readonly settings: Required<Omit<PredictionLoggerOptions, 'onError'>>;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private readonly counts: Omit<LoggerStats, 'buffered'> = { sent: 0, dropped: 0, failed: 0, retries: 0 };
  private readonly exitHook = () => void this.flush();

  constructor(
    private readonly client: StewardClient,
    readonly model: string,
    private readonly options: PredictionLoggerOptions = {},
  ) {
    this.settings = {
      batchSize: 1000,
      flushIntervalMs: 1000,
      maxBuffered: 100_000,
      whenFull: 'drop-newest',
      maxAttempts: 6,
      backoffMs: (n) => Math.min(10_000, 200 * 2 ** n) * (0.8 + 0.4 * Math.random()),
      flushOnExit: true,
      ...options,
    };
    if (!(this.settings.batchSize >= 1 && this.settings.maxBuffered >= this.settings.batchSize)) {
      throw new RangeError('batchSize must be at least 1 and maxBuffered at least batchSize');
    }
    if (this.settings.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush(), this.settings.flushIntervalMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    if (this.settings.flushOnExit) nodeProcess()?.on('beforeExit', this.exitHook);
  }

  /**
   * Buffers a prediction; false when it was dropped because the buffer is full (see `whenFull`). A prediction
   * without a time gets the time it is logged (not when its batch reaches the server).
   */
  log(prediction: PredictionInput): boolean {
    return this.push({
      kind: 'prediction',
      row: prediction.time === undefined ? { ...prediction, time: Date.now() } : prediction,
    });
  }

  /** Buffers the label of a logged prediction. */
  label(predictionId: string | number, label: string | number, time?: LabelInput['time']): boolean {
    return this.push({
      kind: 'label',
      row: { predictionId, label, ...(time !== undefined ? { time } : {}) },
    });
  }

  get stats(): LoggerStats {
    return { ...this.counts, buffered: this.queue.length };
  }

  /** Sends everything buffered now; resolves when the server has acknowledged it (or it failed for good). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
    if (this.queue.length === 0) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
    });
    await this.sending;
  }

  /** Flushes and stops the timer; later `log` calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    nodeProcess()?.off('beforeExit', this.exitHook);
    await this.flush();
  }

  private push(item: Item): boolean {
    if (this.closed) throw new Error(`the logger of model "${this.model}" is closed`);
    if (this.queue.length >= this.settings.maxBuffered) {
      this.counts.dropped++;
      if (this.settings.whenFull === 'drop-newest') return false;
      this.queue.shift();
    }
    this.queue.push(item);
    if (this.queue.length >= this.settings.batchSize && !this.sending) void this.flush();
    return true;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.settings.batchSize);
      const predictions = batch.flatMap((i) => (i.kind === 'prediction' ? [i.row] : []));
      const labels = batch.flatMap((i) => (i.kind === 'label' ? [i.row] : []));
      if (predictions.length > 0)
        await this.send(predictions.length, () => this.client.logPredictions(this.model, predictions));
      if (labels.length > 0) await this.send(labels.length, () => this.client.logLabels(this.model, labels));
    }
  }

  private async send(rows: number, call: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await call();
        this.counts.sent += rows;
        return;
      } catch (error) {
        const apiError =
          error instanceof StewardApiError
            ? error
            : new StewardApiError(0, 'network', (error as Error).message);
        if (!apiError.retryable || attempt + 1 >= this.settings.maxAttempts) {
          this.counts.failed += rows;
          this.options.onError?.(apiError, rows);
          return;
        }
        this.counts.retries++;
        await new Promise((resolve) => setTimeout(resolve, this.settings.backoffMs(attempt)));
      }
    }
  }
}

interface ExitEmitter {
  on(event: 'beforeExit', listener: () => void): unknown;
  off(event: 'beforeExit', listener: () => void): unknown;
}

function nodeProcess(): ExitEmitter | undefined {
  return (globalThis as { process?: ExitEmitter }).process;
}
