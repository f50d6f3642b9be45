import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { openStore } from '../../store/open-store.js';
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
});
