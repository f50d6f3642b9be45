import { seededRandom } from '@steward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const random = seededRandom(21);
// Two versions serve side by side. Version 1's score is the probability of the positive class; version 2's is
// overconfident (the probability moves 0.4 as far from 1/2 as its score). Expected accuracy: 0.75 and 0.6.
const truth = { '1': (s: number) => s, '2': (s: number) => 0.5 + 0.4 * (s - 0.5) } as const;
/** 10 labelled hours served half by each version, then 6 hours served 90% by version 2 (a canary grown large). */
const rows = Array.from({ length: 16_000 }, (_, i) => {
  const hour = Math.floor(i / 1000);
  const version: '1' | '2' = hour < 10 ? (i % 2 ? '2' : '1') : random() < 0.9 ? '2' : '1';
  const score = random();
  const label = random() < truth[version](score) ? 1 : 0;
  return { id: `r${i}`, time: START + hour * HOUR + (i % 1000) * 3000, version, score, label };
});
const expectedAccuracy = (hour: number) => {
  const inHour = rows.slice(hour * 1000, (hour + 1) * 1000);
  const p = inHour.map((r) => truth[r.version](r.score));
  return (
    p.reduce((sum, q, i) => sum + ((inHour[i] as (typeof rows)[number]).score >= 0.5 ? q : 1 - q), 0) /
    p.length
  );
};

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `CBPE with a calibrator per serving version on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
        steward.app.inject({ method, url, ...(payload ? { payload: payload as object } : {}) });
      beforeAll(async () => {
        store = await target.open();
        steward = await testApp(store);
        // `versions`: as served; `unversioned`: the same rows naming no version (one calibrator for all).
        for (const name of ['versions', 'unversioned']) {
          const spec = { name, task: 'binary', window: '1h', features: [{ name: 'x', type: 'numeric' }] };
          expect((await inject('PUT', `/api/v1/models/${name}`, spec)).statusCode).toBe(201);
          const batch = rows.map((r) => ({
            id: r.id,
            time: r.time,
            ...(name === 'versions' ? { version: r.version } : {}),
            features: { x: r.score },
            output: r.score >= 0.5 ? 1 : 0,
            score: r.score,
          }));
          for (let i = 0; i < batch.length; i += 4000)
            expect(
              (await inject('POST', `/api/v1/models/${name}/predictions`, batch.slice(i, i + 4000)))
                .statusCode,
            ).toBe(200);
          const labels = rows
            .slice(0, 10_000)
            .map((r) => ({ predictionId: r.id, label: r.label, time: r.time + 60_000 }));
          expect((await inject('POST', `/api/v1/models/${name}/labels`, labels)).statusCode).toBe(200);
        }
      });
      afterAll(async () => {
        await steward?.app.close();
        await store?.close();
      });

      const estimated = async (name: string) => {
        const response = await inject(
          'GET',
          `/api/v1/models/${name}/estimated?from=${START}&to=${START + 16 * HOUR}`,
        );
        expect(response.statusCode, response.body).toBe(200);
        return response.json() as {
          calibration: { rows: number; versions?: Array<{ version: string; rows: number }> };
          windows: Array<{ estimated: { accuracy: number } | null }>;
        };
      };

      it("estimates each version's rows with its own calibrator, where one calibrator for all is off", async () => {
        const own = await estimated('versions');
        expect(own.calibration.rows).toBe(5000);
        expect(own.calibration.versions).toEqual([
          { version: '1', rows: 2500 },
          { version: '2', rows: 2500 },
        ]);
        const pooled = await estimated('unversioned');
        expect(pooled.calibration.versions).toBeUndefined();
        for (let hour = 10; hour < 16; hour++) {
          const expected = expectedAccuracy(hour);
          expect(Math.abs((own.windows[hour]?.estimated?.accuracy as number) - expected)).toBeLessThan(0.02);
          // Half the calibration rows were version 1's, better calibrated: one calibrator for all says 0.675.
          expect((pooled.windows[hour]?.estimated?.accuracy as number) - expected).toBeGreaterThan(0.035);
        }
        // Labelled hours, half of each: both ways agree with what happened.
        for (let hour = 0; hour < 10; hour++)
          expect(
            Math.abs((own.windows[hour]?.estimated?.accuracy as number) - expectedAccuracy(hour)),
          ).toBeLessThan(0.03);
      });
    },
  );
}
