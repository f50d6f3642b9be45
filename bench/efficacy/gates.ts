// Which gate and which trigger, on real drift: Elec2 replayed by `steward backtest` (the real server and loop on a
// simulated clock), gradient boosting retrained on the last 28 days with labels a day late: the daily policy
// (examples/elec2/daily.yaml) under each gate mode, weekly candidates decided by a sequential shadow or canary on
// live traffic, and its notWorse gate under other triggers (a failing accuracy check, DDM), every one refitted after the pass and judged on the rows production has not seen. Reference, same run: the same retraining promoted without a gate (mode always)
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
const NOT_WORSE = 'gate: { mode: notWorse, margin: 0.01 }';
const DAILY = 'newLabels: 48';
const SHALLOW = '{ kind: GradientBoostingClassifier, params: { maxDepth: 3, maxLeafNodes: 8 } }';
const ACCURACY_CHECK =
  '      - { type: metric, name: accuracy-floor, metric: accuracy, min: 0.7, minLabels: 30, severity: critical }';
/** Each variant: what of examples/elec2/daily.yaml it changes (the gate, or the trigger with the gate kept). */
const VARIANTS: Record<string, Array<[string, string]>> = {
  'daily-always': [[NOT_WORSE, 'gate: { mode: always }']],
  'daily-superiority': [[NOT_WORSE, 'gate: { mode: superiority }']],
  'daily-nonInferiority': [[NOT_WORSE, 'gate: { mode: nonInferiority, margin: 0.01 }']],
  'daily-notWorse': [],
  // The same policy with scikit-learn's default trees (31 leaves, no depth limit) instead of the shallow ones.
  'daily-notWorse-31-leaves': [[SHALLOW, '{ kind: GradientBoostingClassifier }']],
  // Triggers under the same notWorse gate: a failing daily accuracy check, or DDM on the error stream.
  'accuracy-triggered-notWorse': [[DAILY, 'onFailingChecks: [accuracy-floor]']],
  // Weekly candidates decided on live traffic instead of held-out rows: every candidate passes the offline gate and
  // goes out as a shadow (or a canary to half the keys), promoted or rolled back by the sequential test.
  'weekly-shadow-sequential': [
    [DAILY, 'every: 7d'],
    [NOT_WORSE, 'gate: { mode: always }\n      rollout: { mode: shadow, decide: sequential }'],
  ],
  'weekly-canary-sequential': [
    [DAILY, 'every: 7d'],
    [NOT_WORSE, 'gate: { mode: always }\n      rollout: { mode: canary, share: 0.5, decide: sequential }'],
  ],
  'ddm-triggered-notWorse': [
    [DAILY, 'onFailingChecks: [ddm]'],
    [
      ACCURACY_CHECK,
      `${ACCURACY_CHECK}\n      - { type: detector, name: ddm, detector: DDM, severity: critical }`,
    ],
  ],
};

const daily = readFileSync(join(root, 'examples/elec2/daily.yaml'), 'utf8');
for (const from of [NOT_WORSE, DAILY, ACCURACY_CHECK, SHALLOW])
  if (!daily.includes(from))
    throw new Error(`examples/elec2/daily.yaml no longer has the line this bench changes: ${from}`);
const dir = mkdtempSync(join(tmpdir(), 'steward-gates-'));
try {
  const policies = Object.entries(VARIANTS).map(([name, changes]) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(
      path,
      changes.reduce((text, [from, to]) => text.replace(from, to), daily),
    );
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
      variants: Object.fromEntries(
        Object.entries(VARIANTS).map(([name, changes]) => [
          name,
          changes.map(([from, to]) => `${from} → ${to}`),
        ]),
      ),
      report: { ...summary, data: 'data/elec2.csv' },
    },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
