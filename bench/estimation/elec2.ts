// CBPE where it should fail: Elec2, whose concept drifts. The demo's policy replayed by `steward backtest` (the same
// loop, store and API as production on a simulated clock); as each daily window closes, the replay reads the accuracy
// the server estimates without labels, calibrated on the labels it has by then, and the backtest compares it with the
// realized accuracy once the labels are in. Adds `elec2` to bench/results/estimation.json.
//   npx tsx bench/estimation/elec2.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimationSummary } from '../../packages/server/src/backtest/report-table.js';
import { backtest } from '../../packages/server/src/backtest/run-backtest.js';
import { DATASETS } from '../../packages/server/src/testing/datasets.js';
import { root } from '../lib.js';

const DAY = 86_400_000;
const { report } = await backtest({
  data: DATASETS.elec2,
  history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7) },
  delay: { ms: DAY },
  cadence: { ms: DAY },
  train: { ms: 28 * DAY },
  policies: [join(root, 'examples/elec2/scheduled.yaml')],
  ungated: false,
});
const policy = report.strategies[0];
if (!policy?.estimation) throw new Error('the backtest reported no estimation for the demo policy');
for (const line of estimationSummary(report)) console.log(line);
const elec2 = {
  command:
    'steward backtest --data data/elec2.csv --label class --step 30m --start 1996-05-07 --delay 1d --cadence 1d --train 28d --policy examples/elec2/scheduled.yaml',
  accuracy: policy.metrics.accuracy,
  ...policy.estimation,
};
const file = join(root, 'bench/results/estimation.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
writeFileSync(file, `${JSON.stringify({ ...results, elec2 }, null, 2)}\n`);
