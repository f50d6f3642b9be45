import { StewardClient } from '@steward/client';
import { afterEach, describe, expect, it } from 'vitest';
import { windowStart } from '../monitor/ingestion.js';
import { ModelCatalog } from '../monitor/model-catalog.js';
import { timeWindows } from '../monitor/windows.js';
import type { JoinedPrediction } from '../spec/records.js';
import { openStore, type StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { ELEC2_MODEL, elec2Predictions } from '../testing/elec2.js';
import { FULL, record } from '../testing/fault-mode.js';
import { freePort, killed, startSteward, storeFlags } from '../testing/processes.js';
import { testStores } from '../testing/test-stores.js';
import { computeMetrics } from '../window-state/window-metrics.js';
import { WindowProfile } from '../window-state/window-profile.js';

const PREDICTIONS = FULL ? 120_000 : 12_000;
const KILLS = FULL ? 3 : 1;
const CLIENTS = 4;
const BATCH = 500;
const source = elec2Predictions();

// Row k: Elec2's row k mod n with a fresh id, one every 30 s from 2024-01-01, so windows hold many rows.
function row(k: number) {
  const { label, ...p } = source[k % source.length] as (typeof source)[number];
  return { prediction: { ...p, id: `p${k}`, time: Date.UTC(2024, 0, 1) + k * 30_000 }, label };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `kill -9 of the server during sustained ingestion, ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      it(`keeps every acknowledged prediction and label, none twice, and windows equal to their rows (${PREDICTIONS} predictions, ${KILLS} kill${KILLS > 1 ? 's' : ''})`, async () => {
        const store: StoreConnection = await target.open();
        cleanup.push(() => store.close());
        await new ModelCatalog(store).put({ ...ELEC2_MODEL, window: '1h' });
        const port = await freePort();
        const { args, env } = storeFlags(target);
        const start = () =>
          startSteward(
            ['serve', ...args, '--port', String(port), '--check-interval', '1h'],
            env,
            /listening on/,
          );
        let server = await start();
        cleanup.push(() => killed(server.child));
        const client = new StewardClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 10_000 });

        let retries = 0;
        // Each batch is sent until it is acknowledged (a retry after a crash may find it stored: ids are idempotent).
        const send = async (call: () => Promise<unknown>) => {
          for (;;) {
            try {
              return await call();
            } catch {
              retries++;
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
        };
        const acknowledged = { predictions: 0, labels: 0 };
        const batches = Math.ceil(PREDICTIONS / BATCH);
        let next = 0;
        const clients = Array.from({ length: CLIENTS }, async () => {
          for (let b = next++; b < batches; b = next++) {
            const rows = Array.from({ length: BATCH }, (_, i) => row(b * BATCH + i));
            await send(() =>
              client.logPredictions(
                'elec2',
                rows.map((r) => r.prediction),
              ),
            );
            acknowledged.predictions += rows.length;
            // Labels of this batch, late: they join predictions that are stored by now.
            await send(() =>
              client.logLabels(
                'elec2',
                rows.map((r) => ({
                  predictionId: r.prediction.id,
                  label: r.label,
                  time: r.prediction.time + 60_000,
                })),
              ),
            );
            acknowledged.labels += rows.length;
          }
        });
        const kills: number[] = [];
        const killer = (async () => {
          for (let k = 1; k <= KILLS; k++) {
            const at = (PREDICTIONS * k) / (KILLS + 1);
            while (acknowledged.predictions < at) await new Promise((resolve) => setTimeout(resolve, 5));
            await killed(server.child, 'SIGKILL');
            kills.push(acknowledged.predictions);
            await new Promise((resolve) => setTimeout(resolve, 100));
            server = await start();
          }
        })();
        const started = performance.now();
        await Promise.all([...clients, killer]);
        const seconds = (performance.now() - started) / 1000;
        await killed(server.child, 'SIGTERM');
        expect(acknowledged).toEqual({ predictions: batches * BATCH, labels: batches * BATCH });

        const after = await openStore(target.lastUrl as { url: string; schema?: string });
        cleanup.push(() => after.close());
        const stored = await queryPredictions(after.db, 'elec2', {
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
          features: true,
        });
        const ids = new Set(stored.map((r) => r.id));
        // Every acknowledged row is there, none twice, and every label joined its prediction.
        expect(ids.size).toBe(batches * BATCH);
        expect(stored).toHaveLength(batches * BATCH);
        expect(stored.filter((r) => r.label !== null)).toHaveLength(batches * BATCH);
        const labels = await after.db
          .selectFrom('labels')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(labels.n)).toBe(batches * BATCH);

        // Windows and profiles equal a recomputation from the stored rows.
        const spec = (await new ModelCatalog(after).get('elec2'))?.spec as NonNullable<
          Awaited<ReturnType<ModelCatalog['get']>>
        >['spec'];
        const windows = await timeWindows(after, spec, { from: 0, to: Date.UTC(2030, 0), metrics: true });
        const byWindow = new Map<number, JoinedPrediction[]>();
        for (const r of stored) {
          const start = windowStart(r.time, spec.window);
          byWindow.set(start, [...(byWindow.get(start) ?? []), r]);
        }
        expect(windows.map((w) => w.start)).toEqual([...byWindow.keys()].sort((a, b) => a - b));
        // Counts and sketches merge exactly; float sums across shards (a restart starts a new one) only to rounding.
        const strip = (p: unknown) =>
          JSON.parse(
            JSON.stringify(p, (k, v) =>
              (k === 'sum' || k === 'mean') && typeof v === 'number' ? Number(v.toPrecision(12)) : v,
            ),
          );
        for (const w of windows) {
          const rows = byWindow.get(w.start) as JoinedPrediction[];
          expect(w.count).toBe(rows.length);
          expect(w.labelled).toBe(rows.length);
          const recomputed = computeMetrics(spec, rows);
          expect(Object.keys(w.metrics).sort()).toEqual(Object.keys(recomputed).sort());
          for (const [name, value] of Object.entries(recomputed))
            expect(w.metrics[name as keyof typeof w.metrics]).toBeCloseTo(value as number, 12);
          const rebuilt = new WindowProfile(spec);
          for (const r of rows) rebuilt.add({ ...r, version: r.version, features: r.features as never });
          expect(strip(w.profile)).toEqual(strip(rebuilt));
        }
        record(`ingestKill.${target.name}`, {
          predictions: batches * BATCH,
          labels: batches * BATCH,
          kills: kills.length,
          killedAfterAcknowledged: kills,
          retriedCalls: retries,
          lost: 0,
          duplicates: stored.length - ids.size,
          windowsChecked: windows.length,
          seconds: Math.round(seconds * 10) / 10,
        });
      });
    },
  );
}
