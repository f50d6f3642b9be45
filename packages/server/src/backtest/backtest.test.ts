import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { steward } from '../cli/test-helpers.js';
import type { ModelSpec } from '../spec/model-spec.js';
import { openStore } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { DATASETS, numericColumn } from '../testing/datasets.js';
import { historyLabelFeatures } from './history-label-features.js';
import { prepareBacktest } from './plan.js';
import type { BacktestReport } from './run-backtest.js';
import { backtest } from './run-backtest.js';

const root = new URL('../../../../', import.meta.url);
const elec2 = DATASETS.elec2;
const demoPolicy = fileURLToPath(new URL('examples/elec2/drift-retrain.yaml', root));
const irregular = fileURLToPath(new URL('./fixtures/irregular.csv', import.meta.url));
const elec2Flags = ['--data', elec2, '--label', 'class', '--step', '30m', '--start', '1996-05-07'];
const DAY = 86_400_000;

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'steward-backtest-test-'));
}

describe('steward backtest', () => {
  it('replays the demo policy through the loop and prints it beside the four delay-matched baselines (--json)', async () => {
    const store = folder();
    const { code, stdout, stderr } = await steward(
      'backtest',
      ...elec2Flags,
      '--delay',
      '1d',
      '--cadence',
      '1d',
      '--train',
      '28d',
      '--rows',
      String(48 * (28 + 60)),
      '--policy',
      demoPolicy,
      '--store',
      store,
      '--json',
    );
    expect(stderr).not.toMatch(/steward:/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as BacktestReport;
    expect(report.rows).toBe(48 * 60);
    expect(report.delay).toBe('1d');
    expect(report.strategies.map((s) => [s.name, s.kind])).toEqual([
      ['drift-retrain', 'policy'],
      ['static', 'baseline'],
      ['no-change', 'baseline'],
      ['seasonal-naive', 'baseline'],
      ['scheduled-ungated', 'baseline'],
    ]);
    const [policy, fixed, still, seasonal, ungated] = report.strategies;
    // The loop ran for real: runs started by failing checks, judged by the gate, some promoted.
    expect(policy?.runs?.started).toBeGreaterThan(3);
    expect(policy?.runs?.promoted).toBeGreaterThan(0);
    expect((policy?.runs?.promoted ?? 0) + (policy?.runs?.rejected ?? 0)).toBeLessThanOrEqual(
      policy?.runs?.started ?? 0,
    );
    expect(policy?.cpuSeconds).toBeGreaterThan(0);
    expect(policy?.versionChanges?.[0]).toEqual({ time: Date.UTC(1996, 5, 4), version: 1 });
    expect(policy?.metrics.accuracy).toBeGreaterThan((fixed?.metrics.accuracy ?? 1) + 0.03);
    // Without a gate every trained candidate is promoted.
    expect(ungated?.runs?.promoted).toBe((ungated?.runs?.started ?? 0) - (ungated?.runs?.skipped ?? 0));
    // No-change under a one-day delay is the label 48 half-hours before, computed here from the CSV.
    const labels = numericColumn('elec2', 'class');
    let hits = 0;
    for (let i = 48 * 28; i < 48 * 88; i++) if (labels[i] === labels[i - 48]) hits++;
    expect(still?.metrics.accuracy).toBeCloseTo(hits / (48 * 60), 12);
    expect(report.period).toBe('1d');
    expect(seasonal?.metrics.accuracy).toBeCloseTo(hits / (48 * 60), 12);
    // Only the backtest's own folder was written: one store per replay.
    expect(readdirSync(store).sort()).toEqual(
      expect.arrayContaining(['drift-retrain.db', 'scheduled-ungated.db', 'drift-retrain-artifacts']),
    );
    expect(report.windows.values['drift-retrain']).toHaveLength(report.windows.start.length);
  });

  it('fires `every` schedules and decides shadow rollouts on the simulated clock', async () => {
    const dir = folder();
    const policy = join(dir, 'shadowed.yaml');
    writeFileSync(
      policy,
      [
        'task: binary',
        'window: 1d',
        'update:',
        '  every: 5d',
        '  window: 14d',
        '  minRows: 200',
        '  learner: { kind: LogisticRegression }',
        '  gate: { mode: always }',
        '  rollout: { mode: shadow, minLabelled: 96 }',
      ].join('\n'),
    );
    const { report } = await backtest({
      data: elec2,
      history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7), limit: 48 * 70 },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 14 * DAY },
      policies: [policy],
      ungated: false,
      jobs: 1,
      storeDir: join(dir, 'stores'),
    });
    const shadowed = report.strategies[0];
    // 56 days after training, a run every 5 days: about 11, each rolling out as a shadow first.
    expect(shadowed?.runs?.started).toBeGreaterThanOrEqual(9);
    expect(shadowed?.runs?.rollingOut).toBeGreaterThanOrEqual(9);
    const decided = (shadowed?.rollouts?.promoted ?? 0) + (shadowed?.rollouts?.rolledBack ?? 0);
    expect(decided).toBeGreaterThanOrEqual(5);
    // A shadow promoted in its rollout changes the version that answers.
    expect(shadowed?.versionChanges?.length).toBe(1 + (shadowed?.rollouts?.promoted ?? 0));
  });

  it('serves label features from the labels the server had by each row, the same values version 1 trained on', async () => {
    const dir = folder();
    const policy = join(dir, 'label-history.yaml');
    writeFileSync(
      policy,
      [
        'task: binary',
        'window: 1d',
        'features:',
        ...['period', 'nswprice', 'nswdemand', 'vicprice', 'vicdemand', 'transfer'].map(
          (name) => `  - { name: ${name}, type: numeric }`,
        ),
        '  - { name: upYesterday, type: numeric, fromLabels: { kind: samePeriod, period: 1d } }',
        '  - { name: upShare, type: numeric, fromLabels: { kind: rate, last: 48 } }',
        'update:',
        '  every: 7d',
        '  window: 14d',
        '  minRows: 200',
        '  learner: { kind: GradientBoostingClassifier }',
        '  gate: { mode: always }',
      ].join('\n'),
    );
    const storeDir = join(dir, 'stores');
    const options = {
      data: elec2,
      history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7), limit: 48 * 35 },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 14 * DAY },
      policies: [policy],
      ungated: false,
      jobs: 1,
      storeDir,
    };
    const { report } = await backtest(options);
    expect(report.strategies[0]?.runs?.promoted).toBeGreaterThanOrEqual(2);
    // What the server stored with each prediction is what the history says was known by the row's time.
    const prepared = await prepareBacktest(options);
    const policySpec = prepared.policies[0]?.spec as ModelSpec;
    const expected = historyLabelFeatures(policySpec, prepared.history, prepared.timeline);
    const store = await openStore({ url: join(storeDir, 'label-history.db') });
    try {
      const stored = await queryPredictions(store.db, prepared.model, {
        from: 0,
        to: Number.MAX_SAFE_INTEGER,
        features: true,
      });
      // The training span was logged first (as version 1's predictions), then 21 days served.
      expect(stored).toHaveLength(48 * 35);
      expect(stored.filter((p) => p.version === '1' && Number(p.id.slice(1)) < 48 * 14)).toHaveLength(
        48 * 14,
      );
      for (const p of stored) {
        const i = Number(p.id.slice(1));
        expect({ upYesterday: p.features.upYesterday ?? null, upShare: p.features.upShare ?? null }).toEqual(
          expected?.[i],
        );
      }
      // Every row after the history's first day has yesterday's label of its half-hour, served rows included.
      expect(stored.slice(48).every((p) => typeof p.features.upYesterday === 'number')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('reads a history without time in row order: spans in rows, the policy acting as each delay of labels arrives', async () => {
    const { code, stdout, stderr } = await steward(
      'backtest',
      '--data',
      elec2,
      '--label',
      'class',
      '--delay',
      '48',
      '--rows',
      '2400',
      '--no-ungated',
    );
    expect(stderr).not.toMatch(/steward:/);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '2,160 rows scored (in row order, no time column), 240 trained version 1; binary label class; labels 48 rows late, the policy acts every 48 rows.',
    );
    expect(stdout).toMatch(/\| default \| policy \| 0\.7\d+ /);
  });

  it("the default policy weighs a classifier's rows by recency (a quarter of the span); plain retraining does not", async () => {
    const plan = (label: string) => ({
      data: elec2,
      history: { label, step: 30 * 60_000, start: Date.UTC(1996, 4, 7), limit: 48 * 60 },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 28 * DAY },
    });
    const binary = await prepareBacktest(plan('class'));
    const [policy, ungated] = binary.replays;
    expect(policy?.spec.update?.halfLife).toBe(7 * DAY);
    expect(policy?.description).toContain('(newer rows weigh more)');
    expect(ungated?.name).toBe('scheduled-ungated');
    expect(ungated?.spec.update?.halfLife).toBeUndefined();
    expect(ungated?.description).toContain('every row weighing the same');
    // No regression stream has measured the weighting: a regressor's rows weigh the same.
    const regression = await prepareBacktest(plan('nswprice'));
    expect(regression.history.task).toBe('regression');
    expect(regression.policies[0]?.spec.update?.strategy).toBe('retrain');
    expect(regression.policies[0]?.spec.update?.halfLife).toBeUndefined();
  });

  it('with labels at once (--delay 0) the default policy learns online, cutting a version every 30 rows', async () => {
    const { code, stdout } = await steward(
      'backtest',
      '--data',
      elec2,
      '--label',
      'class',
      '--delay',
      '0',
      '--rows',
      '2400',
      '--no-ungated',
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as BacktestReport;
    const policy = report.strategies.find((s) => s.name === 'default');
    const stale = report.strategies.find((s) => s.name === 'static');
    expect(policy?.description).toBe(
      'leveraging bagging learning every label, the newest labels as features, a version cut every 30 rows, promoted unless shown worse',
    );
    expect(policy?.runs?.started).toBe(71);
    expect(policy?.productionVersion).toBeGreaterThan(60);
    expect(policy?.metrics.accuracy).toBeGreaterThan((stale?.metrics.accuracy as number) + 0.1);
  });

  it('writes an HTML report with every strategy on one time axis', async () => {
    const dir = folder();
    const html = join(dir, 'report.html');
    const { code } = await steward(
      'backtest',
      ...elec2Flags,
      '--delay',
      '1d',
      '--cadence',
      '1d',
      '--train',
      '14d',
      '--rows',
      String(48 * 44),
      '--no-ungated',
      '--html',
      html,
    );
    expect(code).toBe(0);
    const text = readFileSync(html, 'utf8');
    for (const name of ['default', 'static', 'no-change', 'seasonal-naive'])
      expect(text).toContain(`data-strategy="${name}"`);
    expect(text).not.toContain('data-strategy="scheduled-ungated"');
    expect(text).toContain('<svg class="chart"');
    expect(text).not.toMatch(/<script/);
  });
});

