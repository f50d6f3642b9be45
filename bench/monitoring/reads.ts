// Window reads at production scale: a store holding 10^5, then 10^6 labelled predictions arriving at one rate
// (10^6 a year, a prediction every 31.5 s: five weeks of history, then a year), 1-hour windows, and a dashboard's
// read of the last two days' metrics and windows with profiles, through the HTTP API in process. Reference, in the same run: the same two days' metrics computed the way reads did before window
// states, from the raw prediction–label join. The read should not grow with the rows stored.
// Results: bench/results/monitoring-reads.json.          npx tsx bench/monitoring/reads.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../packages/server/src/http/app.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { latestLabelledTime, queryPredictions } from '../../packages/server/src/store/prediction-reads.js';
import { SimulatedClock } from '../../packages/server/src/time/clock.js';
import { computeMetrics } from '../../packages/server/src/window-state/window-metrics.js';
import { writeResults } from '../lib.js';
import { STEP, storeLabelledHistory, YEAR } from './labelled-history.js';

const START = Date.UTC(2025, 0, 1);
const sizes = (process.env.BENCH_ROWS ?? '100000,1000000').split(',').map(Number);

function timed(runs: number, work: () => Promise<unknown>) {
  return (async () => {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await work();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return {
      best: round(ms[0] as number),
      median: round(ms[Math.floor(ms.length / 2)] as number),
      worst: round(ms.at(-1) as number),
    };
  })();
}
const round = (x: number) => Math.round(x * 100) / 100;

const results = [];
for (const rows of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'steward-monitoring-reads-'));
  const store = await openStore({ url: join(dir, 'reads.db') });
  const steward = await createApp({
    store,
    clock: new SimulatedClock(START + YEAR + 86_400_000),
    artifactDir: join(dir, 'a'),
    notifier: { log: () => {} },
  });
  try {
    const loadStarted = performance.now();
    await storeLabelledHistory(steward, 'm', rows, START);
    const model = (await steward.context.catalog.get('m')) as NonNullable<
      Awaited<ReturnType<typeof steward.context.catalog.get>>
    >;
    const step = STEP;
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const to = START + Math.floor(rows * step);
    const from = to - 2 * 86_400_000;
    const get = async (path: string) => {
      const response = await steward.app.inject({ url: `/api/v1/models/m/${path}?from=${from}&to=${to}` });
      if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
      return response;
    };
    const metrics = await timed(20, () => get('metrics'));
    const windows = await timed(20, () => get('windows'));
    const rawJoin = await timed(5, async () => {
      const joined = await queryPredictions(store.db, 'm', { from, to, labelled: true });
      for (let w = from; w < to; w += 3_600_000)
        computeMetrics(
          model.spec,
          joined.filter((r) => r.time >= w && r.time < w + 3_600_000),
        );
    });
    // Where an update run's training window ends: the latest labelled prediction.
    const latestLabelled = await timed(20, () => latestLabelledTime(store.db, 'm'));
    // How it was found before (every label joined with its batch): the same answer from the whole history.
    const latestByJoin = await timed(3, () =>
      store.db
        .selectFrom('labels as l')
        .innerJoin('prediction_ids as i', (j) =>
          j.onRef('i.model', '=', 'l.model').onRef('i.id', '=', 'l.prediction_id'),
        )
        .innerJoin('prediction_batches as b', 'b.seq', 'i.batch')
        .select(['b.seq', 'b.max_time'])
        .distinct()
        .where('l.model', '=', 'm')
        .orderBy('b.max_time', 'desc')
        .execute(),
    );
    const shown = (await get('metrics')).json() as Array<{ labelled: number }>;
    const entry = {
      labelledPredictions: rows,
      windowsRead: shown.length,
      labelledInRead: shown.reduce((n, w) => n + w.labelled, 0),
      loadSeconds: round(loadSeconds),
      metricsMs: metrics,
      windowsWithProfilesMs: windows,
      rawJoinMs: rawJoin,
      ratioRawJoinToMetrics: round(rawJoin.median / metrics.median),
      latestLabelledMs: latestLabelled,
      latestLabelledByWholeJoinMs: latestByJoin,
    };
    console.log(JSON.stringify(entry));
    results.push(entry);
  } finally {
    await steward.app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

writeResults(
  'monitoring-reads',
  {
    reference:
      'ratio: the same two days of metrics from the raw prediction–label join (how reads worked before window states) / the metrics read',
  },
  { results },
);
