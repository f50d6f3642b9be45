import { describe, expect, it } from 'vitest';
import { StewardApiError } from './api-error.js';
import { StewardClient } from './client.js';
import { PredictionLogger } from './prediction-logger.js';

type Call = { url: string; rows: unknown[] };

/** A fake server: answers each call with the next scripted outcome (a status, or 'network' to fail the connection). */
function fakeFetch(script: Array<number | 'network'>, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    const outcome = script.length > 0 ? script.shift() : 200;
    calls.push({ url, rows: JSON.parse(init.body as string) as unknown[] });
    if (outcome === 'network') throw new TypeError('fetch failed');
    if (outcome === 400)
      return new Response(
        JSON.stringify({
          error: {
            code: 'invalid_batch',
            message: 'bad',
            details: [{ row: 0, field: 'output', message: 'is required' }],
          },
        }),
        { status: 400 },
      );
    return new Response(JSON.stringify({ inserted: 1, duplicates: 0 }), { status: outcome as number });
  }) as typeof fetch;
}

const prediction = (i: number) => ({ id: `p${i}`, features: { x: i }, output: i % 2 });

describe('PredictionLogger', () => {
  it('sends full batches as they fill and the rest on close, predictions before labels', async () => {
    const calls: Call[] = [];
    const client = new StewardClient({ url: 'http://steward.test/', fetch: fakeFetch([], calls) });
    const logger = new PredictionLogger(client, 'm', {
      batchSize: 4,
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    for (let i = 0; i < 10; i++) logger.log(prediction(i));
    logger.label('p0', 1);
    await logger.close();
    expect(calls.map((c) => [c.url.replace('http://steward.test', ''), c.rows.length])).toEqual([
      ['/api/v1/models/m/predictions', 4],
      ['/api/v1/models/m/predictions', 4],
      ['/api/v1/models/m/predictions', 2],
      ['/api/v1/models/m/labels', 1],
    ]);
    expect(logger.stats).toEqual({ sent: 11, dropped: 0, failed: 0, retries: 0, buffered: 0 });
    expect(() => logger.log(prediction(99))).toThrow(/closed/);
  });

  it('stamps a prediction logged without a time with the time it was logged', async () => {
    const calls: Call[] = [];
    const client = new StewardClient({ url: 'http://steward.test', fetch: fakeFetch([], calls) });
    const logger = new PredictionLogger(client, 'm', { flushIntervalMs: 0, flushOnExit: false });
    const before = Date.now();
    logger.log(prediction(1));
    const after = Date.now();
    logger.log({ ...prediction(2), time: '2026-01-31T12:00:00Z' });
    await logger.close();
    const [stamped, given] = (calls[0] as Call).rows as Array<{ time: number | string }>;
    expect(stamped?.time).toBeGreaterThanOrEqual(before);
    expect(stamped?.time).toBeLessThanOrEqual(after);
    expect(given?.time).toBe('2026-01-31T12:00:00Z');
  });

  it('retries network errors, 503 and 429 with back-off, but not a refused batch', async () => {
    const calls: Call[] = [];
    const errors: StewardApiError[] = [];
    const client = new StewardClient({
      url: 'http://steward.test',
      fetch: fakeFetch(['network', 503, 429, 200, 400], calls),
    });
    const logger = new PredictionLogger(client, 'm', {
      batchSize: 3,
      flushIntervalMs: 0,
      flushOnExit: false,
      backoffMs: () => 1,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 6; i++) logger.log(prediction(i));
    await logger.close();
    expect(calls).toHaveLength(5);
    expect(logger.stats).toMatchObject({ sent: 3, failed: 3, retries: 3 });
    expect(errors[0]?.status).toBe(400);
    expect(errors[0]?.details[0]).toEqual({ row: 0, field: 'output', message: 'is required' });
  });

  it('gives up after maxAttempts and reports the batch', async () => {
    const calls: Call[] = [];
    const errors: StewardApiError[] = [];
    const client = new StewardClient({
      url: 'http://steward.test',
      fetch: fakeFetch(['network', 'network', 'network'], calls),
    });
    const logger = new PredictionLogger(client, 'm', {
      batchSize: 10,
      flushIntervalMs: 0,
      flushOnExit: false,
      maxAttempts: 3,
      backoffMs: () => 1,
      onError: (e) => errors.push(e),
    });
    logger.log(prediction(1));
    await logger.close();
    expect(calls).toHaveLength(3);
    expect(errors[0]?.message).toMatch(/cannot reach Steward at http:\/\/steward.test/);
    expect(logger.stats.failed).toBe(1);
  });

  it('bounds memory: drop-newest refuses new rows, drop-oldest discards the oldest', async () => {
    const stalled = (() => new Promise(() => {})) as unknown as typeof fetch;
    const newest = new PredictionLogger(new StewardClient({ url: 'http://x', fetch: stalled }), 'm', {
      batchSize: 5,
      maxBuffered: 5,
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    const accepted = Array.from({ length: 8 }, (_, i) => newest.log(prediction(i)));
    // The first five fill a batch that is now in flight (never answered); the next five wait; the rest are refused.
    expect(accepted).toEqual([true, true, true, true, true, true, true, true]);
    for (let i = 8; i < 10; i++) expect(newest.log(prediction(i))).toBe(true);
    expect(newest.log(prediction(10))).toBe(false);
    expect(newest.stats).toMatchObject({ dropped: 1, buffered: 5 });

    // The first batch is held in flight until `release`, so later rows overflow the buffer.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sent: string[][] = [];
    const gated = (async (_url: string, init: RequestInit) => {
      const ids = (JSON.parse(init.body as string) as Array<{ id: string }>).map((r) => r.id);
      if (sent.length === 0) await gate;
      sent.push(ids);
      return new Response('{"inserted":3,"duplicates":0}', { status: 200 });
    }) as typeof fetch;
    const oldest = new PredictionLogger(new StewardClient({ url: 'http://x', fetch: gated }), 'm', {
      batchSize: 3,
      maxBuffered: 3,
      flushIntervalMs: 0,
      flushOnExit: false,
      whenFull: 'drop-oldest',
    });
    for (let i = 0; i < 7; i++) expect(oldest.log(prediction(i))).toBe(true);
    release();
    await oldest.close();
    expect(oldest.stats).toMatchObject({ dropped: 1, sent: 6, buffered: 0 });
    expect(sent).toEqual([
      ['p0', 'p1', 'p2'],
      ['p4', 'p5', 'p6'],
    ]);
  });
});

describe('StewardClient', () => {
  it('turns an error answer into a StewardApiError with the server message', async () => {
    const client = new StewardClient({ url: 'http://steward.test', fetch: fakeFetch([400], []) });
    const error = await client.logPredictions('m', [prediction(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StewardApiError);
    expect((error as StewardApiError).retryable).toBe(false);
  });
});