describe('steward backtest refuses bad input in one line, exit 2, writing nothing', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    [
      'a missing file',
      () => ['--data', '/nonexistent/h.csv', '--label', 'y', '--step', '1h'],
      /^steward: cannot read \/nonexistent\/h\.csv: no such file\n$/,
    ],
    [
      'an absent label column',
      () => [...elec2Flags, '--label', 'klass'],
      /^steward: --label: column 'klass' not found in .*elec2\.csv; its columns are: period, nswprice/,
    ],
    [
      'a constant label',
      () => [
        '--data',
        csv('t,x,y\n2024-01-01,1,a\n2024-01-02,2,a\n2024-01-03,3,a\n'),
        '--time',
        't',
        '--label',
        'y',
      ],
      /^steward: --label: 'y' is constant \(every row is "a"\)/,
    ],
    [
      'unsorted times',
      () => ['--data', csv('t,x,y\n2024-01-02,1,a\n2024-01-01,2,b\n'), '--time', 't', '--label', 'y'],
      /^steward: --time: .* is not in time order: line 3 \(2024-01-01T00:00:00\.000Z\) comes before line 2/,
    ],
    [
      'a missing time',
      () => ['--data', csv('t,x,y\n2024-01-01,1,a\n,2,b\n'), '--time', 't', '--label', 'y'],
      /^steward: --time: .* line 3, column 't' has no time/,
    ],
    [
      'an empty history',
      () => ['--data', csv('t,x,y\n'), '--time', 't', '--label', 'y'],
      /^steward: .* has a header but no data rows/,
    ],
    [
      'a duration for a history read in row order',
      () => [...elec2Flags.slice(0, 4), '--delay', '1d'],
      /^steward: --delay 1d: .*elec2.csv is read in row order \(no --time or --step\), so its spans are rows: give --delay as a number of rows/,
    ],
    [
      'a delay longer than the history',
      () => [...elec2Flags, '--delay', '1000d', '--train', '28d'],
      /^steward: --delay 1000d is longer than the history after training/,
    ],
    [
      'a training span covering everything',
      () => [...elec2Flags, '--train', '5000d'],
      /^steward: --train 5000d covers the whole history/,
    ],
    [
      'a bad delay',
      () => [...elec2Flags, '--delay', 'soon'],
      /^steward: --delay must be a duration such as 30m, 1d or 2w, or a number of rows such as 48, got "soon"/,
    ],
    [
      'features that do not match the policy',
      () => [...elec2Flags, '--policy', yaml('task: binary\nfeatures: [{ name: price, type: numeric }]\n')],
      /^steward: --policy .*: features\[0\]: 'price' is not a feature of the history \(period, nswprice/,
    ],
    [
      'a policy whose task the label cannot be',
      () => ['--data', irregular, '--time', 'time', '--label', 'status', '--policy', yaml('task: binary\n')],
      /^steward: --policy .*policy\.yaml: task binary: 'status' has 3 classes/,
    ],
    [
      'a policy that is not a model spec',
      () => [...elec2Flags, '--policy', yaml('task: binary\nupdate: { strategy: magic }\n')],
      /^steward: --policy .*: update\.strategy: /,
    ],
    [
      'a number that is not a number',
      () => [
        '--data',
        csv(
          `t,x,y\n${Array.from({ length: 30 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},${i === 7 ? 'abc' : i},${i % 2}`).join('\n')}\n`,
        ),
        '--time',
        't',
        '--label',
        'y',
      ],
      /^steward: .* line 9, column 'x': "abc" is not a number, but 96\.6% of the column is/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const store = join(folder(), 'store');
      const { code, stdout, stderr } = await steward('backtest', ...args(), '--store', store);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(existsSync(store)).toBe(false);
    });
  }
});

function csv(text: string): string {
  const file = join(folder(), 'history.csv');
  writeFileSync(file, text);
  return file;
}

function yaml(text: string): string {
  const file = join(folder(), 'policy.yaml');
  writeFileSync(file, text);
  return file;
}
