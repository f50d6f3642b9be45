import { detectDrift } from '@steward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../../store/open-store.js';
import {
  ELEC2_FEATURES,
  ELEC2_MODEL,
  type Elec2Prediction,
  elec2Predictions,
  elec2Rows,
} from '../../testing/elec2.js';
import { testApp } from '../../testing/test-app.js';
import { testStores } from '../../testing/test-stores.js';
import type { StewardApp } from '../app.js';

const DAY = 86_400_000;
const predictions = elec2Predictions();
const first = (predictions[0] as Elec2Prediction).time;
const rows = predictions.filter((p) => p.time < first + 12 * DAY);
const training = elec2Rows()
  .slice(0, 1344)
  .map((r) => Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])));
const dayRows = (d: number) =>
  rows.filter((r) => r.time >= first + d * DAY && r.time < first + (d + 1) * DAY).map((r) => r.features);

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `drift over windows and served versions on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const get = (url: string) => steward.app.inject({ url });
      const range = `from=${first}&to=${first + 12 * DAY}`;
      beforeAll(async () => {
        store = await target.open();
        steward = await testApp(store);
        await steward.context.catalog.put({
          ...ELEC2_MODEL,
          checks: [{ type: 'drift', name: 'feature-drift', reference: 'training' }],
          notifiers: [],
        });
        const put = await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/references/training',
          payload: training,
        });
        expect(put.statusCode).toBe(200);
        // Version 1 answers the first five days, version 2 the rest.
        const logged = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: rows.map(({ label: _label, ...p }) => ({
            ...p,
            version: p.time < first + 5 * DAY ? '1' : '2',
          })),
        });
        expect(logged.statusCode).toBe(200);
      });
      afterAll(async () => {
        await steward?.app.close();
        await store?.close();
      });

      it('judges every feature in every window exactly as detectDrift does on that window', async () => {
        const response = await get(`/api/v1/models/elec2/drift/windows?${range}`);
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body.features).toEqual([...ELEC2_FEATURES]);
        expect(body.windows).toHaveLength(12);
        for (const d of [0, 6, 11]) {
          const direct = detectDrift(training, dayRows(d), { columns: [...ELEC2_FEATURES] });
          const window = body.windows[d];
          expect(window.start).toBe(new Date(first + d * DAY).toISOString());
          expect(window.rows).toBe(48);
          for (const column of direct.columns)
            expect(window.columns[column.column]).toEqual({
              score: column.score,
              threshold: column.threshold,
              scoreKind: column.scoreKind,
              method: column.methodLabel,
              drifted: column.drifted,
            });
        }
        // Larger windows align to the epoch, as every window does.
        const twoDays = (await get(`/api/v1/models/elec2/drift/windows?${range}&size=2d`)).json();
        const counts = new Map<number, number>();
        for (const r of rows)
          counts.set(Math.floor(r.time / (2 * DAY)), (counts.get(Math.floor(r.time / (2 * DAY))) ?? 0) + 1);
        expect(twoDays.windows.map((w: { rows: number }) => w.rows)).toEqual([...counts.values()]);
      });

      it('judges each window against the one before it when asked (against=previous)', async () => {
        const body = (await get(`/api/v1/models/elec2/drift/windows?${range}&against=previous`)).json();
        expect(body.windows).toHaveLength(12);
        expect(body.windows[0].columns).toBeNull();
        for (const d of [1, 7, 11]) {
          const direct = detectDrift(dayRows(d - 1), dayRows(d), { columns: [...ELEC2_FEATURES] });
          for (const column of direct.columns)
            expect(body.windows[d].columns[column.column].score).toBe(column.score);
        }
        const bad = await get(`/api/v1/models/elec2/drift/windows?${range}&against=yesterday`);
        expect(bad.statusCode).toBe(400);
      });

      it("gives one feature's reference and current distributions for a range", async () => {
        const body = (await get(`/api/v1/models/elec2/drift/feature?feature=nswprice&${range}`)).json();
        const direct = detectDrift(
          training,
          rows.map((r) => r.features),
          { columns: ['nswprice'] },
        ).columns[0];
        expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(sum(body.distribution.reference)).toBeCloseTo(1, 12);
        expect(sum(body.distribution.current)).toBeCloseTo(1, 12);
      });

      it('answers unknown features, a missing reference and a bad window size with what to do', async () => {
        const unknown = await get(`/api/v1/models/elec2/drift/feature?feature=price&${range}`);
        expect(unknown.statusCode).toBe(400);
        expect(unknown.json().error.message).toBe(
          `feature must name one of the model's features (${ELEC2_FEATURES.join(', ')})`,
        );
        const noReference = await get(`/api/v1/models/elec2/drift/windows?${range}&reference=holdout`);
        expect(noReference.statusCode).toBe(404);
        expect(noReference.json().error.message).toBe(
          'no reference "holdout" (upload it with PUT /api/v1/models/elec2/references/holdout)',
        );
        const badSize = await get(`/api/v1/models/elec2/drift/windows?${range}&size=36h`);
        expect(badSize.statusCode).toBe(400);
        expect(badSize.json().error.details[0].field).toBe('size');
      });

      it('says which versions answered when, and how often', async () => {
        const served = (await get(`/api/v1/models/elec2/served?${range}`)).json();
        const v1 = rows.filter((r) => r.time < first + 5 * DAY);
        const v2 = rows.filter((r) => r.time >= first + 5 * DAY);
        expect(served).toEqual([
          {
            version: '1',
            first: new Date(first).toISOString(),
            last: new Date((v1.at(-1) as Elec2Prediction).time).toISOString(),
            count: v1.length,
          },
          {
            version: '2',
            first: new Date((v2[0] as Elec2Prediction).time).toISOString(),
            last: new Date((v2.at(-1) as Elec2Prediction).time).toISOString(),
            count: v2.length,
          },
        ]);
      });
      // Last: it stores more rows.
      it('a heatmap read again follows late rows: the window that took them and the one judged against it move', async () => {
        const url = `/api/v1/models/elec2/drift/windows?${range}&against=previous`;
        const before = (await get(url)).json();
        expect((await get(url)).json()).toEqual(before);
        // Day 4's rows again as late rows (new ids), prices tripled: days 4 and 5 (judged against day 4) must be judged again.
        const late = dayRows(4).map((f, i) => ({
          id: `late-${i}`,
          time: first + 4 * DAY + i * 60_000,
          output: 0,
          features: { ...f, nswprice: (f.nswprice as unknown as number) * 3 },
        }));
        const stored = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: late,
        });
        expect(stored.statusCode).toBe(200);
        const after = (await get(url)).json();
        const day4 = [...dayRows(4), ...late.map((l) => l.features as unknown as Record<string, never>)];
        const direct4 = detectDrift(dayRows(3), day4, { columns: [...ELEC2_FEATURES] });
        const direct5 = detectDrift(day4, dayRows(5), { columns: [...ELEC2_FEATURES] });
        for (const column of direct4.columns)
          expect(after.windows[4].columns[column.column].score).toBe(column.score);
        for (const column of direct5.columns)
          expect(after.windows[5].columns[column.column].score).toBe(column.score);
        expect(after.windows[4].rows).toBe(before.windows[4].rows + late.length);
        expect(after.windows[4].columns.nswprice.score).not.toBe(before.windows[4].columns.nswprice.score);
        // The windows before them kept their cells.
        expect(after.windows.slice(0, 4)).toEqual(before.windows.slice(0, 4));
      });
    },
  );
}
