import { errorBody, responses as res } from '@steward/api';
import { GaussianNB } from '@steward/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { z } from 'zod';
import type { StoreConnection } from '../../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Predictions } from '../../testing/elec2.js';
import { testStores } from '../../testing/test-stores.js';
import { createApp, type StewardApp } from '../app.js';

const DAY = 86_400_000;
const all = elec2Predictions();
const start = all[0]?.time as number;
const days = (n: number) => all.filter((p) => p.time < start + n * DAY);

let store: StoreConnection;
let steward: StewardApp;

async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const options = { method: method as 'GET', url, headers };
  return payload === undefined
    ? steward.app.inject(options)
    : steward.app.inject({ ...options, payload: payload as string });
}

/** The route answers `status`, and its body is what its OpenAPI description says (parsed by the same schema). */
async function answers(schema: z.ZodType, method: string, url: string, payload?: unknown, status = 200) {
  const reply = await call(method, url, payload);
  expect(reply.statusCode, `${method} ${url}: ${reply.body.slice(0, 300)}`).toBe(status);
  if (status === 204) return undefined;
  const parsed = schema.safeParse(reply.json());
  expect(parsed.success ? [] : parsed.error.issues, `${method} ${url}`).toEqual([]);
  return reply.json();
}

const sqlite = testStores()[0];

