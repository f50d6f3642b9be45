// What maintenance buys on Elec2: the `npm start` replay, headless, once per strategy over the whole stream
// (version 1 on the first 28 days, then 916 days of traffic, labels a day late). Reports prequential accuracy
// beside the strategy's own never-updated version 1 and the no-change baseline (the ratios), the update runs and
// their CPU time. Results: bench/results/efficacy.json.
//   npm run bench:efficacy            (BENCH_DAYS=200 for a shorter stream, BENCH_STRATEGIES=static,tune to pick)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElec2 } from '../../packages/server/src/demo/elec2-data.js';
import { type ReplaySummary, replayElec2 } from '../../packages/server/src/demo/elec2-replay.js';
import { startReplayServer } from '../../packages/server/src/demo/replay-server.js';
import { REPLAY_STRATEGIES } from '../../packages/server/src/demo/replay-strategies.js';
import { root, writeResults } from '../lib.js';

const rows = readElec2(join(root, 'data/elec2.csv'));
const days = process.env.BENCH_DAYS ? Number(process.env.BENCH_DAYS) : undefined;
const names = process.env.BENCH_STRATEGIES?.split(',') ?? Object.keys(REPLAY_STRATEGIES);
const results: Array<ReplaySummary & { learner: string; description: string }> = [];

for (const name of names) {
  const strategy = REPLAY_STRATEGIES[name];
  if (!strategy)
    throw new Error(`unknown strategy ${name}: one of ${Object.keys(REPLAY_STRATEGIES).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'steward-efficacy-'));
  const server = await startReplayServer({ db: join(dir, 'replay.db'), artifactDir: join(dir, 'artifacts') });
  try {
    const summary = await replayElec2({
      app: server.app,
      client: server.client,
      rows,
      strategy,
      ...(days ? { days } : {}),
    });
    results.push({ ...summary, learner: strategy.initial, description: strategy.description });
    const a = summary.accuracy;
    console.log(
      `${name.padEnd(14)} ${strategy.initial.padEnd(27)} accuracy ${a.maintained.toFixed(4)} (×${(a.maintained / a.static).toFixed(3)} of its static v1 ${a.static.toFixed(4)}, ×${(a.maintained / a.noChange).toFixed(3)} of no-change ${a.noChange.toFixed(4)}) updates ${summary.updates.promoted}/${summary.updates.runs} promoted, ${(summary.updateCpuMs / 1000).toFixed(1)} s CPU, ${(summary.wallMs / 1000).toFixed(1)} s wall`,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

writeResults(
  'efficacy',
  {
    reference:
      'ratios: maintained accuracy / the same strategy’s never-updated version 1, and / the no-change baseline (previous label)',
  },
  {
    stream: { rows: rows.length, trainDays: 28, labelDelayDays: 1, days: days ?? 'all' },
    published: {
      noChange: 0.85,
      adaptiveRandomForest: '0.88–0.89',
      note: 'test-then-train with each label available at once (data/README.md)',
    },
    results: results.map((r) => ({
      strategy: r.strategy,
      learner: r.learner,
      description: r.description,
      rows: r.rows,
      accuracy: r.accuracy,
      ratioToStatic: r.accuracy.maintained / r.accuracy.static,
      ratioToNoChange: r.accuracy.maintained / r.accuracy.noChange,
      updates: r.updates,
      updateCpuSeconds: r.updateCpuMs / 1000,
      wallSeconds: r.wallMs / 1000,
    })),
  },
);
