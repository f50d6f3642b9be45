import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import { parseModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { ELEC2_FEATURES, elec2Rows } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { SimulatedClock } from '../time/clock.js';
import { trainFresh } from '../update/train-fresh.js';
import { computeLabelFeatures, type KnownLabel, labelFeaturesOf } from './label-features.js';

const HALF_HOUR = 30 * 60_000;
const DAY = 48 * HALF_HOUR;
const START = Date.UTC(1996, 4, 7);
const data = elec2Rows().slice(0, 48 * 6);
const timeOf = (i: number) => START + i * HALF_HOUR;

const MODEL = {
  name: 'elec2lh',
  task: 'binary',
  window: '1d',
  features: [
    ...ELEC2_FEATURES.map((name) => ({ name, type: 'numeric' })),
    { name: 'upYesterday', type: 'numeric', fromLabels: { kind: 'samePeriod', period: '1d' } },
    { name: 'upShare', type: 'numeric', fromLabels: { kind: 'rate', last: 48 } },
  ],
};
const spec = parseModelSpec(MODEL);
const rowsFor = (from: number, to: number) =>
  data.slice(from, to).map((r, k) => ({
    id: `r${from + k}`,
    time: new Date(timeOf(from + k)).toISOString(),
    features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
  }));

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `label features served on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      let clock: SimulatedClock;
      const inject = (method: 'POST' | 'PUT', url: string, payload: unknown) =>
        steward.app.inject({ method, url: `/api/v1/models/elec2lh${url}`, payload: payload as object });

      beforeEach(async () => {
        clock = new SimulatedClock(START);
        store = await target.open();
        steward = await testApp(store, { clock });
        await steward.context.catalog.put(MODEL);
        // A version that takes missing values (the label features are missing until a label is known).
        const training = data.slice(0, 96).map((r) => ({
          features: {
            ...Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
            upYesterday: r.class,
            upShare: r.class === 1 ? 0.6 : null,
          },
          label: r.class,
        }));
        const model = trainFresh(
          spec,
          { kind: 'LogisticRegression', params: {}, pipeline: { categorical: { handleUnknown: 'ignore' } } },
          training,
        ).model;
        const version = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2lh/versions',
          headers: { 'content-type': 'application/octet-stream' },
          payload: Buffer.from(JSON.stringify(model.toJSON())),
        });
        expect(version.statusCode).toBe(201);
        await inject('PUT', '/aliases/production', { version: 1 });
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('computes them from the labels known by each row’s time, and stores them with the prediction', async () => {
        const labels: KnownLabel[] = [];
        // Day by day: serve a day, then its labels arrive a day later (at the next day's rows' times).
        for (let day = 0; day < 5; day++) {
          for (let slot = 0; slot < 48; slot += 12) {
            const from = day * 48 + slot;
            clock.set(timeOf(from));
            if (day > 0) {
              const late = Array.from({ length: 12 }, (_, k) => from - 48 + k).map((i) => ({
                predictionId: `r${i}`,
                label: data[i]?.class,
                time: new Date(timeOf(i) + DAY).toISOString(),
              }));
              expect((await inject('POST', '/labels', late)).statusCode).toBe(200);
              for (let k = 0; k < 12; k++)
                labels.push({
                  time: timeOf(from - 48 + k),
                  knownAt: timeOf(from - 48 + k) + DAY,
                  value: data[from - 48 + k]?.class as number,
                });
            }
            const served = await inject('POST', '/predict', rowsFor(from, from + 12));
            expect(served.statusCode).toBe(200);
          }
        }
        const stored = await queryPredictions(store.db, 'elec2lh', {
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
          features: true,
        });
        expect(stored).toHaveLength(240);
        const byTime = [...stored].sort((a, b) => a.time - b.time);
        const expected = computeLabelFeatures(
          spec,
          labelFeaturesOf(spec),
          byTime.map((p) => p.time),
          labels,
        );
        // Rows served before a label arrived never see it: a batch's labels land before rows timed after them
        // only (the first 12 rows of a day see the label of the same slot yesterday, timed exactly then).
        byTime.forEach((p, i) => {
          // A missing feature is stored as absent.
          expect({
            upYesterday: p.features.upYesterday ?? null,
            upShare: p.features.upShare ?? null,
          }).toEqual(expected[i]);
        });
        expect(byTime[0]?.features.upYesterday ?? null).toBeNull();
        expect(byTime[48]?.features.upYesterday).toBe(data[0]?.class === 1 ? 1 : 0);
        // Day 2, slot 13: yesterday's slot-13 label was sent with the slot-12 batch, timed a day after it.
        expect(byTime[48 + 13]?.features.upYesterday).toBe(data[13]?.class === 1 ? 1 : 0);
      });

      it('never uses a label that arrived after the row, even when it is stored before the row is served', async () => {
        clock.set(timeOf(10));
        await inject('POST', '/predict', rowsFor(0, 10));
        // The labels reach Steward at row 60's time; rows 48–59, served afterwards but timed before, must not use them.
        clock.set(timeOf(60));
        const late = Array.from({ length: 10 }, (_, i) => ({
          predictionId: `r${i}`,
          label: data[i]?.class,
          time: new Date(timeOf(60)).toISOString(),
        }));
        await inject('POST', '/labels', late);
        await inject('POST', '/predict', rowsFor(48, 62));
        const stored = await queryPredictions(store.db, 'elec2lh', {
          from: timeOf(48),
          to: timeOf(62),
          features: true,
        });
        const features = new Map(stored.map((p) => [p.id, p.features]));
        for (let i = 48; i < 60; i++) expect(features.get(`r${i}`)?.upShare ?? null, `r${i}`).toBeNull();
        expect(features.get('r60')?.upShare).toBe(data.slice(0, 10).filter((r) => r.class === 1).length / 10);
      });

      it('refuses a row that sends a computed feature, naming it', async () => {
        const rows = rowsFor(0, 1).map((r) => ({ ...r, features: { ...r.features, upShare: 0.5 } }));
        const res = await inject('POST', '/predict', rows);
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details[0]).toEqual({
          row: 0,
          field: 'features.upShare',
          message: "computed by Steward from the model's labels (fromLabels): leave it out",
        });
      });

      it('fills the history from stored labels when a model declares label features later', async () => {
        const plain = { ...MODEL, features: MODEL.features.filter((f) => !('fromLabels' in f)) };
        await steward.context.catalog.put(plain);
        clock.set(timeOf(10));
        await inject('POST', '/predict', rowsFor(0, 10));
        await inject(
          'POST',
          '/labels',
          Array.from({ length: 10 }, (_, i) => ({ predictionId: `r${i}`, label: data[i]?.class })),
        );
        await steward.context.catalog.put(MODEL);
        clock.set(timeOf(20));
        await inject('POST', '/predict', rowsFor(20, 21));
        const [row] = await queryPredictions(store.db, 'elec2lh', {
          from: timeOf(20),
          to: timeOf(21),
          features: true,
        });
        expect(row?.features.upShare).toBe(data.slice(0, 10).filter((r) => r.class === 1).length / 10);
      });
    },
  );
}
