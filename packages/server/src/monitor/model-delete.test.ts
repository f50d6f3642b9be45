import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogisticRegression } from '@steward/core';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Predictions, elec2Rows } from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { UPDATE_JOB } from '../update/triggers.js';
import { MODEL_TABLES } from './model-catalog.js';

const rows = elec2Rows().slice(0, 336);
const artifact = () =>
  Buffer.from(
    JSON.stringify(
      new LogisticRegression()
        .fit(
          rows.map((r) => ELEC2_FEATURES.map((f) => r[f])),
          rows.map((r) => r.class),
        )
        .toJSON(),
    ),
  );

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `deleting a model on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      beforeEach(async () => {
        store = await target.open();
        steward = await createApp({
          store,
          artifactDir: mkdtempSync(join(tmpdir(), 'steward-delete-')),
          notifier: { log: () => {} },
          runJobs: false,
        });
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      const put = () =>
        steward.app.inject({ method: 'PUT', url: '/api/v1/models/elec2', payload: ELEC2_MODEL });

      /** Rows of model elec2 in each table that has a `model` column. */
      const owned = async () => {
        const tables = (await store.db.introspection.getTables()).filter((t) =>
          t.columns.some((c) => c.name === 'model'),
        );
        const counts: Record<string, number> = {};
        for (const t of tables) {
          const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(
            t.name,
          )} where model = 'elec2'`.execute(store.db);
          counts[t.name] = Number(rows[0]?.n ?? 0);
        }
        return counts;
      };

      it('removes everything the model owns in one go; created again, it has no version to serve', async () => {
        expect((await put()).statusCode).toBe(201);
        const predictions = elec2Predictions().slice(0, 48);
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: predictions.map(({ label: _l, ...p }) => p),
        });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          payload: predictions.map((p) => ({ predictionId: p.id, label: p.label })),
        });
        const { registry } = steward.context;
        await registry.register('elec2', artifact(), { actor: 'test' });
        await registry.register('elec2', artifact(), { actor: 'test', parent: 1 });
        await registry.promote('elec2', 1, 'production', { actor: 'test' });
        await registry.promote('elec2', 2, 'candidate', { actor: 'test' });
        await registry.logSteps('elec2', 2, [{ step: 1, metric: 'loss', value: 0.5 }]);
        await steward.context.jobs.enqueue(UPDATE_JOB, 'elec2', {
          trigger: { kind: 'manual', actor: 'test' },
        });
        const before = await owned();
        // Every kind of row the model owns is there to delete.
        for (const table of [
          'prediction_batches',
          'labels',
          'profiles',
          'versions',
          'aliases',
          'alias_history',
        ])
          expect(before[table], table).toBeGreaterThan(0);
        expect(before.jobs).toBeGreaterThan(0);

        expect((await steward.app.inject({ method: 'DELETE', url: '/api/v1/models/elec2' })).statusCode).toBe(
          204,
        );
        const after = await owned();
        const left = Object.entries(after).filter(([table, n]) => n > 0 && table !== 'audit_events');
        expect(left).toEqual([]);
        // Every table with a model column is cleared by the delete (a new one must be added to MODEL_TABLES).
        expect(
          Object.keys(after)
            .filter((t) => t !== 'audit_events')
            .sort(),
        ).toEqual(
          Object.keys(after)
            .filter((t) => (MODEL_TABLES as readonly string[]).includes(t))
            .sort(),
        );
        const audit = await registry.audit('elec2');
        expect(audit[0]?.action).toBe('delete-model');

        expect((await put()).statusCode).toBe(201);
        const versions = await steward.app.inject({ url: '/api/v1/models/elec2/versions' });
        expect(versions.json()).toEqual([]);
        const served = await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predict',
          payload: [{ features: predictions[0]?.features }],
        });
        expect(served.statusCode).toBe(409);
        expect(served.json().error.message).toMatch(/no production version/);
        expect((await steward.app.inject({ method: 'DELETE', url: '/api/v1/models/nope' })).statusCode).toBe(
          404,
        );
      });
    },
  );
}
