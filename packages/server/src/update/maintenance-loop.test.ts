import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogisticRegression } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { SimulatedClock } from '../time/clock.js';

const DAY = 86_400_000;
const data = elec2Rows();
const initial = new LogisticRegression().fit(
  data.slice(0, 1344).map((r) => ELEC2_FEATURES.map((f) => r[f])),
  data.slice(0, 1344).map((r) => r.class),
);

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `the maintenance loop on a simulated clock, ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const clock = () => steward.context.clock as SimulatedClock;
      const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
        steward.app.inject({ method, url, ...(payload ? { payload } : {}) });
      const day = async (d: number) => {
        const from = 1344 + d * 48;
        const rows = data.slice(from, from + 48).map((r, i) => ({
          id: `r${from + i}`,
          time: ELEC2_START + (from + i) * ELEC2_STEP,
          features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
        }));
        expect((await api('POST', '/api/v1/models/elec2/predict', rows)).statusCode).toBe(200);
        const labels = rows.map((r, i) => ({ predictionId: r.id, label: data[from + i]?.class as number }));
        expect((await api('POST', '/api/v1/models/elec2/labels', labels)).statusCode).toBe(200);
      };

      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store, { clock: new SimulatedClock(ELEC2_START + 28 * DAY) });
        const spec = {
          ...ELEC2_MODEL,
          window: '1d',
          notifiers: [],
          update: {
            every: '7d',
            window: '14d',
            minRows: 100,
            learner: { kind: 'LogisticRegression' },
            gate: { mode: 'always' },
          },
        };
        expect((await api('PUT', '/api/v1/models/elec2', spec)).statusCode).toBeLessThan(300);
        expect((await uploadModel(steward, 'elec2', initial)).statusCode).toBe(201);
        expect((await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 })).statusCode).toBe(
          200,
        );
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('fires `every` on the simulated clock: a run a week, stamped with simulated times', async () => {
        const runs: number[] = [];
        for (let d = 0; d < 21; d++) {
          clock().set(ELEC2_START + (29 + d) * DAY);
          await day(d);
          const report = await steward.context.loop.tick(undefined, { awaitRuns: true });
          expect(report.at).toBe(ELEC2_START + (29 + d) * DAY);
          for (const run of report.runs) {
            expect(run.status).toBe('promoted');
            expect(run.startedAt).toBe(report.at);
            runs.push((run.startedAt - ELEC2_START) / DAY);
          }
        }
        // The model was created on day 28: its first run is due a week later, then one a week.
        expect(runs).toEqual([35, 42, 49]);
        // Runs page newest first, with a cursor while there may be more.
        const first = await api('GET', '/api/v1/models/elec2/updates?limit=2');
        const cursor = first.headers['x-next-cursor'] as string;
        expect(
          (first.json() as Array<{ startedAt: number }>).map((r) => (r.startedAt - ELEC2_START) / DAY),
        ).toEqual([49, 42]);
        const second = await api('GET', `/api/v1/models/elec2/updates?limit=2&cursor=${cursor}`);
        expect(
          (second.json() as Array<{ startedAt: number }>).map((r) => (r.startedAt - ELEC2_START) / DAY),
        ).toEqual([35]);
        expect(second.headers['x-next-cursor']).toBeUndefined();
        expect((await api('GET', '/api/v1/models/elec2/updates?cursor=nope')).statusCode).toBe(400);
        expect((await api('GET', '/api/v1/models/elec2/updates?limit=5000')).statusCode).toBe(400);
        const versions = (await api('GET', '/api/v1/models/elec2/versions')).json() as Array<{
          createdAt: number;
        }>;
        expect(versions.map((v) => (v.createdAt - ELEC2_START) / DAY).sort((a, b) => a - b)).toEqual([
          28, 35, 42, 49,
        ]);
      });

      it('ticks one at a time; without awaitRuns the worker drains the queue in the background', async () => {
        clock().set(ELEC2_START + 36 * DAY);
        for (let d = 0; d < 8; d++) await day(d);
        const [first, second] = await Promise.all([
          steward.context.loop.tick(),
          steward.context.loop.tick(undefined, { awaitRuns: true }),
        ]);
        expect(first.queued).toEqual(['elec2']);
        expect(first.runs).toEqual([]);
        // The second tick started after the first: it found the run queued by the first and waited for it.
        expect(second.queued).toEqual([]);
        expect(second.runs.map((r) => r.status)).toEqual(['promoted']);
        await steward.context.loop.idle();
        expect(((await api('GET', '/api/v1/models/elec2/updates')).json() as unknown[]).length).toBe(1);
      });

      it('refuses to move the clock back', () => {
        expect(() => clock().set(ELEC2_START)).toThrow(/cannot go back from 1996-06-04/);
      });
    },
  );
}

describe('steward worker (the built CLI)', () => {
  it('stays up on the default SQLite store until stopped, then exits 0', async () => {
    const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const db = join(mkdtempSync(join(tmpdir(), 'steward-worker-')), 'steward.db');
    const child = spawn(process.execPath, [main, 'worker', '--db', db, '--poll', '200ms'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r('running'), 3000))]);
    expect(early, output).toBe('running');
    expect(output).toMatch(/steward worker worker-\w+ polling every 200ms \(store: sqlite /);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
