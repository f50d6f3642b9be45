import { LogisticRegression } from '@steward/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestInputError } from '../backtest/backtest-error.js';
import { backtestOptions } from '../cli/commands/backtest.js';
import type { StoreConnection } from '../store/open-store.js';
import { countPredictions } from '../store/prediction-reads.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { StewardApp } from './app.js';

// Values a careless or hostile client sends: wrong types, non-finite and huge numbers, huge and odd strings, deep
// nesting, unknown fields, times far in the past or future.
const oddValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 2,
    1e-320,
    '',
    'NaN',
    'Infinity',
    '__proto__',
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 3000 }),
  fc.constantFrom('1900-01-01T00:00:00Z', '3000-01-01T00:00:00Z', '2024-13-45T99:00:00Z', -8.64e15, 8.64e15),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);
const features = fc.oneof(
  fc.record(
    Object.fromEntries(
      ELEC2_FEATURES.map((f) => [f, fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), oddValue)]),
    ),
  ),
  fc.dictionary(fc.oneof(fc.constantFrom(...ELEC2_FEATURES), fc.string({ maxLength: 10 })), oddValue, {
    maxKeys: 8,
  }),
  oddValue,
);
const id = fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 5 }), oddValue);
const predictionRow = fc.record(
  {
    id,
    time: fc.oneof(fc.integer({ min: 1.7e12, max: 1.8e12 }), oddValue),
    features,
    output: fc.oneof(fc.constantFrom(0, 1), oddValue),
    score: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), oddValue),
    extra: oddValue,
  },
  { requiredKeys: [] },
);
const labelRow = fc.record(
  {
    predictionId: id,
    label: fc.oneof(fc.constantFrom(0, 1), oddValue),
    time: fc.oneof(fc.integer({ min: 1.7e12, max: 1.8e12 }), oddValue),
    extra: oddValue,
  },
  { requiredKeys: [] },
);
const validRow = fc.record({
  id: fc.uuid(),
  time: fc.integer({ min: 1.7e12, max: 1.76e12 }),
  features: fc.record(
    Object.fromEntries(ELEC2_FEATURES.map((f) => [f, fc.double({ min: 0, max: 1, noNaN: true })])),
  ),
  output: fc.constantFrom(0, 1),
});
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const rawBody = fc.oneof(
  fc.constantFrom(
    '',
    '[',
    '{"a":',
    '[{"features": {}}',
    'NaN',
    '[1,2,',
    nested(100_000),
    '\u0000\u0001',
    '[]',
    '{}',
  ),
  fc.string({ maxLength: 200 }),
);

const bodyOf = (rows: unknown) => JSON.stringify(rows);

