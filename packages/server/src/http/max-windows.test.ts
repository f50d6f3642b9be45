import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import type { StewardApp } from './app.js';

const DAY = 86_400_000;
const ROWS = 48 * 30;
const data = elec2Rows().slice(0, ROWS);

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `windows merged to at most maxWindows on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const get = async (path: string) => steward.app.inject({ url: `/api/v1/models/elec2/${path}` });
      const range = `from=${new Date(ELEC2_START).toISOString()}&to=${new Date(ELEC2_START + 40 * DAY).toISOString()}`;

      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store);
        await steward.context.catalog.put(ELEC2_MODEL);
        const rows = data.map((r, i) => ({
          id: `m${i}`,
          time: ELEC2_START + i * ELEC2_STEP,
          features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
          output: i % 3 === 0 ? 1 - r.class : r.class,
        }));
        await steward.app.inject({ method: 'POST', url: '/api/v1/models/elec2/predictions', payload: rows });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          payload: rows.map((r, i) => ({ predictionId: r.id, label: data[i]?.class })),
        });
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('thirty daily windows in at most ten: the whole range, each the merge of whole days', async () => {
        const merged = (await get(`metrics?${range}&maxWindows=10`)).json() as Array<{
          start: string;
          end: string;
          count: number;
          metrics: { accuracy: number };
        }>;
        expect(merged.length).toBeLessThanOrEqual(10);
        expect(merged.reduce((n, w) => n + w.count, 0)).toBe(ROWS);
        const size = Date.parse(merged[0]?.end as string) - Date.parse(merged[0]?.start as string);
        expect(size % DAY).toBe(0);
        expect(size).toBeGreaterThan(DAY);
        // The same windows as asking for that size.
        const sized = (await get(`metrics?${range}&size=${size / DAY}d`)).json();
        expect(merged).toEqual(sized);
        const withProfiles = (await get(`windows?${range}&maxWindows=10`)).json() as unknown[];
        expect(withProfiles).toHaveLength(merged.length);
        // Room for every day: nothing is merged.
        expect((await get(`metrics?${range}&maxWindows=100`)).json()).toHaveLength(30);
      });

      it('refuses a maxWindows that is not a positive integer, naming it', async () => {
        const bad = await get(`metrics?${range}&maxWindows=0`);
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.message).toBe('maxWindows must be a positive integer, got "0"');
      });
    },
  );
}