describe('every answer is what the OpenAPI document describes', () => {
  beforeAll(async () => {
    store = await (sqlite as NonNullable<typeof sqlite>).open();
    steward = await createApp({ store, notifier: { log: () => {} }, runJobs: false });
    const spec = {
      ...ELEC2_MODEL,
      checks: [
        { type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.99, minLabels: 10 },
        { type: 'detector', name: 'ddm', detector: 'DDM' },
        { type: 'anomaly', name: 'count-anomaly', metric: 'count' },
        { type: 'drift', name: 'drift', reference: 'training', minRows: 10 },
      ],
      update: { learner: { kind: 'GaussianNB' }, minRows: 10 },
    };
    await answers(res.storedSpec, 'PUT', '/api/v1/models/elec2', spec, 201);
    const rows = days(3);
    await answers(
      res.referenceStored,
      'PUT',
      '/api/v1/models/elec2/references/training',
      rows.map((r) => r.features),
    );
    await answers(
      res.predictionsStored,
      'POST',
      '/api/v1/models/elec2/predictions',
      rows.map(({ label: _l, ...p }) => p),
    );
    await answers(
      res.labelsStored,
      'POST',
      '/api/v1/models/elec2/labels',
      rows.map((r) => ({ predictionId: r.id, label: r.label })),
    );
  });
  afterAll(async () => {
    await steward?.app.close();
    await store?.close();
  });

  test('models, windows, metrics, checks and health', async () => {
    const from = new Date(start).toISOString();
    const to = new Date(start + 3 * DAY).toISOString();
    await answers(res.modelList, 'GET', '/api/v1/models');
    await answers(res.modelDetail, 'GET', '/api/v1/models/elec2');
    const windows = await answers(res.windows, 'GET', `/api/v1/models/elec2/windows?from=${from}&to=${to}`);
    expect(windows).toHaveLength(3);
    await answers(res.windows, 'GET', `/api/v1/models/elec2/windows?from=${from}&to=${to}&count=500`);
    await answers(res.windows, 'GET', `/api/v1/models/elec2/metrics?from=${from}&to=${to}`);
    await answers(res.checksRun, 'POST', '/api/v1/checks/run');
    const results = await answers(res.checkResults, 'GET', '/api/v1/models/elec2/checks');
    expect(results.length).toBeGreaterThan(0);
    await answers(res.modelHealth, 'GET', '/api/v1/models/elec2/health');
    const alerts = await answers(res.alerts, 'GET', '/api/v1/alerts?status=open');
    expect(alerts.length).toBeGreaterThan(0);
    await answers(res.alertView, 'POST', `/api/v1/alerts/${alerts[0].id}/acknowledge`);
    await answers(res.alerts, 'GET', '/api/v1/alerts?status=&acknowledged=true');
  });

  test('drift', async () => {
    const range = `from=${new Date(start + 2 * DAY).toISOString()}&to=${new Date(start + 3 * DAY).toISOString()}`;
    await answers(res.driftReport, 'GET', `/api/v1/models/elec2/drift?${range}`);
    await answers(res.driftTimeline, 'GET', `/api/v1/models/elec2/drift/windows?${range}`);
    await answers(res.driftFeature, 'GET', `/api/v1/models/elec2/drift/feature?${range}&feature=nswprice`);
  });

  test('registry, serving, updates, rollouts and jobs', async () => {
    const rows = days(3);
    const model = new GaussianNB().fit(
      rows.map((r) => ELEC2_FEATURES.map((f) => r.features[f] as number)),
      rows.map((r) => r.label),
    );
    const upload = await call('POST', '/api/v1/models/elec2/versions', JSON.stringify(model.toJSON()), {
      'content-type': 'application/octet-stream',
    });
    expect(upload.statusCode).toBe(201);
    expect(res.modelVersion.safeParse(upload.json()).success).toBe(true);
    await answers(res.aliasChangeView, 'PUT', '/api/v1/models/elec2/aliases/production', {
      version: 1,
      reason: 'first',
    });
    await answers(res.modelVersions, 'GET', '/api/v1/models/elec2/versions');
    await answers(res.modelVersion, 'GET', '/api/v1/models/elec2/versions/1');
    await answers(res.stepsStored, 'POST', '/api/v1/models/elec2/versions/1/steps', [
      { step: 0, metric: 'loss', value: 1 },
    ]);
    await answers(res.curves, 'GET', '/api/v1/models/elec2/versions/1/steps');
    await answers(res.aliases, 'GET', '/api/v1/models/elec2/aliases');
    await answers(res.auditEvents, 'GET', '/api/v1/audit?model=elec2');
    const next = days(4).slice(rows.length, rows.length + 5);
    await answers(
      res.predictions,
      'POST',
      '/api/v1/models/elec2/predict',
      next.map((r) => ({ id: `p-${r.id}`, time: r.time, features: r.features })),
    );
    await answers(res.served, 'GET', `/api/v1/models/elec2/served?from=${new Date(start).toISOString()}`);
    const queued = await answers(res.updateQueued, 'POST', '/api/v1/models/elec2/updates', undefined, 202);
    await answers(res.job, 'GET', `/api/v1/jobs/${queued.job}`);
    await steward.context.worker.runOnce();
    const runs = await answers(res.updateRuns, 'GET', '/api/v1/models/elec2/updates?limit=5');
    expect(runs).toHaveLength(1);
    const second = await call(
      'POST',
      '/api/v1/models/elec2/versions',
      JSON.stringify(new GaussianNB({ varSmoothing: 1e-3 }).fit([[0], [1]], [0, 1]).toJSON()),
      { 'content-type': 'application/octet-stream' },
    );
    const version = res.modelVersion.parse(second.json()).version;
    await answers(res.rollout, 'POST', '/api/v1/models/elec2/rollouts', { version, mode: 'shadow' }, 201);
    await answers(res.rollouts, 'GET', '/api/v1/models/elec2/rollouts');
    await answers(res.rolloutsDecided, 'POST', '/api/v1/rollouts/evaluate');
  });

  test('tokens', async () => {
    const created = await answers(
      res.tokenCreated,
      'POST',
      '/api/v1/tokens',
      { name: 'ci', scopes: ['read'] },
      201,
    );
    await answers(res.tokens, 'GET', '/api/v1/tokens');
    await answers(res.noContent, 'DELETE', `/api/v1/tokens/${created.id}`, undefined, 204);
  });

  test('bodies are checked by the same schemas: every problem named by field', async () => {
    const bad = await call('PUT', '/api/v1/models/elec2/aliases/production', { version: 'one', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(errorBody.parse(bad.json()).error.details).toEqual([
      { field: 'version', message: expect.stringMatching(/expected number/) },
      { field: '', message: expect.stringMatching(/Unrecognized key: "extra"/) },
    ]);
    const steps = await call('POST', '/api/v1/models/elec2/versions/1/steps', [
      { step: -1, metric: 'loss', value: 1 },
    ]);
    expect(steps.json().error).toMatchObject({ code: 'invalid_body', details: [{ field: '[0].step' }] });
    // A vocabulary names text features: elec2 has none.
    const words = await call('PUT', '/api/v1/models/elec2/versions/1/vocabulary', {
      columns: { nswprice: ['a'] },
    });
    expect(words.statusCode).toBe(400);
    expect(words.json().error.message).toBe(
      '"nswprice" is not a text feature of model "elec2" (it has none)',
    );
    const query = await call('GET', '/api/v1/alerts?severity=loud');
    expect(query.json().error).toMatchObject({ code: 'bad_query', details: [{ field: 'severity' }] });
  });
});
