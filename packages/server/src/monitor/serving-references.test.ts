import { detectDrift, LogisticRegression } from '@steward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import {
  ELEC2_FEATURES,
  ELEC2_MODEL,
  type Elec2Prediction,
  elec2Predictions,
  elec2Rows,
} from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { SimulatedClock } from '../time/clock.js';

const DAY = 86_400_000;
const predictions = elec2Predictions();
const first = (predictions[0] as Elec2Prediction).time;
const rows = predictions.filter((p) => p.time < first + 12 * DAY);
const between = (from: number, to: number) =>
  rows.filter((r) => r.time >= first + from * DAY && r.time < first + to * DAY).map((r) => r.features);
const training = elec2Rows()
  .slice(0, 1344)
  .map((r) => Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])));
const fitted = () =>
  new LogisticRegression().fit(
    [
      [0, 0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ],
    [0, 1],
  );

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `drift against the serving version's training data on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const get = (url: string) => steward.app.inject({ url });
      const range = `from=${first}&to=${first + 12 * DAY}`;
      beforeAll(async () => {
        store = await target.open();
        const clock = new SimulatedClock(first);
        steward = await testApp(store, { clock });
        await steward.context.catalog.put({
          ...ELEC2_MODEL,
          checks: [{ type: 'drift', name: 'feature-drift', reference: 'training' }],
          notifiers: [],
        });
        await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/references/training',
          payload: training,
        });
        const { registry } = steward.context;
        const bytes = () => new Uint8Array(Buffer.from(JSON.stringify(fitted().toJSON())));
        // Version 1 came from outside (no training window): production from the start.
        await registry.register('elec2', bytes(), { actor: 'test' });
        await registry.promote('elec2', 1, 'production', { actor: 'test' });
        // Version 2 learned from days 0–4 and serves from day 6 on.
        await registry.register('elec2', bytes(), {
          actor: 'test',
          lineage: {
            trainingWindow: {
              from: new Date(first).toISOString(),
              to: new Date(first + 5 * DAY).toISOString(),
            },
          },
        });
        clock.set(first + 6 * DAY);
        await registry.promote('elec2', 2, 'production', { actor: 'test' });
        // The predictions, logged as they were served (times past the clock are refused).
        clock.set(first + 12 * DAY);
        const logged = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: rows.map(({ label: _label, ...p }) => p),
        });
        expect(logged.statusCode, logged.body).toBe(200);
      });
      afterAll(async () => {
        await steward?.app.close();
        await store?.close();
      });

      it('judges each window against the training data of the version production served then', async () => {
        const response = await get(`/api/v1/models/elec2/drift/windows?${range}&against=serving`);
        expect(response.statusCode, response.body).toBe(200);
        const { windows } = response.json() as {
          windows: Array<{ reference: string; columns: Record<string, { score: number }> }>;
        };
        expect(windows).toHaveLength(12);
        const v2 = between(0, 5);
        for (const [d, w] of windows.entries()) {
          // Before day 6, version 1 (no training window): the uploaded reference stands in.
          const reference = d < 6 ? training : v2;
          expect(w.reference).toBe(
            d < 6
              ? 'the uploaded reference "training"'
              : `v2's training data (${new Date(first).toISOString().slice(0, 10)} – ${new Date(first + 5 * DAY).toISOString().slice(0, 10)})`,
          );
          const direct = detectDrift(reference as never[], between(d, d + 1) as never[], {
            columns: [...ELEC2_FEATURES],
          });
          for (const column of direct.columns) expect(w.columns[column.column]?.score).toBe(column.score);
        }
        // Read again: the same cells (from the cache).
        expect(
          (await get(`/api/v1/models/elec2/drift/windows?${range}&against=serving`)).json().windows,
        ).toEqual(windows);
      });

      it("one feature's distributions against the version serving the range", async () => {
        const from = first + 8 * DAY;
        const feature = await get(
          `/api/v1/models/elec2/drift/feature?feature=nswprice&from=${from}&to=${from + DAY}&against=serving`,
        );
        expect(feature.statusCode).toBe(200);
        const direct = detectDrift(between(0, 5) as never[], between(8, 9) as never[], {
          columns: ['nswprice'],
        });
        expect(feature.json().score).toBe(direct.columns[0]?.score);
      });

      it('says when there is nothing to compare with', async () => {
        await steward.context.catalog.put({ ...ELEC2_MODEL, name: 'bare', notifiers: [] });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/bare/predictions',
          payload: rows.slice(0, 100).map(({ label: _label, ...p }) => p),
        });
        const timeline = await get(`/api/v1/models/bare/drift/windows?${range}&against=serving`);
        expect(timeline.statusCode).toBe(200);
        expect(timeline.json().windows[0].columns).toBeNull();
        const feature = await get(
          `/api/v1/models/bare/drift/feature?feature=nswprice&${range}&against=serving`,
        );
        expect(feature.statusCode).toBe(404);
        expect(feature.json().error.message).toBe(
          'no version with a training window served then, and no stored reference to stand in (upload one with PUT /api/v1/models/bare/references/training)',
        );
      });
    },
  );
}
