import { LinearRegression } from '@steward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../../store/open-store.js';
import { alertRow } from '../../testing/alert-rows.js';
import { testApp, uploadModel } from '../../testing/test-app.js';
import { testStores } from '../../testing/test-stores.js';
import type { StewardApp } from '../app.js';

/** Every page of a list, following `x-next-cursor`; the pages' sizes beside the items. */
async function readAll<T>(
  steward: StewardApp,
  url: string,
  limit: number,
): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  const join = url.includes('?') ? '&' : '?';
  do {
    const answer = await steward.app.inject({
      url: `${url}${join}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    });
    expect(answer.statusCode).toBe(200);
    const page = answer.json() as T[];
    items.push(...page);
    sizes.push(page.length);
    cursor = answer.headers['x-next-cursor'] as string | undefined;
  } while (cursor);
  return { items, sizes };
}

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `lists page newest first on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      beforeAll(async () => {
        store = await target.open();
        steward = await testApp(store);
        await steward.context.catalog.put({
          name: 'fleet',
          task: 'regression',
          features: [{ name: 'x', type: 'numeric' }],
          notifiers: [],
        });
        for (let v = 1; v <= 7; v++)
          expect(
            (await uploadModel(steward, 'fleet', new LinearRegression().fit([[0], [1]], [0, v]))).statusCode,
          ).toBe(201);
        for (const version of [2, 5, 3, 7, 1])
          await steward.app.inject({
            method: 'PUT',
            url: '/api/v1/models/fleet/aliases/production',
            payload: { version, reason: `to v${version}` },
          });
        // Alerts fired at 1000, 2000, 2000, 2000, 3000 (three share a time: the id orders them).
        await store.db
          .insertInto('alerts')
          .values([1000, 2000, 2000, 2000, 3000].map((lastAt, i) => alertRow(`alert-${i}`, 'fleet', lastAt)))
          .execute();
        await store.db
          .insertInto('update_runs')
          .values(
            [10, 20, 20, 30].map((startedAt, i) => ({
              id: `run-${i}`,
              model: 'fleet',
              job_id: null,
              trigger: JSON.stringify({ kind: 'manual' }),
              status: 'rejected',
              steps: '[]',
              outcome: null,
              candidate_version: null,
              started_at: startedAt,
              finished_at: startedAt + 1,
            })),
          )
          .execute();
      });
      afterAll(async () => {
        await steward?.app.close();
        await store?.close();
      });

      it('versions: newest first, page by page, every one once', async () => {
        const { items, sizes } = await readAll<{ version: number }>(
          steward,
          '/api/v1/models/fleet/versions',
          3,
        );
        expect(items.map((v) => v.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
        expect(sizes).toEqual([3, 3, 1]);
      });

      it('alias history: newest change first, paged, each change with its id', async () => {
        const { items } = await readAll<{ id: number; toVersion: number }>(
          steward,
          '/api/v1/models/fleet/aliases/history',
          2,
        );
        expect(items.map((c) => c.toVersion)).toEqual([1, 7, 3, 5, 2]);
        expect(new Set(items.map((c) => c.id)).size).toBe(5);
        // The aliases answer carries the newest changes too.
        const aliases = (await steward.app.inject({ url: '/api/v1/models/fleet/aliases' })).json();
        expect(aliases.current.production).toBe(1);
        expect(aliases.history[0].toVersion).toBe(1);
      });

      it('alerts: latest firing first, ties by id, across page boundaries inside a tie', async () => {
        const { items, sizes } = await readAll<{ id: string }>(steward, '/api/v1/alerts?model=fleet', 2);
        expect(items.map((a) => a.id)).toEqual(['alert-4', 'alert-3', 'alert-2', 'alert-1', 'alert-0']);
        expect(sizes).toEqual([2, 2, 1]);
      });

      it('update runs: newest first, paged; one run read by its id', async () => {
        const { items } = await readAll<{ id: string }>(steward, '/api/v1/models/fleet/updates', 1);
        expect(items.map((r) => r.id)).toEqual(['run-3', 'run-2', 'run-1', 'run-0']);
        const one = await steward.app.inject({ url: '/api/v1/models/fleet/updates/run-0' });
        expect(one.statusCode).toBe(200);
        expect(one.json()).toMatchObject({ id: 'run-0', startedAt: 10, status: 'rejected' });
        const none = await steward.app.inject({ url: '/api/v1/models/fleet/updates/run-9' });
        expect(none.statusCode).toBe(404);
        expect(none.json().error.message).toMatch(/update run "run-9" of model "fleet"/);
      });

      it('refuses a limit above 1000 and a cursor that is not one, naming the field', async () => {
        for (const url of [
          '/api/v1/models/fleet/versions?limit=1001',
          '/api/v1/models/fleet/versions?cursor=abc',
          '/api/v1/models/fleet/aliases/history?cursor=-1',
          '/api/v1/alerts?cursor=yesterday',
          '/api/v1/models/fleet/updates?limit=0',
        ]) {
          const answer = await steward.app.inject({ url });
          expect(answer.statusCode, url).toBe(400);
          const field = answer.json().error.details[0].field;
          expect(['limit', 'cursor']).toContain(field);
        }
      });
    },
  );
}
