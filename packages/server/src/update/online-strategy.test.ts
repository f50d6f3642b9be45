import { AdaptiveRandomForestClassifier, restoreModel } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import type { UpdateRun } from './run-record.js';

const data = elec2Rows();
const X = (from: number, to: number) => data.slice(from, to).map((r) => ELEC2_FEATURES.map((f) => r[f]));
const Y = (from: number, to: number) => data.slice(from, to).map((r) => r.class);

const forest = () => new AdaptiveRandomForestClassifier({ seed: 4, nModels: 3 }).fit(X(0, 1344), Y(0, 1344));

const spec = (gate: object) => ({
  ...ELEC2_MODEL,
  notifiers: [],
  update: {
    newLabels: 96,
    window: '28d',
    minRows: 1,
    strategy: 'online',
    learner: { kind: 'AdaptiveRandomForestClassifier', params: { seed: 4, nModels: 3 } },
    gate,
  },
});

/** What the online model must have done: each row predicted by the model as it stood, then learnt. */
function testThenTrain(model: AdaptiveRandomForestClassifier, from: number, to: number): number {
  let right = 0;
  for (let i = from; i < to; i++) {
    const x = X(i, i + 1)[0] as number[];
    if (model.predict([x])[0] === data[i]?.class) right++;
    model.learnOne(x, data[i]?.class as number);
  }
  return right / (to - from);
}

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `the online strategy on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
        steward.app.inject({ method, url, ...(payload ? { payload } : {}) });
      /** Serves rows [from, to) and sends their labels at once. */
      const serve = async (from: number, to: number) => {
        const rows = data.slice(from, to).map((r, i) => ({
          id: `r${from + i}`,
          time: ELEC2_START + (from + i) * ELEC2_STEP,
          features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
        }));
        expect((await api('POST', '/api/v1/models/elec2/predict', rows)).statusCode).toBe(200);
        const labels = rows.map((r, i) => ({ predictionId: r.id, label: data[from + i]?.class as number }));
        expect((await api('POST', '/api/v1/models/elec2/labels', labels)).statusCode).toBe(200);
      };
      const setUp = async (gate: object) => {
        expect((await api('PUT', '/api/v1/models/elec2', spec(gate))).statusCode).toBe(201);
        expect((await uploadModel(steward, 'elec2', forest())).statusCode).toBe(201);
        await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
      };
      const run = async () => {
        expect((await api('POST', '/api/v1/models/elec2/updates')).statusCode).toBe(202);
        return (await steward.context.worker.runOnce()) as UpdateRun;
      };
      const version = async (v: number) => (await api('GET', `/api/v1/models/elec2/versions/${v}`)).json();

      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store);
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('learns each labelled row after predicting it, cuts a version the gate judges on those predictions, and goes on from the cut', async () => {
        await setUp({ mode: 'notWorse', margin: 0.05 });
        await serve(1344, 1536);
        const first = await run();
        expect(first.status).toBe('promoted');
        expect(first.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
          'dataset:done',
          'train:done',
          'evaluate:done',
          'register:done',
          'promote:done',
        ]);
        expect(first.steps[0]?.detail).toMatchObject({ rows: 192 });

        // The gate's candidate accuracy is the forest's test-then-train accuracy on those rows, not a re-scoring by
        // the forest that had learnt them.
        const mirror = forest();
        const prequential = testThenTrain(mirror, 1344, 1536);
        const evaluation = first.steps[2]?.detail as { primary: { candidate: number; production: number } };
        expect(evaluation.primary.candidate).toBeCloseTo(prequential, 12);
        const learnt = restoreModel((await api('GET', '/api/v1/models/elec2/versions/2/artifact')).json());
        expect((learnt as AdaptiveRandomForestClassifier).predictProba(X(2000, 2100))).toEqual(
          mirror.predictProba(X(2000, 2100)),
        );
        expect(await version(2)).toMatchObject({
          aliases: ['production'],
          parent: 1,
          lineage: { strategy: 'online', learner: 'AdaptiveRandomForestClassifier' },
        });

        // The next cut learns only the rows since, from version 2.
        await serve(1536, 1632);
        const second = await run();
        expect(second.steps[0]?.detail).toMatchObject({ rows: 96, learnedFrom: 'the last cut' });
        expect(second.steps[1]?.detail).toMatchObject({ strategy: 'online', from: 2, rows: 96 });
        testThenTrain(mirror, 1536, 1632);
        const third = restoreModel((await api('GET', '/api/v1/models/elec2/versions/3/artifact')).json());
        expect((third as AdaptiveRandomForestClassifier).predictProba(X(2000, 2100))).toEqual(
          mirror.predictProba(X(2000, 2100)),
        );
      });

      it('a cut the gate rejects does not serve, and the online model goes on learning from it', async () => {
        await setUp({ mode: 'superiority', minImprovement: 0.5 });
        await serve(1344, 1536);
        expect((await run()).status).toBe('rejected');
        await serve(1536, 1632);
        const again = await run();
        expect(again.status).toBe('rejected');
        expect(again.steps[1]?.detail).toMatchObject({ from: 2, rows: 96 });
        expect(await version(3)).toMatchObject({ parent: 2, aliases: [] });
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toMatchObject({
          production: 1,
        });
      });

      it('with no version yet, the first cut is a new learner that learnt the rows one at a time', async () => {
        expect((await api('PUT', '/api/v1/models/elec2', spec({ mode: 'notWorse' }))).statusCode).toBe(201);
        // Nothing serves yet: the predictions of another system are logged, then labelled.
        const rows = data.slice(1344, 1440).map((r, i) => ({
          id: `r${1344 + i}`,
          time: ELEC2_START + (1344 + i) * ELEC2_STEP,
          features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
          output: 1,
        }));
        expect((await api('POST', '/api/v1/models/elec2/predictions', rows)).statusCode).toBe(200);
        const labels = rows.map((r, i) => ({ predictionId: r.id, label: data[1344 + i]?.class as number }));
        expect((await api('POST', '/api/v1/models/elec2/labels', labels)).statusCode).toBe(200);
        const first = await run();
        expect(first.status).toBe('promoted');
        expect(first.steps[1]?.detail).toMatchObject({ strategy: 'online', from: null, rows: 96 });
        const fresh = new AdaptiveRandomForestClassifier({ seed: 4, nModels: 3 });
        testThenTrain(fresh, 1344, 1440);
        const v1 = restoreModel((await api('GET', '/api/v1/models/elec2/versions/1/artifact')).json());
        expect((v1 as AdaptiveRandomForestClassifier).predictProba(X(2000, 2050))).toEqual(
          fresh.predictProba(X(2000, 2050)),
        );
      });

      it('learns a regression online too: SGD partialFit on one row at a time, judged by the regression gate', async () => {
        const features = ELEC2_FEATURES.filter((f) => f !== 'nswprice');
        const regression = {
          name: 'price',
          task: 'regression',
          features: features.map((name) => ({ name, type: 'numeric' })),
          window: '1d',
          notifiers: [],
          update: {
            newLabels: 96,
            window: '28d',
            minRows: 1,
            strategy: 'online',
            learner: { kind: 'SGDRegressor', params: { eta0: 0.01 } },
            gate: { mode: 'always' },
          },
        };
        expect((await api('PUT', '/api/v1/models/price', regression)).statusCode).toBe(201);
        const rows = data.slice(1344, 1536).map((r, i) => ({
          id: `p${i}`,
          time: ELEC2_START + (1344 + i) * ELEC2_STEP,
          features: Object.fromEntries(features.map((f) => [f, r[f]])),
          output: 0,
        }));
        expect((await api('POST', '/api/v1/models/price/predictions', rows)).statusCode).toBe(200);
        const labels = rows.map((r, i) => ({
          predictionId: r.id,
          label: data[1344 + i]?.nswprice as number,
        }));
        expect((await api('POST', '/api/v1/models/price/labels', labels)).statusCode).toBe(200);
        expect((await api('POST', '/api/v1/models/price/updates')).statusCode).toBe(202);
        const first = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(first.status).toBe('promoted');
        expect(first.steps[1]?.detail).toMatchObject({ strategy: 'online', rows: 192 });
        expect((await api('GET', '/api/v1/models/price/versions/1')).json().lineage).toMatchObject({
          strategy: 'online',
          learner: 'SGDRegressor',
        });
        // The second cut is judged by the regression gate on its test-then-train predictions.
        const more = data.slice(1536, 1632).map((r, i) => ({
          id: `q${i}`,
          time: ELEC2_START + (1536 + i) * ELEC2_STEP,
          features: Object.fromEntries(features.map((f) => [f, r[f]])),
        }));
        expect((await api('POST', '/api/v1/models/price/predict', more)).statusCode).toBe(200);
        const moreLabels = more.map((r, i) => ({
          predictionId: r.id,
          label: data[1536 + i]?.nswprice as number,
        }));
        expect((await api('POST', '/api/v1/models/price/labels', moreLabels)).statusCode).toBe(200);
        expect((await api('POST', '/api/v1/models/price/updates')).statusCode).toBe(202);
        const second = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(second.status).toBe('promoted');
        expect(second.steps[2]?.detail).toMatchObject({
          primary: { metric: 'rmse', candidate: expect.any(Number) },
        });
      });

      it('refuses a learner that cannot learn one row at a time, naming those that can', async () => {
        const res = await api('PUT', '/api/v1/models/elec2', {
          ...spec({}),
          update: { ...spec({}).update, learner: { kind: 'GradientBoostingClassifier' } },
        });
        expect(res.statusCode).toBe(400);
        expect(res.body).toMatch(
          /the online strategy learns one row at a time: GradientBoostingClassifier cannot/,
        );
        expect(res.body).toMatch(/AdaptiveRandomForestClassifier/);
      });
    },
  );
}
