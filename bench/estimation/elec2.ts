// CBPE where it should fail: Elec2 (its concept drifts), on the whole demo's store (built by bench/dashboard or
// `steward demo --exit --store DIR`): per daily window, the accuracy estimated without labels (calibrated on the
// newest labelled predictions) against the realized accuracy. Adds `elec2` to bench/results/estimation.json.
//   DEMO_STORE=DIR npx tsx bench/estimation/elec2.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../packages/server/src/testing/server-process.js';
import { root } from '../lib.js';

const dir = process.env.DEMO_STORE;
if (!dir)
  throw new Error(
    'DEMO_STORE=DIR: a folder holding the demo store (scheduled.db); build it with bench/dashboard',
  );
const server = await startServer(['--db', join(dir, 'scheduled.db')]);
try {
  const response = await fetch(
    new URL(`/api/v1/models/elec2/estimated?from=0&to=${Date.UTC(2100, 0)}`, server.url),
  );
  const body = (await response.json()) as {
    calibration: { rows: number; from: string; to: string };
    windows: Array<{
      estimated: { accuracy: number; accuracyStandardError: number } | null;
      realized: { accuracy: number } | null;
    }>;
  };
  const judged = body.windows.filter((w) => w.estimated && w.realized);
  const errors = judged.map((w) =>
    Math.abs((w.estimated?.accuracy as number) - (w.realized?.accuracy as number)),
  );
  const covered = judged.filter(
    (w) =>
      Math.abs((w.estimated?.accuracy as number) - (w.realized?.accuracy as number)) <=
      1.96 * (w.estimated?.accuracyStandardError as number),
  ).length;
  const elec2 = {
    windows: judged.length,
    calibration: body.calibration,
    meanAbsoluteError: Math.round((errors.reduce((a, b) => a + b, 0) / errors.length) * 1e4) / 1e4,
    bandCoverage: Math.round((covered / judged.length) * 1000) / 1000,
  };
  console.log(elec2);
  const file = join(root, 'bench/results/estimation.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...results, elec2 }, null, 2)}\n`);
} finally {
  await server.stop();
}
