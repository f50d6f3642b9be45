import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import { createToken } from '../store/tokens.js';
import { ELEC2_MODEL } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { StewardApp } from './app.js';

const SCOPES = ['read', 'ingest', 'admin'] as const;
// What each token may do: admin holds every scope.
const allowed = (held: (typeof SCOPES)[number], needed: string) => held === 'admin' || held === needed;

describe('security basics, with tokens required', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  const logged: string[] = [];
  const tokens = {} as Record<(typeof SCOPES)[number], string>;

  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    logged.length = 0;
    steward = await testApp(store, {
      requireAuth: true,
      notifier: { log: (line) => logged.push(line) },
      bodyLimit: 64 * 1024,
    });
    for (const scope of SCOPES) tokens[scope] = (await createToken(store, `t-${scope}`, [scope])).token;
    await steward.context.catalog.put(ELEC2_MODEL);
  });
  afterEach(async () => {
    await steward.app.close();
    await store.close();
  });

  it('every /api route and /metrics declares a scope, and enforces it: 401 without a token, 403 without the scope', async () => {
    const guarded = steward.routes.filter((r) => r.url.startsWith('/api/') || r.url === '/metrics');
    expect(guarded.length).toBeGreaterThan(35);
    for (const route of guarded) {
      if (route.url === '/api/v1/openapi.json') {
        expect(route.scope).toBeUndefined();
        continue;
      }
      expect(route.scope, `${route.method} ${route.url}`).toMatch(/^(read|ingest|admin)$/);
      if (route.method === 'HEAD') continue;
      const url = route.url.replace(':name', 'elec2').replace(/:(\w+)/g, 'x');
      const call = (token?: string) =>
        steward.app.inject({
          method: route.method as 'GET',
          url,
          ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        });
      expect((await call()).statusCode, `${route.method} ${route.url} without a token`).toBe(401);
      expect(
        (await call('stw_notatoken')).statusCode,
        `${route.method} ${route.url} with a wrong token`,
      ).toBe(401);
      for (const held of SCOPES) {
        const status = (await call(tokens[held])).statusCode;
        if (allowed(held, route.scope as string))
          expect([401, 403], `${route.method} ${route.url} with ${held}`).not.toContain(status);
        else expect(status, `${route.method} ${route.url} with ${held}`).toBe(403);
      }
    }
  });

  it('keeps only SHA-256 hashes; a token one character off, or revoked, is refused', async () => {
    const rows = await store.db.selectFrom('tokens').selectAll().execute();
    for (const row of rows) {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(tokens.admin.slice(4));
    }
    const read = (token: string) =>
      steward.app.inject({ url: '/api/v1/models', headers: { authorization: `Bearer ${token}` } });
    expect((await read(tokens.read)).statusCode).toBe(200);
    const last = tokens.read.at(-1) === 'A' ? 'B' : 'A';
    expect((await read(`${tokens.read.slice(0, -1)}${last}`)).statusCode).toBe(401);
    const listed = await steward.app.inject({
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(listed.body).not.toContain(tokens.read);
    const id = (listed.json() as Array<{ id: string; name: string }>).find((t) => t.name === 't-read')?.id;
    await steward.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect((await read(tokens.read)).statusCode).toBe(401);
  });

  it('serves /metrics and the API behind tokens; the dashboard shell and health stay public', async () => {
    expect((await steward.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await steward.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${tokens.read}` } }))
        .body,
    ).toContain('steward_http_requests_total');
    expect((await steward.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await steward.app.inject({ url: '/' })).statusCode).toBe(200);
  });

  it('limits request bodies: 413 past the ingestion limit, naming it', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      id: `r${i}`,
      features: { nswprice: 0.5 },
      output: 1,
    }));
    const response = await steward.app.inject({
      method: 'POST',
      url: '/api/v1/models/elec2/predictions',
      headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
      payload: JSON.stringify(rows),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.message).toBe(
      'request body over the limit of 65536 bytes: send smaller batches',
    );
  });

  it('never puts a token in a log line or an error message', async () => {
    const secret = `${tokens.admin.slice(0, -2)}zz`;
    const answers = await Promise.all([
      steward.app.inject({ url: '/api/v1/models', headers: { authorization: `Bearer ${secret}` } }),
      steward.app.inject({ url: '/api/v1/tokens', headers: { authorization: `Bearer ${tokens.read}` } }),
      steward.app.inject({ url: '/api/v1/models', headers: { authorization: `Token ${tokens.admin}` } }),
      steward.app.inject({
        method: 'POST',
        url: '/api/v1/models/elec2/predictions',
        headers: { authorization: `Bearer ${tokens.ingest}` },
        payload: [{ features: { nswprice: 'x' }, output: 1 }],
      }),
    ]);
    for (const answer of answers) {
      expect(answer.statusCode).toBeGreaterThanOrEqual(400);
      for (const token of [secret, ...Object.values(tokens)]) expect(answer.body).not.toContain(token);
    }
    for (const line of logged)
      for (const token of [secret, ...Object.values(tokens)]) expect(line).not.toContain(token);
  });
});
