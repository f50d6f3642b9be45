// Which gate, on real drift: Elec2 replayed by `steward backtest` (the real server and loop on a simulated clock),
// gradient boosting retrained every day on the last 28 days with labels a day late, the same policy under each gate
// mode (examples/elec2/daily.yaml with only `update.gate` changed), every one refitted after the pass and judged on
// the rows production has not seen. Reference, same run: the same retraining promoted without a gate (mode always)
// and the delay-matched baselines. Results: bench/results/gate-policies.json.
//   npx tsx bench/efficacy/gates.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtest } from '../../packages/server/src/backtest/run-backtest.js';
import { backtestSummary } from '../../packages/server/src/cli/commands/backtest.js';
import { DATASETS } from '../../packages/server/src/testing/datasets.js';
import { root, writeResults } from '../lib.js';

const DAY = 86_400_000;
const GATES: Record<string, string> = {
  'daily-always': '{ mode: always }',
  'daily-superiority': '{ mode: superiority }',
  'daily-nonInferiority': '{ mode: nonInferiority, margin: 0.01 }',
  'daily-notWorse': '{ mode: notWorse, margin: 0.01 }',
};

const daily = readFileSync(join(root, 'examples/elec2/daily.yaml'), 'utf8');
if (!daily.includes('gate: { mode: notWorse, margin: 0.01 }'))
  throw new Error('examples/elec2/daily.yaml no longer has the gate line this bench replaces');
const dir = mkdtempSync(join(tmpdir(), 'steward-gates-'));
try {
  const policies = Object.entries(GATES).map(([name, gate]) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, daily.replace('gate: { mode: notWorse, margin: 0.01 }', `gate: ${gate}`));
    return path;
  });
  const { report } = await backtest({
    data: DATASETS.elec2,
    history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7) },
    delay: { ms: DAY },
    cadence: { ms: DAY },
    train: { ms: 28 * DAY },
    policies,
  });
  console.log(backtestSummary(report));
  const { windows: _windows, ...summary } = report;
  writeResults(
    'gate-policies',
    {
      reference:
        'the same daily retraining promoted without a gate (daily-always) and the delay-matched baselines, same run',
    },
    {
      command:
        'steward backtest --data data/elec2.csv --label class --step 30m --start 1996-05-07 --delay 1d --cadence 1d --train 28d --policy <examples/elec2/daily.yaml with each gate>',
      gates: GATES,
      report: { ...summary, data: 'data/elec2.csv' },
    },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
