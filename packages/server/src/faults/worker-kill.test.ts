import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogisticRegression } from '@steward/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Predictions, elec2Rows } from '../testing/elec2.js';
import { record } from '../testing/fault-mode.js';
import { alive, killed, startSteward, storeFlags, until } from '../testing/processes.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { JobQueue } from '../update/job-queue.js';

// First attempt: the trainer hangs (a long fine-tune). Second: it hands back production's own file, which the gate
// rejects (no better), so production must stay version 1 whatever happened.
const TRAINER = `
const fs = require('node:fs');
const [, , dataset, output, production, marker] = process.argv;
if (!fs.existsSync(marker)) { fs.writeFileSync(marker, String(process.pid)); setInterval(() => {}, 1000); }
else fs.copyFileSync(production, output);
`;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `kill -9 of a worker mid-run, ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      it('closes the dead attempt as failed, kills its trainer, retries on another worker, leaves production alone', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'steward-faults-'));
        const script = join(dir, 'train.cjs');
        const marker = join(dir, 'first-attempt.pid');
        writeFileSync(script, TRAINER);
        const store: StoreConnection = await target.open();
        cleanup.push(() => store.close());
        const artifacts = join(dir, 'artifacts');
        const steward = await testApp(store, { artifactDir: artifacts });
        cleanup.push(() => steward.app.close());
        const spec = {
          ...ELEC2_MODEL,
          notifiers: [],
          update: {
            strategy: 'external',
            command: [process.execPath, script, '{dataset}', '{output}', '{production}', marker],
            minRows: 10,
            window: '365d',
          },
        };
        expect(
          (await steward.app.inject({ method: 'PUT', url: '/api/v1/models/elec2', payload: spec }))
            .statusCode,
        ).toBeLessThan(300);
        const rows = elec2Rows();
        const v1 = new LogisticRegression().fit(
          rows.slice(0, 500).map((r) => ELEC2_FEATURES.map((f) => r[f])),
          rows.slice(0, 500).map((r) => r.class),
        );
        expect((await uploadModel(steward, 'elec2', v1)).statusCode).toBe(201);
        await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/aliases/production',
          payload: { version: 1 },
        });
        const labelled = elec2Predictions().slice(0, 300);
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/predictions',
          payload: labelled.map(({ label: _l, ...p }) => p),
        });
        await steward.app.inject({
          method: 'POST',
          url: '/api/v1/models/elec2/labels',
          payload: labelled.map((p) => ({ predictionId: p.id, label: p.label })),
        });
        const { job } = await new JobQueue(store).enqueue('update', 'elec2', { trigger: { kind: 'manual' } });

        const { args, env: storeEnv } = storeFlags(target);
        const env = { ...storeEnv, STEWARD_ARTIFACTS: artifacts };
        const flags = [...args, '--poll', '100ms', '--lease', '2s'];
        const first = await startSteward(['worker', ...flags], env, /polling every/);
        cleanup.push(() => killed(first.child));
        await until(() => existsSync(marker), 30_000, 'the first attempt to start its trainer');
        const trainer = Number(readFileSync(marker, 'utf8'));
        expect(alive(trainer)).toBe(true);
        await killed(first.child, 'SIGKILL');
        const killedAt = Date.now();
        // The trainer dies with its worker: its guard sees the pipe close.
        await until(() => !alive(trainer), 5_000, 'the orphaned trainer to die');
        const trainerDiedAfter = Date.now() - killedAt;
        const stuck = await store.db.selectFrom('update_runs').selectAll().execute();
        expect(stuck.map((r) => r.status)).toEqual(['running']);

        const second = await startSteward(['worker', ...flags], env, /polling every/);
        cleanup.push(() => killed(second.child));
        await until(
          async () =>
            (await store.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirst())
              ?.status === 'succeeded',
          30_000,
          'the retried job to finish',
        );
        const retriedAfter = Date.now() - killedAt;
        const runs = await store.db
          .selectFrom('update_runs')
          .selectAll()
          .where('job_id', '=', job.id)
          .orderBy('started_at')
          .execute();
        expect(runs.map((r) => r.status)).toEqual(['failed', 'rejected']);
        expect(runs[0]?.outcome).toMatch(
          /the worker running it stopped before it finished \(its lease expired\)/,
        );
        expect(runs[0]?.finished_at).not.toBeNull();
        expect(runs[1]?.outcome).toMatch(/gate rejected version 2: .*production stays 1/);
        const production = await steward.context.registry.resolve('elec2', 'production');
        expect(production?.version).toBe(1);
        const attempts = await store.db
          .selectFrom('jobs')
          .select('attempts')
          .where('id', '=', job.id)
          .executeTakeFirst();
        expect(Number(attempts?.attempts)).toBe(2);
        record(`workerKill.${target.name}`, {
          trainerDiedAfterMs: trainerDiedAfter,
          retriedAndFinishedAfterMs: retriedAfter,
          lease: '2s',
          runs: runs.map((r) => r.status),
          productionVersion: production?.version,
        });
      });
    },
  );
}
