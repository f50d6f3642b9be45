import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StoreConnection } from '../../store/open-store.js';
import { testStores } from '../../testing/test-stores.js';
import { createApp, type StewardApp } from '../app.js';

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

// Routes that take no body: they act on what the path names (or on everything).
const NO_BODY = new Set([
  'POST /api/v1/checks/run',
  'POST /api/v1/alerts/:id/acknowledge',
  'POST /api/v1/models/:name/updates',
  'POST /api/v1/rollouts/evaluate',
]);

let store: StoreConnection;
let steward: StewardApp;

describe('the OpenAPI document covers every route', () => {
  beforeAll(async () => {
    store = await (testStores()[0] as NonNullable<ReturnType<typeof testStores>[0]>).open();
    steward = await createApp({ store, notifier: { log: () => {} }, runJobs: false });
    await steward.app.ready();
  });
  afterAll(async () => {
    await steward.app.close();
    await store.close();
  });

  test('each API route is in it with its path parameters, its body and the schema of every answer', async () => {
    const doc = (await steward.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const api = steward.routes.filter(
      (r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.url !== '/api/v1/openapi.json',
    );
    expect(api.length).toBeGreaterThanOrEqual(39);
    const problems: string[] = [];
    for (const route of api) {
      const key = `${route.method} ${route.url}`;
      const op = doc.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!op) {
        problems.push(`${key}: not in the document`);
        continue;
      }
      for (const name of [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]))
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name))
          problems.push(`${key}: path parameter ${name} undocumented`);
      if ((route.method === 'POST' || route.method === 'PUT') && !NO_BODY.has(key) && !op.requestBody)
        problems.push(`${key}: no request body`);
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) problems.push(`${key}: no success answer`);
      for (const [status, answer] of success)
        if (status !== '204' && !Object.values(answer.content ?? {}).some((c) => c.schema))
          problems.push(`${key}: answer ${status} has no schema`);
      if (!op.responses?.['4XX'] && !op.responses?.['4xx']) problems.push(`${key}: errors undocumented`);
    }
    expect(problems).toEqual([]);
  });
});
