import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { openStore } from '../../store/open-store.js';
import { DATASETS } from '../../testing/datasets.js';
import { steward, tempFile } from '../test-helpers.js';

const yaml = `models:
  - name: elec2
    task: binary
    window: 1d
    features:
      - { name: nswprice, type: numeric }
      - { name: day, type: categorical }
    checks:
      - { type: metric, name: accuracy-floor, metric: accuracy, min: 0.75 }
  - name: demand
    task: regression
    features: [{ name: period, type: numeric }]
`;

describe('steward apply', () => {
  it('creates the models of a steward.yaml, then updates them', async () => {
    const file = tempFile('steward.yaml', yaml);
    const db = tempFile('steward.db', '').replace(/steward\.db$/, 'store.db');
    const first = await steward('apply', file, '--db', db);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('created model elec2\ncreated model demand\n');
    expect((await steward('apply', file, '--db', db)).stdout).toBe(
      'updated model elec2\nupdated model demand\n',
    );
    const store = await openStore({ url: db });
    try {
      const model = await new ModelCatalog(store).get('elec2');
      expect(model?.spec.window).toBe(86_400_000);
      expect(model?.spec.checks[0]).toMatchObject({
        type: 'metric',
        metric: 'accuracy',
        min: 0.75,
        minLabels: 30,
        severity: 'critical',
      });
    } finally {
      await store.close();
    }
  });

  it('--dry-run says what would change and writes nothing, not even a new store file', async () => {
    const file = tempFile('steward.yaml', yaml);
    const db = tempFile('x', '').replace(/x$/, 'store.db');
    const dry = await steward('apply', file, '--db', db, '--dry-run');
    expect(dry.stdout).toBe(
      'would create model elec2 (binary, 2 features)\nwould create model demand (regression, 1 features)\n',
    );
    expect(existsSync(db)).toBe(false);
    await steward('apply', file, '--db', db);
    const changed = tempFile(
      'steward.yaml',
      yaml.replace('min: 0.75', 'min: 0.8').replace('task: regression', 'task: regression\n    window: 1d'),
    );
    expect((await steward('apply', changed, '--db', db, '--dry-run')).stdout).toBe(
      'would update model elec2: checks\nwould refuse model demand: its window cannot change once data is recorded (create a new model)\n',
    );
    expect((await steward('apply', file, '--db', db, '--dry-run')).stdout).toBe(
      'model elec2 is unchanged\nmodel demand is unchanged\n',
    );
  });

  it('refuses a bad file before opening the store: no database file is created', async () => {
    const db = tempFile('x', '').replace(/x$/, 'never.db');
    const bad = tempFile('steward.yaml', yaml.replace('type: numeric', 'type: number'));
    const result = await steward('apply', bad, '--db', db);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^steward: .*steward\.yaml: models\[0\]: invalid model: features\[0\]\.type/,
    );
    expect(existsSync(db)).toBe(false);
    expect((await steward('apply', '/nonexistent/steward.yaml', '--db', db)).stderr).toBe(
      'steward: cannot read /nonexistent/steward.yaml: no such file — `steward init` writes a starter file\n',
    );
    expect(existsSync(db)).toBe(false);
  });

  it('steward init writes a commented steward.yaml from a data file that applies and backtests as it is', async () => {
    const out = tempFile('x', '').replace(/x$/, 'steward.yaml');
    const data = DATASETS.elec2;
    const init = await steward('init', '--from', data, '--label', 'class', '--name', 'elec2', '--out', out);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(
      /^wrote .*steward\.yaml: model elec2 \(binary, 6 features from .*elec2\.csv\)/,
    );
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Steward configuration/);
    expect(text).toContain('      - { name: nswprice, type: numeric }');
    expect(text).not.toContain('class, type');
    const db = tempFile('x', '').replace(/x$/, 'store.db');
    expect((await steward('apply', out, '--db', db)).stdout).toBe('created model elec2\n');
    expect((await steward('init', '--out', out)).stderr).toMatch(/exists — pass --force to overwrite it/);
    const blank = await steward('init', '--out', out, '--force', '--name', 'churn', '--task', 'regression');
    expect(blank.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(
      'learner: { kind: GradientBoostingRegressor, params: { maxDepth: 3, maxLeafNodes: 8 } }',
    );
    // A text column: the text learner in a pipeline of hashed words, so the file applies as it is.
    const mail = tempFile(
      'mail.csv',
      `time,label,body\n${Array.from({ length: 20 }, (_, i) => `2024-01-01T${String(i).padStart(2, '0')}:00:00Z,${i % 2 ? 'spam' : 'ham'},"message number ${i}, about the meeting agenda and lunch"`).join('\n')}\n`,
    );
    expect(
      (await steward('init', '--from', mail, '--label', 'label', '--time', 'time', '--out', out, '--force'))
        .code,
    ).toBe(0);
    const textConfig = readFileSync(out, 'utf8');
    expect(textConfig).toContain('      - { name: body, type: text }');
    expect(textConfig).toMatch(
      /learner: \{ kind: SGDClassifier, params: \{ loss: log_loss, alpha: 0\.00001 \}, pipeline: \{ text: \{\} \} \}/,
    );
    expect((await steward('apply', out, '--db', tempFile('x', '').replace(/x$/, 'mail.db'))).stdout).toBe(
      'created model mail\n',
    );
  });

  it('names the model and field of a mistake, and refuses a file without models', async () => {
    const bad = tempFile('steward.yaml', yaml.replace('metric: accuracy, min', 'metric: r2, min'));
    const db = tempFile('x', '').replace(/x$/, 'store.db');
    const result = await steward('apply', bad, '--db', db);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /models\[0\]: invalid model: checks\[0\]\.metric: r2 does not apply to a binary model/,
    );
    expect((await steward('apply', tempFile('empty.yaml', 'services: []'), '--db', db)).stderr).toMatch(
      /expected a top-level "models:" list/,
    );
  });

  it('refuses a mistyped learner option or detector option, naming the key and the options there are', async () => {
    const typo = yaml.replace(
      'min: 0.75 }',
      `min: 0.75 }
      - { type: detector, name: ddm, detector: DDM, options: { warmstart: 5 } }
    update:
      learner: { kind: GradientBoostingClassifier, params: { maxIterr: 5 } }`,
    );
    const result = await steward(
      'apply',
      tempFile('steward.yaml', typo),
      '--db',
      tempFile('y', '').replace(/y$/, 'store.db'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /checks\[1\]\.options\.warmstart: DDM has no option 'warmstart': its options are warmStart, warningThreshold, driftThreshold/,
    );
    expect(result.stderr).toMatch(
      /update\.learner\.params\.maxIterr: GradientBoostingClassifier has no option 'maxIterr': its options are learningRate, maxIter/,
    );
  });
});
