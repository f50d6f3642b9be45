import { accuracy, covariateShiftStream, LogisticRegression } from '@steward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
// 40 hours of 500 predictions whose inputs move two standard deviations; the rule that labels them does not move.
const stream = covariateShiftStream({ n: 23_000, seed: 9 });
const model = new LogisticRegression().fit(stream.X.slice(0, 3000), stream.y.slice(0, 3000));
const X = stream.X.slice(3000);
const y = stream.y.slice(3000);
const scores = model.predictProba(X).map((p) => p[1] as number);
const rows = X.map((x, i) => ({
  id: `r${i}`,
  time: START + Math.floor(i / 500) * HOUR + (i % 500) * 7000,
  features: { x0: x[0] as number, x1: x[1] as number },
  output: (scores[i] as number) >= 0.5 ? 1 : 0,
  score: scores[i] as number,
}));
const BINARY = {
  task: 'binary',
  window: '1h',
  features: [
    { name: 'x0', type: 'numeric' },
    { name: 'x1', type: 'numeric' },
  ],
};
/** Labels come for the first 10 hours only: what the calibrator learns from. */
const LABELLED_HOURS = 10;

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `performance estimated without labels on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
        steward.app.inject({ method, url, ...(payload ? { payload: payload as object } : {}) });
      const range = `from=${START}&to=${START + 40 * HOUR}`;
      beforeAll(async () => {
        store = await target.open();
        steward = await testApp(store);
        const spec = BINARY;
        for (const name of ['shift', 'fresh'])
          expect((await inject('PUT', `/api/v1/models/${name}`, { name, ...spec })).statusCode).toBe(201);
        for (let i = 0; i < rows.length; i += 2000)
          expect(
            (await inject('POST', '/api/v1/models/shift/predictions', rows.slice(i, i + 2000))).statusCode,
          ).toBe(200);
        const labels = rows
          .slice(0, LABELLED_HOURS * 500)
          .map((r, i) => ({ predictionId: r.id, label: y[i] as number, time: r.time + 60_000 }));
        expect((await inject('POST', '/api/v1/models/shift/labels', labels)).statusCode).toBe(200);
        await inject('POST', '/api/v1/models/fresh/predictions', rows.slice(0, 10));
      });
      afterAll(async () => {
        await steward?.app.close();
        await store?.close();
      });

      it('estimates every window from its profile, within 0.03 of the accuracy its hidden labels give', async () => {
        const response = await inject('GET', `/api/v1/models/shift/estimated?${range}`);
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json() as {
          calibration: { rows: number; method: string };
          threshold: number;
          windows: Array<{
            start: string;
            rows: number;
            labelled: number;
            estimated: { accuracy: number; accuracyStandardError: number } | null;
            realized: { accuracy: number } | null;
          }>;
        };
        expect(body.calibration).toMatchObject({ rows: LABELLED_HOURS * 500, method: 'isotonic' });
        expect(body.threshold).toBe(0.5);
        expect(body.windows).toHaveLength(40);
        let error = 0;
        let covered = 0;
        for (const [h, w] of body.windows.entries()) {
          expect(w.rows).toBe(500);
          const hidden = accuracy(
            y.slice(h * 500, (h + 1) * 500),
            rows.slice(h * 500, (h + 1) * 500).map((r) => r.output),
          );
          if (h < LABELLED_HOURS) {
            expect(w.labelled).toBe(500);
            expect(w.realized?.accuracy).toBeCloseTo(hidden, 12);
          } else expect(w.realized).toBeNull();
          const estimated = w.estimated as { accuracy: number; accuracyStandardError: number };
          error += Math.abs(estimated.accuracy - hidden);
          if (Math.abs(estimated.accuracy - hidden) <= 1.96 * estimated.accuracyStandardError) covered++;
        }
        // When written: 0.0074 on average, 39 of 40 windows within the band.
        expect(error / 40).toBeLessThan(0.03);
        expect(covered).toBeGreaterThanOrEqual(32);
      });

      it('keeps each closed window as estimated: later labels refit the calibrator for new windows, not kept ones', async () => {
        const before = (await inject('GET', `/api/v1/models/shift/estimated?${range}`)).json() as {
          calibration: { from: string };
          windows: Array<{ estimated: Record<string, number> | null }>;
        };
        const kept = await store.db
          .selectFrom('estimated_windows')
          .select(['window_rows', 'method'])
          .where('model', '=', 'shift')
          .execute();
        expect(kept).toHaveLength(40);
        expect(kept.every((k) => Number(k.window_rows) === 500 && k.method === 'cbpe')).toBe(true);
        // Ten more hours of labels: the calibrator is fitted again on the newest 5,000 (hours 10–19)...
        const labels = rows.slice(LABELLED_HOURS * 500, 2 * LABELLED_HOURS * 500).map((r, i) => ({
          predictionId: r.id,
          label: y[LABELLED_HOURS * 500 + i] as number,
          time: r.time + 60_000,
        }));
        expect((await inject('POST', '/api/v1/models/shift/labels', labels)).statusCode).toBe(200);
        const after = (
          await inject('GET', `/api/v1/models/shift/estimated?${range}`)
        ).json() as typeof before;
        expect(after.calibration.from).not.toBe(before.calibration.from);
        // ...and every window keeps the estimate it had when first asked for, as the checks judged it.
        expect(after.windows.map((w) => w.estimated)).toEqual(before.windows.map((w) => w.estimated));
      });

      it('says why it cannot estimate: no labels to learn from yet, or too few with scores', async () => {
        const fresh = await inject('GET', `/api/v1/models/fresh/estimated?${range}`);
        expect(fresh.statusCode).toBe(409);
        expect(fresh.json().error.message).toBe(
          'estimating needs labelled predictions to learn from, and fresh has no labels yet',
        );
        await inject('POST', '/api/v1/models/fresh/labels', [
          { predictionId: 'r0', label: 1, time: START + HOUR },
        ]);
        const few = await inject('GET', `/api/v1/models/fresh/estimated?${range}`);
        expect(few.statusCode).toBe(409);
        expect(few.json().error.message).toBe(
          "estimating needs at least 100 labelled predictions with a score to learn from; fresh has 1: log each prediction's score (the probability of 1)",
        );
      });

      it('a metric check on estimated accuracy judges every closed window, labelled or not, and its alert says so', async () => {
        const put = await inject('PUT', '/api/v1/models/shift', {
          name: 'shift',
          ...BINARY,
          checks: [{ type: 'metric', name: 'est-accuracy', metric: 'accuracy', min: 0.85, estimated: true }],
        });
        expect(put.statusCode, put.body).toBe(200);
        await steward.context.checks.runOnce();
        const results = (
          await inject('GET', '/api/v1/models/shift/checks?check=est-accuracy&limit=100')
        ).json() as Array<{
          status: string;
          value: number;
          message: string;
        }>;
        const estimated = (await inject('GET', `/api/v1/models/shift/estimated?${range}`)).json() as {
          windows: Array<{ estimated: { accuracy: number } }>;
        };
        expect(results).toHaveLength(40);
        const values = results.map((r) => r.value).sort();
        expect(values).toEqual(estimated.windows.map((w) => w.estimated.accuracy).sort());
        for (const r of results) {
          expect(r.message).toMatch(/^estimated accuracy \d\.\d{4}/);
          expect(r.status).toBe(r.value < 0.85 ? 'failing' : 'ok');
        }
        expect(results.some((r) => r.status === 'failing')).toBe(true);
        const alerts = (await inject('GET', '/api/v1/alerts?model=shift')).json() as Array<{
          message: string;
        }>;
        expect(alerts.length).toBeGreaterThan(0);
        expect(alerts[0]?.message).toMatch(/estimated accuracy/);
      });

      it('refuses, at config time, what an estimate cannot be made from: no scores, a reference without labels', async () => {
        const spec = BINARY;
        const check = { type: 'metric', name: 'est', metric: 'accuracy', min: 0.8, estimated: true };
        const unscored = rows.slice(0, 50).map(({ score: _score, ...r }) => r);
        // A model that logs no scores cannot take an estimated check...
        await inject('PUT', '/api/v1/models/noscore', { name: 'noscore', ...spec });
        expect((await inject('POST', '/api/v1/models/noscore/predictions', unscored)).statusCode).toBe(200);
        const refused = await inject('PUT', '/api/v1/models/noscore', {
          name: 'noscore',
          ...spec,
          checks: [check],
        });
        expect(refused.statusCode).toBe(400);
        expect(refused.json().error.message).toBe(
          'invalid model: checks: check "est" watches estimated accuracy, but none of noscore\'s newest 50 predictions has a score to estimate from: log each prediction\'s score (the probability of 1)',
        );
        // ...and a model with one refuses predictions without a score, keeping none of the batch.
        await inject('PUT', '/api/v1/models/watched', { name: 'watched', ...spec, checks: [check] });
        const batch = await inject('POST', '/api/v1/models/watched/predictions', [
          rows[0],
          ...unscored.slice(1, 3),
        ]);
        expect(batch.statusCode).toBe(400);
        expect(batch.json().error.details).toEqual([
          {
            row: 1,
            field: 'score',
            message:
              'required: check "est" watches estimated accuracy, which is estimated from each prediction\'s score (the probability of 1)',
          },
          {
            row: 2,
            field: 'score',
            message:
              'required: check "est" watches estimated accuracy, which is estimated from each prediction\'s score (the probability of 1)',
          },
        ]);
        expect((await inject('GET', '/api/v1/models/watched')).json().counts.predictions).toBe(0);

        // A reference the estimator is fitted on (estimation.reference) needs labels and scores.
        const withReference = { name: 'refd', ...spec, estimation: { reference: 'calib' } };
        expect((await inject('PUT', '/api/v1/models/refd', withReference)).statusCode).toBe(201);
        const missing = await inject('GET', `/api/v1/models/refd/estimated?${range}`);
        expect(missing.statusCode).toBe(409);
        expect(missing.json().error.message).toBe(
          'estimation.reference names "calib", which is not stored yet: upload it with PUT /api/v1/models/refd/references/calib (rows with their label and the model\'s score)',
        );
        const unlabelled = rows.slice(0, 300).map((r) => ({ ...r.features, score: r.score }));
        const bad = await inject('PUT', '/api/v1/models/refd/references/calib', unlabelled);
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.message).toMatch(
          /^invalid reference: row 0 label: the estimator is fitted on this reference \(estimation\.reference\): every row needs its label/,
        );
        // A reference stored before a spec names it is checked when the spec is applied.
        await inject('PUT', '/api/v1/models/refd', { ...withReference, estimation: {} });
        expect((await inject('PUT', '/api/v1/models/refd/references/calib', unlabelled)).statusCode).toBe(
          200,
        );
        const named = await inject('PUT', '/api/v1/models/refd', withReference);
        expect(named.statusCode).toBe(400);
        expect(named.json().error.message).toBe(
          'invalid model: estimation.reference: reference "calib" cannot fit the estimator: 300 problems, the first row 0 label: the estimator is fitted on this reference (estimation.reference): every row needs its label',
        );
      });

      it('fits the estimator once on a labelled reference when the spec names one, as NannyML does', async () => {
        const reference = rows
          .slice(0, 2000)
          .map((r, i) => ({ ...r.features, score: r.score, label: y[i] as number }));
        await inject('PUT', '/api/v1/models/refd', {
          name: 'refd',
          ...BINARY,
        });
        expect((await inject('PUT', '/api/v1/models/refd/references/calib', reference)).statusCode).toBe(200);
        const put = await inject('PUT', '/api/v1/models/refd', {
          name: 'refd',
          ...BINARY,
          estimation: { reference: 'calib' },
        });
        expect(put.statusCode, put.body).toBe(200);
        // No label was ever logged for refd: the reference alone calibrates its estimates.
        expect(
          (await inject('POST', '/api/v1/models/refd/predictions', rows.slice(10_000, 12_000))).statusCode,
        ).toBe(200);
        const answer = (await inject('GET', `/api/v1/models/refd/estimated?${range}`)).json() as {
          calibration: { rows: number };
          windows: Array<{ estimated: { accuracy: number } | null }>;
        };
        expect(answer.calibration.rows).toBe(2000);
        expect(answer.windows).toHaveLength(4);
        for (const [k, w] of answer.windows.entries()) {
          const from = 10_000 + k * 500;
          const hidden = accuracy(
            y.slice(from, from + 500),
            rows.slice(from, from + 500).map((r) => r.output),
          );
          expect(Math.abs((w.estimated?.accuracy as number) - hidden)).toBeLessThan(0.05);
        }
      });

      it('refuses an estimated check it cannot compute, naming why', async () => {
        const bad = await inject('PUT', '/api/v1/models/demand', {
          name: 'demand',
          task: 'regression',
          features: [{ name: 'x0', type: 'numeric' }],
          checks: [{ type: 'metric', name: 'est-r2', metric: 'r2', min: 0.5, estimated: true }],
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.body).toContain(
          "a regression model's estimated metrics are mae, mse, rmse (direct loss estimation), not r2",
        );
      });
    },
  );
}