describe('bad input over HTTP: a 4xx naming the field, never a crash, the store holds exactly what was acknowledged', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  let acknowledged = 0;

  beforeAll(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store, { bodyLimit: 256 * 1024 });
    await steward.context.catalog.put(ELEC2_MODEL);
    const rows = elec2Rows().slice(0, 200);
    const model = new LogisticRegression().fit(
      rows.map((r) => ELEC2_FEATURES.map((f) => r[f])),
      rows.map((r) => r.class),
    );
    await uploadModel(steward, 'elec2', model);
    await steward.app.inject({
      method: 'PUT',
      url: '/api/v1/models/elec2/aliases/production',
      payload: { version: 1 },
    });
  });
  afterAll(async () => {
    await steward.app.close();
    await store.close();
  });

  const send = async (
    method: 'POST' | 'PUT',
    url: string,
    payload: string,
    contentType = 'application/json',
  ) => {
    const response = await steward.app.inject({
      method,
      url,
      payload,
      headers: { 'content-type': contentType },
    });
    expect(
      response.statusCode,
      `${method} ${url} ${payload.slice(0, 200)} → ${response.body.slice(0, 300)}`,
    ).toBeLessThan(500);
    if (response.statusCode >= 400) {
      const error = response.json().error as {
        message: string;
        details?: Array<{ field: string; message: string }>;
      };
      expect(error.message.length).toBeGreaterThan(0);
      for (const d of error.details ?? []) {
        expect(typeof d.field).toBe('string');
        expect(d.message.length).toBeGreaterThan(0);
      }
    }
    return response;
  };

  it('predictions: any batch is stored whole with a 2xx or refused whole with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(validRow, { minLength: 1, maxLength: 6 }),
          fc.array(fc.oneof(validRow, predictionRow), { maxLength: 6 }),
          oddValue,
        ),
        async (rows) => {
          const response = await send('POST', '/api/v1/models/elec2/predictions', bodyOf(rows));
          if (response.statusCode === 200) acknowledged += (response.json() as { inserted: number }).inserted;
        },
      ),
      { numRuns: 300, seed: 1 },
    );
    expect(acknowledged).toBeGreaterThan(100);
    expect((await countPredictions(store.db, 'elec2')).predictions).toBe(acknowledged);
  });

  it('labels, predict, references and model specs: a 2xx or a 4xx, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(labelRow, { maxLength: 6 }), oddValue),
        fc.oneof(fc.array(predictionRow, { maxLength: 4 }), oddValue),
        fc.oneof(fc.array(features, { maxLength: 4 }), oddValue),
        fc.oneof(
          fc.record(
            {
              name: fc.oneof(fc.constant('m1'), oddValue),
              task: fc.oneof(fc.constantFrom('binary', 'regression'), oddValue),
              features: fc.oneof(
                fc.array(
                  fc.record({
                    name: fc.oneof(fc.constantFrom('a', 'constructor'), oddValue),
                    type: fc.oneof(fc.constant('numeric'), oddValue),
                  }),
                  { maxLength: 3 },
                ),
                oddValue,
              ),
              window: oddValue,
            },
            { requiredKeys: [] },
          ),
          oddValue,
        ),
        async (labels, inputs, reference, spec) => {
          const before = (await countPredictions(store.db, 'elec2')).predictions;
          await send('POST', '/api/v1/models/elec2/labels', bodyOf(labels));
          const predicted = await send('POST', '/api/v1/models/elec2/predict', bodyOf(inputs));
          const served =
            predicted.statusCode === 200
              ? (predicted.json() as { predictions: unknown[] }).predictions.length
              : 0;
          expect((await countPredictions(store.db, 'elec2')).predictions).toBe(before + served);
          acknowledged += served;
          await send('PUT', '/api/v1/models/elec2/references/training', bodyOf(reference));
          await send('PUT', '/api/v1/models/m1', bodyOf(spec));
        },
      ),
      { numRuns: 200, seed: 2 },
    );
  });

  it('bodies that are not JSON, truncated, deeply nested or of another media type: 400, 413 or 415', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'text/plain',
          'application/xml',
          'multipart/form-data',
        ),
        fc.constantFrom('predictions', 'labels', 'predict'),
        async (body, type, route) => {
          const response = await send('POST', `/api/v1/models/elec2/${route}`, body, type);
          expect([200, 400, 413, 415]).toContain(response.statusCode);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
    const huge = await send('POST', '/api/v1/models/elec2/predictions', `[${'1,'.repeat(200_000)}1]`);
    expect(huge.statusCode).toBe(413);
  });

  it('query parameters of every read: a 2xx or a 400 naming the parameter', async () => {
    const reads = steward.routes.filter(
      (r) => r.method === 'GET' && r.url.startsWith('/api/v1/models/:name/'),
    );
    expect(reads.length).toBeGreaterThan(8);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...reads.map((r) => r.url)),
        fc.dictionary(
          fc.constantFrom('from', 'to', 'size', 'count', 'limit', 'check', 'feature', 'reference', 'before'),
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.constantFrom('-1', '1e999', 'NaN', '2024-01-01', '0', '99999999999999999999'),
          ),
          { maxKeys: 4 },
        ),
        async (url, query) => {
          const path = url.replace(':name', 'elec2').replace(/:(\w+)/g, '1');
          const response = await steward.app.inject({ url: `${path}?${new URLSearchParams(query)}` });
          expect(
            response.statusCode,
            `${path} ${JSON.stringify(query)} → ${response.body.slice(0, 200)}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed: 4 },
    );
    expect((await steward.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await countPredictions(store.db, 'elec2')).predictions).toBe(acknowledged);
  });
});

describe('bad input on the command line: a clear error, never a crash', () => {
  it('backtest flags: options, or a BacktestInputError naming the flag', () => {
    const flag = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('0', '-1', '1d', '48', '48 rows', '1e999', 'NaN', '30m', '0s'),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            delay: flag,
            cadence: flag,
            train: flag,
            step: flag,
            period: flag,
            seasons: flag,
            jobs: flag,
            rows: flag,
            start: flag,
            timeFeatures: flag,
          },
          { requiredKeys: ['delay'] },
        ),
        (flags) => {
          try {
            backtestOptions({ data: 'x.csv', label: 'y', policy: [], ungated: true, ...flags });
          } catch (error) {
            expect(error).toBeInstanceOf(BacktestInputError);
            const field = (error as BacktestInputError).field;
            expect((error as Error).message).toContain(field);
          }
        },
      ),
      { numRuns: 2000, seed: 5 },
    );
  });
});
