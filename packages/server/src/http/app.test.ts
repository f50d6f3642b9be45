import { accuracy, detectDrift } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { createToken } from '../store/tokens.js';
import {
  ELEC2_FEATURES,
  ELEC2_MODEL,
  type Elec2Prediction,
  elec2Predictions,
  elec2Rows,
} from '../testing/elec2.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import { createApp, type StewardApp } from './app.js';

const all = elec2Predictions();
const day = (d: number) =>
  all.filter(
    (p) =>
      p.time >= (all[0] as Elec2Prediction).time + d * 86_400_000 &&
      p.time < (all[0] as Elec2Prediction).time + (d + 1) * 86_400_000,
  );
const asRows = (rows: Elec2Prediction[]) => rows.map(({ label: _label, ...p }) => p);

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `HTTP API on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;

      beforeEach(async () => {
        store = await target.open();
        steward = await createApp({ store, bodyLimit: 1024 * 1024, notifier: { log: () => {} } });
        const created = await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2',
          payload: ELEC2_MODEL,
        });
        expect(created.statusCode).toBe(201);
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      const count = async () => (await steward.app.inject({ url: '/api/v1/models/elec2' })).json().counts;

      it('stores a JSON batch and an NDJSON batch, and reports re-sent rows as duplicates', async () => {
        const rows = asRows(day(0));
        let res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: rows.slice(0, 30),
        });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ inserted: 30, duplicates: 0 });
        res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          headers: { 'content-type': 'application/x-ndjson' },
          payload: `${rows
            .slice(25)
            .map((r) => JSON.stringify(r))
            .join('\n')}\n`,
        });
        expect(res.json()).toEqual({ inserted: rows.length - 30, duplicates: 5 });
        expect(await count()).toEqual({ predictions: rows.length, labels: 0 });
        // Both bodies are kept as received (their rows give every field) and read back as the rows sent.
        const formats = await store.db
          .selectFrom('prediction_batches')
          .select('format')
          .orderBy('seq')
          .execute();
        expect(formats.map((b) => b.format)).toEqual(['json', 'ndjson']);
        const read = await queryPredictions(store.db, 'elec2', {
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
          features: true,
        });
        expect(read).toEqual(
          rows.map((r) => ({ ...r, version: null, segment: null, proba: null, label: null })),
        );
      });

      it('rejects a batch with bad rows whole, naming each row and field, and stores nothing', async () => {
        const rows: Array<Record<string, unknown>> = asRows(day(0).slice(0, 10));
        rows[3] = { ...rows[3], features: { ...(rows[3]?.features as object), nswprice: 'high' } };
        rows[7] = { ...rows[7], output: 2, colour: 'red' };
        const res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: rows,
        });
        expect(res.statusCode).toBe(400);
        const body = res.json();
        expect(body.error.message).toMatch(
          /nothing stored: 3 problem\(s\); first: row 3 field features.nswprice/,
        );
        expect(body.error.details).toEqual([
          { row: 3, field: 'features.nswprice', message: 'expected a finite number or null, got "high"' },
          {
            row: 7,
            field: 'colour',
            message: 'unknown field (expected id, time, version, segment, features, output, score, proba)',
          },
          { row: 7, field: 'output', message: "2 is not one of the model's classes (0, 1)" },
        ]);
        const ndjson = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          headers: { 'content-type': 'application/x-ndjson' },
          payload: `${JSON.stringify(rows[0])}\n{"id": oops}\n`,
        });
        expect(ndjson.statusCode).toBe(400);
        expect(ndjson.json().error.message).toMatch(/NDJSON line 2 is not valid JSON/);
        expect(await count()).toEqual({ predictions: 0, labels: 0 });
      });

      it('answers 413 for a body over the limit, 404 for an unknown model, 415 for other media', async () => {
        const big = asRows(all.slice(0, 8000));
        const res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: big,
        });
        expect(res.statusCode).toBe(413);
        expect(res.json().error.message).toMatch(/send smaller batches/);
        expect(
          (await steward.app.inject({ method: 'POST', url: '/api/v1/models/nope/predictions', payload: [] }))
            .statusCode,
        ).toBe(404);
        const text = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          headers: { 'content-type': 'text/plain' },
          payload: 'x',
        });
        expect(text.statusCode).toBe(415);
        expect(await count()).toEqual({ predictions: 0, labels: 0 });
      });

      it("moves a window's metrics when late labels arrive, over the API", async () => {
        const rows = day(1);
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: asRows(rows),
        });
        const query = `from=${rows[0]?.time}&to=${(rows.at(-1)?.time as number) + 1}`;
        let windows = (await steward.app.inject({ url: `/api/v1/models/elec2/windows?${query}` })).json();
        expect(windows).toHaveLength(1);
        expect(windows[0].count).toBe(rows.length);
        expect(windows[0].labelled).toBe(0);
        expect(windows[0].profile.features.nswdemand.quantiles.p50).toBeGreaterThan(0);
        const labels = rows.map((r) => ({
          predictionId: r.id,
          label: r.label,
          time: new Date(r.time + 7_200_000).toISOString(),
        }));
        const res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          payload: labels,
        });
        expect(res.json()).toEqual({ accepted: rows.length, matched: rows.length });
        windows = (await steward.app.inject({ url: `/api/v1/models/elec2/metrics?${query}` })).json();
        const correct = rows.filter((r) => r.label === r.output).length;
        expect(windows[0].labelled).toBe(rows.length);
        expect(windows[0].metrics.accuracy).toBeCloseTo(correct / rows.length, 12);
        const bad = await steward.app.inject({ url: '/api/v1/models/elec2/windows?from=yesterday' });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.message).toMatch(/from must be an ISO 8601 time/);
      });

      it('refuses an invalid model with each field named', async () => {
        const res = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models',
          payload: {
            name: 'x',
            task: 'ranking',
            features: [
              { name: 'a', type: 'numeric' },
              { name: 'a', type: 'numeric' },
            ],
          },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual(['task']);
        const dup = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models',
          payload: {
            name: 'x',
            task: 'binary',
            features: [
              { name: 'a', type: 'numeric' },
              { name: 'a', type: 'numeric' },
            ],
          },
        });
        expect(dup.json().error.details).toEqual([
          { field: 'features[1].name', message: 'duplicate feature "a"' },
        ]);
      });

      it('reports drift against an uploaded reference, cuts count windows, and shows failing checks as health', async () => {
        const reference = elec2Rows()
          .slice(0, 1344)
          .map((r) => Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])));
        const put = await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/references/training',
          payload: reference,
        });
        expect(put.json()).toEqual({ name: 'training', rows: 1344 });
        const badRef = await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/references/x',
          payload: [{ price: 1 }],
        });
        expect(badRef.json().error.details).toEqual([
          { row: 0, field: 'price', message: "unknown feature (not in the model's schema)" },
        ]);
        const rows = [...day(0), ...day(1)];
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: asRows(rows),
        });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          payload: rows.map((r) => ({ predictionId: r.id, label: r.label })),
        });
        const range = `from=${rows[0]?.time}&to=${(rows.at(-1)?.time as number) + 1}`;
        const drift = (await steward.app.inject({ url: `/api/v1/models/elec2/drift?${range}` })).json();
        const direct = detectDrift(
          reference,
          rows.map((r) => r.features),
          { columns: [...ELEC2_FEATURES] },
        );
        expect(drift.driftShare).toBe(direct.driftShare);
        expect(
          drift.columns.map((c: { column: string; statistic: number }) => [c.column, c.statistic]),
        ).toEqual(direct.columns.map((c) => [c.column, c.statistic]));
        const counted = (
          await steward.app.inject({ url: `/api/v1/models/elec2/windows?${range}&count=30&profile=false` })
        ).json();
        expect(counted.map((w: { count: number }) => w.count)).toEqual([30, 30, 30, 6]);
        expect(counted[0].metrics.accuracy).toBe(
          accuracy(
            rows.slice(0, 30).map((r) => r.label),
            rows.slice(0, 30).map((r) => r.output),
          ),
        );

        await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2',
          payload: {
            ...ELEC2_MODEL,
            notifiers: [],
            checks: [{ type: 'metric', name: 'perfect', metric: 'accuracy', min: 0.99, minLabels: 10 }],
          },
        });
        const run = (await steward.app.inject({ method: 'POST', url: '/api/v1/checks/run' })).json();
        expect(run.results.map((r: { result: { status: string } }) => r.result.status)).toEqual([
          'failing',
          'failing',
        ]);
        const health = (await steward.app.inject({ url: '/api/v1/models/elec2/health' })).json();
        expect(health).toMatchObject({ status: 'failing', openAlerts: 1 });
        const alerts = (await steward.app.inject({ url: '/api/v1/alerts?model=elec2&status=open' })).json();
        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toMatchObject({ check: 'perfect', occurrences: 2, severity: 'critical' });
        const checks = (
          await steward.app.inject({ url: '/api/v1/models/elec2/checks?check=perfect' })
        ).json();
        expect(checks).toHaveLength(2);
        const metrics = (await steward.app.inject({ url: '/metrics' })).body;
        expect(metrics).toContain('steward_model_health{model="elec2"} 2');
        expect(metrics).toContain('steward_open_alerts{model="elec2"} 1');
        expect((await steward.app.inject({ url: '/api/v1/alerts?status=closed' })).statusCode).toBe(400);
      });

      it('serves the OpenAPI document, health and Prometheus metrics', async () => {
        const doc = (await steward.app.inject({ url: '/api/v1/openapi.json' })).json();
        expect(doc.openapi).toBe('3.0.3');
        expect(Object.keys(doc.paths)).toEqual(
          expect.arrayContaining([
            '/api/v1/models/{name}/predictions',
            '/api/v1/models/{name}/labels',
            '/api/v1/alerts',
          ]),
        );
        expect(
          doc.paths['/api/v1/models'].post.requestBody.content['application/json'].schema.properties.task
            .enum,
        ).toEqual(['binary', 'multiclass', 'regression']);
        expect((await steward.app.inject({ url: '/healthz' })).json()).toMatchObject({
          status: 'ok',
          store: target.name,
        });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: asRows(day(0)),
        });
        const metrics = (await steward.app.inject({ url: '/metrics' })).body;
        expect(metrics).toContain('steward_model_health{model="elec2"} 0');
        // Process metrics carry one prefix, not two.
        expect(metrics).toMatch(/^steward_process_cpu_user_seconds_total /m);
        expect(metrics).toMatch(/^steward_nodejs_heap_size_total_bytes /m);
        expect(metrics).not.toContain('steward_process_process_');
        expect(metrics).toContain(`steward_predictions_ingested_total{model="elec2"} ${day(0).length}`);
        // The store's statements are timed (on SQLite the batch itself goes through the writer thread, untimed).
        expect(metrics).toMatch(
          /^steward_store_statement_duration_seconds_count\{kind="select",failed="false"\} [1-9]/m,
        );
        if (target.name === 'postgres')
          expect(metrics).toMatch(
            /^steward_store_statement_duration_seconds_count\{kind="commit",failed="false"\} [1-9]/m,
          );
        expect(metrics).toMatch(
          /steward_http_requests_total\{method="POST",route="\/api\/v1\/models\/:name\/predictions",status="200"\} 1/,
        );
      });
    },
  );
}

describe('API tokens', () => {
  const sqlite = testStores()[0] as TestStore;
  let store: StoreConnection;
  let steward: StewardApp;
  beforeEach(async () => {
    store = await sqlite.open();
    steward = await createApp({ store, requireAuth: true, notifier: { log: () => {} } });
  });
  afterEach(async () => {
    await steward.app.close();
    await store.close();
  });

  it('answers 401 without a valid token and 403 without the scope; stores only hashes', async () => {
    const admin = await createToken(store, 'ops', ['admin']);
    const reader = await createToken(store, 'dashboard', ['read']);
    const put = (token?: string) =>
      steward.app.inject({
        method: 'PUT',
        url: '/api/v1/models/elec2',
        payload: ELEC2_MODEL,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const missing = await put();
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.message).toMatch(/requires an API token/);
    expect((await put('stw_wrong')).statusCode).toBe(401);
    const forbidden = await put(reader.token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.message).toBe(
      'token "dashboard" lacks the "admin" scope this request needs (it has: read)',
    );
    expect((await put(admin.token)).statusCode).toBe(201);
    expect(
      (
        await steward.app.inject({
          url: '/api/v1/models',
          headers: { authorization: `Bearer ${reader.token}` },
        })
      ).statusCode,
    ).toBe(200);
    expect((await steward.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const stored = await store.db.selectFrom('tokens').select('hash').execute();
    expect(stored.map((r) => r.hash)).not.toContain(admin.token);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    const revoke = await steward.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${reader.info.id}`,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(revoke.statusCode).toBe(204);
    expect(
      (
        await steward.app.inject({
          url: '/api/v1/models',
          headers: { authorization: `Bearer ${reader.token}` },
        })
      ).statusCode,
    ).toBe(401);
  });
});
