import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../monitor/model-catalog.js';
import { ELEC2_MODEL } from '../testing/elec2.js';
import { FULL, record } from '../testing/fault-mode.js';
import { killed, startSteward, storeFlags, until } from '../testing/processes.js';
import { PG_SKIP_REASON, type TestStore, testStores } from '../testing/test-stores.js';
import { JobQueue } from '../update/job-queue.js';

const JOBS = FULL ? 400 : 48;
const WORKERS = 3;

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => killed(c)));
});

describe.skipIf(PG_SKIP_REASON !== undefined)(
  `${WORKERS} steward worker processes on one PostgreSQL${PG_SKIP_REASON ? ` (${PG_SKIP_REASON})` : ''}`,
  () => {
    it(`run each of ${JOBS} short update jobs exactly once between them`, async () => {
      const target = testStores()[1] as TestStore;
      const store = await target.open();
      try {
        const catalog = new ModelCatalog(store);
        const queue = new JobQueue(store);
        const models = Math.ceil(JOBS / 4);
        for (let m = 0; m < models; m++)
          await catalog.put({
            ...ELEC2_MODEL,
            name: `m${m}`,
            update: { minRows: 10, learner: { kind: 'GaussianNB' } },
          });
        const { args, env } = storeFlags(target);
        for (let w = 0; w < WORKERS; w++) {
          const worker = await startSteward(['worker', ...args, '--poll', '20ms'], env, /polling every/);
          children.push(worker.child);
        }
        // Jobs keep coming while the workers run (a model has at most one queued or running: enqueue as they finish).
        const started = performance.now();
        let enqueued = 0;
        while (enqueued < JOBS) {
          const { created } = await queue.enqueue('update', `m${enqueued % models}`, {
            trigger: { kind: 'manual' },
          });
          if (created) enqueued++;
          else await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await until(
          async () =>
            (
              await store.db
                .selectFrom('jobs')
                .select('id')
                .where('status', 'in', ['queued', 'running'])
                .execute()
            ).length === 0,
          120_000,
          'every job to finish',
        );
        const seconds = (performance.now() - started) / 1000;
        const jobs = await store.db
          .selectFrom('jobs')
          .select(['id', 'status', 'attempts', 'locked_by'])
          .execute();
        const runs = await store.db.selectFrom('update_runs').select(['job_id']).execute();
        expect(jobs).toHaveLength(JOBS);
        expect(jobs.every((j) => j.status === 'succeeded' && Number(j.attempts) === 1)).toBe(true);
        expect(runs).toHaveLength(JOBS);
        expect(new Set(runs.map((r) => r.job_id)).size).toBe(JOBS);
        record('twoWorkers.postgres', {
          workers: WORKERS,
          jobs: JOBS,
          ranTwice: 0,
          seconds: Math.round(seconds * 10) / 10,
        });
      } finally {
        await store.close();
      }
    });
  },
);
