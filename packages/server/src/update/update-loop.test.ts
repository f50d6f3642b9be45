import { LogisticRegression } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import type { UpdateRun } from './run-record.js';

const data = elec2Rows();
const X = (from: number, to: number) => data.slice(from, to).map((r) => ELEC2_FEATURES.map((f) => r[f]));
const Y = (from: number, to: number) => data.slice(from, to).map((r) => r.class);
// Production: a logistic regression that learned Elec2's first four weeks and never changed.
const stale = new LogisticRegression({ C: 1 }).fit(X(0, 1344), Y(0, 1344));
const accuracyOf = (model: LogisticRegression, from: number, to: number) => {
  const p = model.predict(X(from, to));
  return Y(from, to).filter((y, i) => y === p[i]).length / (to - from);
};

const SPEC = {
  ...ELEC2_MODEL,
  checks: [{ type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.7, minLabels: 30 }],
  notifiers: [],
  update: {
    onFailingChecks: ['accuracy-floor'],
    window: '112d',
    minRows: 1000,
    strategy: 'retrain',
    learner: { kind: 'LogisticRegression', params: { C: 1 } },
  },
};

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `the maintenance loop on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
        steward.app.inject({ method, url, ...(payload ? { payload } : {}) });
      const serve = async (from: number, to: number) => {
        for (let s = from; s < to; s += 1000) {
          const rows = data.slice(s, Math.min(to, s + 1000)).map((r, i) => ({
            id: `r${s + i}`,
            time: ELEC2_START + (s + i) * ELEC2_STEP,
            features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
          }));
          const res = await api('POST', '/api/v1/models/elec2/predict', rows);
          expect(res.statusCode).toBe(200);
          const labels = rows.map((r, i) => ({
            predictionId: r.id,
            label: data[s + i]?.class as number,
            time: r.time + 3_600_000,
          }));
          expect((await api('POST', '/api/v1/models/elec2/labels', labels)).statusCode).toBe(200);
        }
      };

      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store);
        expect((await api('PUT', '/api/v1/models/elec2', SPEC)).statusCode).toBe(201);
        const v1 = await uploadModel(steward, 'elec2', stale);
        expect(v1.statusCode).toBe(201);
        await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('Elec2: the stale model decays, a check fails, an update run retrains, the gate promotes, accuracy recovers', async () => {
        await serve(3624, 9000);
        const checks = (await api('POST', '/api/v1/checks/run')).json().results as Array<{
          check: string;
          result: { status: string };
        }>;
        expect(checks.filter((r) => r.result.status === 'failing').length).toBeGreaterThan(5);
        const run = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(run.status).toBe('promoted');
        expect(await steward.context.worker.runOnce()).toBeUndefined(); // one run for many failing windows

        const runs = (await api('GET', '/api/v1/models/elec2/updates')).json() as UpdateRun[];
        expect(runs).toHaveLength(1);
        expect(runs[0]?.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
          'dataset:done',
          'train:done',
          'evaluate:done',
          'refit:done',
          'register:done',
          'promote:done',
        ]);
        expect(runs[0]?.trigger).toMatchObject({ kind: 'check', check: 'accuracy-floor' });
        // The candidate that passed is refitted on the whole window, held-out rows included.
        const dataset = runs[0]?.steps[0]?.detail as { rows: number; training: number; heldOut: number };
        expect(runs[0]?.steps[3]?.detail).toMatchObject({ rows: dataset.rows });
        expect(dataset.heldOut).toBeGreaterThan(0);
        const evaluation = runs[0]?.steps[2]?.detail as {
          promote: boolean;
          test: { pValue: number };
          primary: { production: number; candidate: number };
        };
        expect(evaluation.promote).toBe(true);
        expect(evaluation.test.pValue).toBeLessThan(0.05);
        const version = (await api('GET', '/api/v1/models/elec2/versions/2')).json();
        expect(version).toMatchObject({
          aliases: ['production'],
          parent: 1,
          lineage: { strategy: 'retrain', learner: 'LogisticRegression' },
        });
        expect(version.lineage.refit).toEqual({
          rows: dataset.rows,
          gatedSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
        expect(version.lineage.refit.gatedSha256).not.toBe(version.sha256);
        expect(version.lineage.trainingWindow.to).toBe(
          new Date(ELEC2_START + 8999 * ELEC2_STEP + 1).toISOString(),
        );

        // Version 2 learned every labelled row there is: a run now has nothing it has not seen to compare on.
        expect((await api('POST', '/api/v1/models/elec2/updates')).statusCode).toBe(202);
        const idle = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(idle.status).toBe('skipped');
        expect(idle.outcome).toMatch(/^no labelled rows newer than production's training window \(it ends /);

        // The next two weeks are served by version 2; their accuracy beats what version 1 would have scored on them.
        await serve(9000, 9672);
        const from = ELEC2_START + 9000 * ELEC2_STEP;
        const metrics = (
          await api('GET', `/api/v1/models/elec2/metrics?from=${from}&to=${from + 14 * 86_400_000}&size=14d`)
        ).json();
        const served = await queryPredictions(store.db, 'elec2', { from, to: Number.MAX_SAFE_INTEGER });
        expect(new Set(served.map((r) => r.version))).toEqual(new Set(['2']));
        const recovered =
          metrics.reduce(
            (s: number, w: { labelled: number; metrics: { accuracy: number } }) =>
              s + w.metrics.accuracy * w.labelled,
            0,
          ) / 672;
        expect(recovered).toBeGreaterThan(accuracyOf(stale, 9000, 9672) + 0.05);

        // The next run holds out exactly the 672 rows version 2 never saw (fewer than the 20 % share would take).
        await api('POST', '/api/v1/models/elec2/updates');
        const next = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(next.steps[0]?.detail).toMatchObject({
          heldOut: 672,
          productionTrainedTo: version.lineage.trainingWindow.to,
        });
        if (next.status === 'promoted') await api('POST', '/api/v1/models/elec2/aliases/production/rollback');

        // Rollback restores the stale version.
        expect(
          (await api('POST', '/api/v1/models/elec2/aliases/production/rollback', { reason: 'drill' })).json(),
        ).toMatchObject({ fromVersion: 2, toVersion: 1 });
      });

      it('leaves production as it was when the trainer crashes or the gate rejects', async () => {
        await serve(3624, 6000);
        // A mistyped option never gets that far: the spec is refused, naming the key and what it allows.
        const refused = await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: { ...SPEC.update, learner: { kind: 'LogisticRegression', params: { C: -1 } } },
        });
        expect(refused.statusCode).toBe(400);
        expect(refused.body).toMatch(/LogisticRegression option C must be a number > 0, got -1/);
        // A trainer that crashes: the learner's own error (options that contradict each other) stops the run.
        await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: {
            ...SPEC.update,
            learner: { kind: 'MLPClassifier', params: { hiddenLayers: [4], frozenLayers: 2 } },
          },
        });
        expect((await api('POST', '/api/v1/models/elec2/updates')).statusCode).toBe(202);
        const crashed = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(crashed.status).toBe('failed');
        expect(crashed.outcome).toMatch(/frozenLayers.*production unchanged/);
        expect(crashed.steps.at(-1)).toMatchObject({ name: 'train', status: 'failed' });
        // The job is retried (up to 3 attempts), then failed for good.
        await steward.context.worker.runOnce();
        await steward.context.worker.runOnce();
        const job = (await store.db.selectFrom('jobs').selectAll().execute())[0];
        expect(job).toMatchObject({ status: 'failed', attempts: 3 });
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 1 });

        // A gate that rejects: the candidate is registered for the record, production stays.
        await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: { ...SPEC.update, gate: { minImprovement: 0.5 } },
        });
        await api('POST', '/api/v1/models/elec2/updates');
        const rejected = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(rejected.status).toBe('rejected');
        expect(rejected.outcome).toMatch(
          /gate rejected version 2: accuracy improves by .*needs at least 0.5.*production stays 1/,
        );
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 1 });
        expect((await api('GET', '/api/v1/models/elec2/versions/2')).json().aliases).toEqual([]);
      });

      it('rolls a gated version out as a shadow and promotes it on the paired evidence', async () => {
        await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: { ...SPEC.update, rollout: { mode: 'shadow', minLabelled: 300 } },
        });
        await serve(3624, 9000);
        await api('POST', '/api/v1/checks/run');
        const run = (await steward.context.worker.runOnce()) as UpdateRun;
        expect(run.status).toBe('rolling-out');
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({
          production: 1,
          shadow: 2,
        });
        await serve(9000, 9200);
        expect((await api('POST', '/api/v1/rollouts/evaluate')).json().decided).toEqual([]); // 200 < 300 labelled
        await serve(9200, 9672);
        const decided = (await api('POST', '/api/v1/rollouts/evaluate')).json().decided;
        expect(decided).toHaveLength(1);
        expect(decided[0]).toMatchObject({ status: 'promoted', mode: 'shadow', version: 2, baseline: 1 });
        expect(decided[0].decision.summary).toMatch(/^672 paired labelled rows; accuracy/);
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 2 });
      });

      it('decides a shadow sequentially: promoted as soon as the evidence is there, checked after every batch', async () => {
        await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: { ...SPEC.update, rollout: { mode: 'shadow', decide: 'sequential', minLabelled: 5000 } },
        });
        await serve(3624, 9000);
        await api('POST', '/api/v1/checks/run');
        expect(((await steward.context.worker.runOnce()) as UpdateRun).status).toBe('rolling-out');
        // A day at a time until the evidence reaches 1/alpha = 20: long before minLabelled (which it ignores).
        let decided: Array<{
          status: string;
          decision: { summary: string; sequential: Record<string, number> };
        }> = [];
        let served = 9000;
        while (decided.length === 0 && served < 9672) {
          await serve(served, served + 48);
          served += 48;
          decided = (await api('POST', '/api/v1/rollouts/evaluate')).json().decided;
        }
        expect(decided).toHaveLength(1);
        expect(decided[0]?.status).toBe('promoted');
        const evidence = decided[0]?.decision.sequential as Record<string, number>;
        expect(evidence.evidenceBetter).toBeGreaterThanOrEqual(20);
        expect(evidence.rows).toBe(served - 9000);
        expect(evidence.c).toBeGreaterThan(evidence.b as number);
        expect(decided[0]?.decision.summary).toMatch(
          /^\d+ paired labelled rows \(production alone right on \d+, the shadow alone on \d+\); sequential test: evidence [\d.]+ ≥ 20 that the shadow is better$/,
        );
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 2 });
      });

      it('decides a canary sequentially on paired rows: production predicts the canary’s rows too', async () => {
        await api('PUT', '/api/v1/models/elec2', {
          ...SPEC,
          update: { ...SPEC.update, rollout: { mode: 'canary', decide: 'sequential' } },
        });
        const flipped = new LogisticRegression({ C: 1 }).fit(
          X(3624, 9000),
          Y(3624, 9000).map((y) => 1 - y),
        );
        await uploadModel(steward, 'elec2', flipped);
        await api('POST', '/api/v1/models/elec2/rollouts', { version: 2, mode: 'canary', share: 0.2 });
        await serve(9000, 9048);
        const canaryRows = (
          await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER })
        ).filter((r) => r.version === '2');
        expect(canaryRows.length).toBeGreaterThan(0);
        // Production's outputs on exactly the canary's rows, beside it.
        const pairs = await store.db
          .selectFrom('shadow_predictions')
          .select('id')
          .where('model', '=', 'elec2')
          .where('version', '=', 1)
          .execute();
        expect(new Set(pairs.map((r) => r.id))).toEqual(new Set(canaryRows.map((r) => r.id)));
        // Judged after every batch: rolled back as soon as the evidence that it is worse reaches 1/alpha = 20.
        let decided = (await api('POST', '/api/v1/rollouts/evaluate')).json().decided;
        let served = 9048;
        while (decided.length === 0 && served < 9672) {
          await serve(served, served + 48);
          served += 48;
          decided = (await api('POST', '/api/v1/rollouts/evaluate')).json().decided;
        }
        expect(decided).toHaveLength(1);
        const paired = (
          await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER })
        ).filter((r) => r.version === '2').length;
        expect(decided[0]).toMatchObject({ status: 'rolled-back', mode: 'canary' });
        expect(decided[0].decision.summary).toMatch(
          new RegExp(
            `^${paired} paired labelled rows \\(production alone right on \\d+, the canary alone on \\d+\\); sequential test: evidence [\\d.e+]+ ≥ 20 that the canary is worse$`,
          ),
        );
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 1 });
      });

      it('rolls back a canary that is worse, and production never changes', async () => {
        // A version that learned the opposite of the truth.
        const flipped = new LogisticRegression({ C: 1 }).fit(
          X(3624, 9000),
          Y(3624, 9000).map((y) => 1 - y),
        );
        await uploadModel(steward, 'elec2', flipped);
        const started = await api('POST', '/api/v1/models/elec2/rollouts', {
          version: 2,
          mode: 'canary',
          share: 0.5,
          minLabelled: 100,
        });
        expect(started.statusCode).toBe(201);
        await serve(9000, 9400);
        const served = await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER });
        const canaryShare = served.filter((r) => r.version === '2').length / served.length;
        expect(canaryShare).toBeGreaterThan(0.4);
        expect(canaryShare).toBeLessThan(0.6);
        const decided = (await api('POST', '/api/v1/rollouts/evaluate')).json().decided;
        expect(decided[0]).toMatchObject({ status: 'rolled-back', mode: 'canary' });
        expect(decided[0].decision.summary).toMatch(/worse than tolerance 0/);
        expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 1 });
        await serve(9400, 9500);
        const after = await queryPredictions(store.db, 'elec2', {
          from: ELEC2_START + 9400 * ELEC2_STEP,
          to: Number.MAX_SAFE_INTEGER,
        });
        expect(new Set(after.map((r) => r.version))).toEqual(new Set(['1']));
        expect(
          (await api('POST', '/api/v1/models/elec2/rollouts', { version: 1, mode: 'canary' })).statusCode,
        ).toBe(409);
      });
    },
  );
}
