import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StewardClient } from '@steward/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCatalog } from './monitor/model-catalog.js';
import { queryPredictions } from './store/prediction-reads.js';
import { ELEC2_MODEL, type Elec2Prediction, elec2Predictions } from './testing/elec2.js';
import { type ServerProcess, startServer } from './testing/server-process.js';
import { PG_SKIP_REASON, type TestStore, testStores } from './testing/test-stores.js';

const predictions = elec2Predictions();
const asRow = ({ label: _label, ...p }: Elec2Prediction) => p;
const storeArgs = (target: TestStore) => {
  const url = target.lastUrl as { url: string; schema?: string };
  return { args: ['--db', url.url], env: url.schema ? { PGOPTIONS: `-c search_path=${url.schema}` } : {} };
};

const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
});

// Kill -9 during ingestion and of a worker mid-run: see faults/.

describe.skipIf(PG_SKIP_REASON !== undefined)(
  `two steward processes on one PostgreSQL${PG_SKIP_REASON ? ` (${PG_SKIP_REASON})` : ''}`,
  () => {
    it('give the same window figures as one process', async () => {
      const target = testStores()[1] as TestStore;
      const rows = predictions.slice(0, 48 * 20);
      const labels = rows.map((p) => ({ predictionId: p.id, label: p.label, time: p.time + 3_600_000 }));
      const figures: unknown[] = [];
      for (const processes of [1, 2]) {
        const store = await target.open();
        await new ModelCatalog(store).put(ELEC2_MODEL);
        const { args, env } = storeArgs(target);
        const started = await Promise.all(Array.from({ length: processes }, () => startServer(args, env)));
        servers.push(...started);
        const clients = started.map((s) => new StewardClient({ url: s.url }));
        // Interleaved batches; each label batch goes to a different process than its predictions.
        await Promise.all(
          Array.from({ length: rows.length / 48 }, async (_, b) => {
            const chunk = rows.slice(b * 48, (b + 1) * 48);
            await (clients[b % processes] as StewardClient).logPredictions('elec2', chunk.map(asRow));
            await (clients[(b + 1) % processes] as StewardClient).logLabels(
              'elec2',
              labels.slice(b * 48, (b + 1) * 48),
            );
          }),
        );
        const windows = await (clients[0] as StewardClient).windows('elec2', {
          from: 0,
          to: Date.UTC(2001, 0),
          size: '2d',
        });
        figures.push(windows);
        if (processes === 2) {
          // One shard a process (with its side shard of late rows: the batches arrive out of order).
          const shards = await store.db.selectFrom('profiles').select('shard').distinct().execute();
          expect(new Set(shards.map((r) => r.shard.replace(/~late$/, ''))).size).toBe(2);
        }
        await Promise.all(started.map((s) => s.stop()));
        await store.close();
      }
      const [one, two] = figures as Array<
        Array<{ count: number; labelled: number; metrics: Record<string, number>; profile: unknown }>
      >;
      expect(one?.reduce((n, w) => n + w.count, 0)).toBe(rows.length);
      expect(two?.map((w) => [w.count, w.labelled, w.metrics])).toEqual(
        one?.map((w) => [w.count, w.labelled, w.metrics]),
      );
      // Quantiles and counts merge exactly; only float sums (the mean) may differ in the last bits.
      const strip = (w: { profile: unknown }) =>
        JSON.parse(JSON.stringify(w.profile, (k, v) => (k === 'mean' ? undefined : v)));
      expect(two?.map(strip)).toEqual(one?.map(strip));
    });
  },
);

describe('steward serve and the SDK as separate processes', () => {
  it('requires tokens when listening beyond loopback', async () => {
    const target = testStores()[0] as TestStore;
    const store = await target.open();
    try {
      const server = await startServer([
        '--db',
        (target.lastUrl as { url: string }).url,
        '--host',
        '0.0.0.0',
      ]);
      servers.push(server);
      expect(server.output()).toMatch(/auth required/);
      expect(server.output()).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+ \(every interface\)/);
      expect(server.output()).toMatch(/none exists: create one with `steward token create/);
      const url = server.url.replace('0.0.0.0', '127.0.0.1');
      const response = await fetch(`${url}/api/v1/models`);
      expect(response.status).toBe(401);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await store.close();
    }
  });

  it('flushes what a PredictionLogger buffered when the process exits without close()', async () => {
    const target = testStores()[0] as TestStore;
    const store = await target.open();
    try {
      await new ModelCatalog(store).put(ELEC2_MODEL);
      const server = await startServer(['--db', (target.lastUrl as { url: string }).url]);
      servers.push(server);
      const client = fileURLToPath(new URL('../../client/dist/index.js', import.meta.url));
      const rows = predictions.slice(0, 25).map(asRow);
      const script = `
        const { StewardClient, PredictionLogger } = await import(${JSON.stringify(client)});
        const logger = new PredictionLogger(new StewardClient({ url: ${JSON.stringify(server.url)} }), 'elec2', { flushIntervalMs: 60000 });
        for (const row of ${JSON.stringify(rows)}) logger.log(row);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
      expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
      const stored = await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER });
      expect(stored.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    } finally {
      await store.close();
    }
  });
});

describe('steward serve runs update jobs on a thread of its own', () => {
  it('keeps answering requests while a run trains', async () => {
    const target = testStores()[0] as TestStore;
    const store = await target.open();
    try {
      await new ModelCatalog(store).put({
        ...ELEC2_MODEL,
        update: {
          minRows: 100,
          window: '3650d',
          learner: { kind: 'GradientBoostingClassifier', params: { maxIter: 1000, earlyStopping: false } },
        },
      });
      const server = await startServer(['--db', (target.lastUrl as { url: string }).url]);
      servers.push(server);
      const client = new StewardClient({ url: server.url });
      const rows = predictions.slice(0, 20_000);
      for (let s = 0; s < rows.length; s += 5000) {
        await client.logPredictions('elec2', rows.slice(s, s + 5000).map(asRow));
        await client.logLabels(
          'elec2',
          rows.slice(s, s + 5000).map((p) => ({ predictionId: p.id, label: p.label })),
        );
      }
      await client.startUpdate('elec2');
      let slowest = 0;
      let runs: Awaited<ReturnType<typeof client.listUpdates>> = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const started = performance.now();
        const health = await fetch(`${server.url}/healthz`);
        slowest = Math.max(slowest, performance.now() - started);
        expect(health.status).toBe(200);
        runs = await client.listUpdates('elec2');
        if (runs[0]?.finishedAt) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(runs[0]?.status).toBe('promoted');
      const train = runs[0]?.steps.find((s) => s.name === 'train');
      // The training took long enough to be felt, yet no request waited for it.
      expect(train?.seconds).toBeGreaterThan(0.3);
      expect(slowest).toBeLessThan(train?.seconds ? (train.seconds * 1000) / 2 : 0);
    } finally {
      await store.close();
    }
  });
});
