import { LogisticRegression, WeightedAverage } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempFile } from '../cli/test-helpers.js';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { UpdateRun } from './run-record.js';
import { MAX_ENSEMBLE_MEMBERS } from './strategies.js';
import { enqueueDueUpdates } from './triggers.js';

const data = elec2Rows();
const X = (from: number, to: number) => data.slice(from, to).map((r) => ELEC2_FEATURES.map((f) => r[f]));
const Y = (from: number, to: number) => data.slice(from, to).map((r) => r.class);
const stale = new LogisticRegression({ C: 1 }).fit(X(0, 1344), Y(0, 1344));
const recent = new LogisticRegression({ C: 1 }).fit(X(3624, 7925), Y(3624, 7925));

/** Production v1 = the stale model; rows 3624–9000 of Elec2 served through it and labelled. */
async function seedElec2(steward: StewardApp): Promise<void> {
  const api = (method: 'POST' | 'PUT', url: string, payload: object) =>
    steward.app.inject({ method, url, payload });
  await uploadModel(steward, 'elec2', stale);
  await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
  for (let s = 3624; s < 9000; s += 1000) {
    const rows = data.slice(s, Math.min(9000, s + 1000)).map((r, i) => ({
      id: `r${s + i}`,
      time: ELEC2_START + (s + i) * ELEC2_STEP,
      features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
    }));
    await api('POST', '/api/v1/models/elec2/predict', rows);
    await api(
      'POST',
      '/api/v1/models/elec2/labels',
      rows.map((r, i) => ({ predictionId: r.id, label: data[s + i]?.class as number })),
    );
  }
}

// Stands in for a Python training script: checks the dataset it is given, prints, writes a model file.
const script = tempFile(
  'train.mjs',
  `import { readFileSync, writeFileSync } from 'node:fs';
const [dataset, output, mode] = process.argv.slice(2);
const lines = readFileSync(dataset, 'utf8').trim().split('\\n');
console.log('header', lines[0], 'rows', lines.length - 1);
if (mode === 'crash') { console.error('CUDA out of memory'); process.exit(1); }
if (mode === 'hang') await new Promise((r) => setTimeout(r, 60_000));
writeFileSync(output, ${JSON.stringify(JSON.stringify(recent.toJSON()))});
`,
);

const spec = (mode: string, extra: Record<string, unknown> = {}) => ({
  ...ELEC2_MODEL,
  notifiers: [],
  update: {
    window: '112d',
    minRows: 1000,
    strategy: 'external',
    command: [process.execPath, script, '{dataset}', '{output}', mode],
    timeout: '2s',
    ...extra,
  },
});

describe('external trainers and scheduled triggers', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    steward.app.inject({ method, url, ...(payload ? { payload } : {}) });

  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store);
    await api('PUT', '/api/v1/models/elec2', spec('ok'));
    await seedElec2(steward);
  });
  afterEach(async () => {
    await steward.app.close();
    await store.close();
  });

  it('trains with a user command given the dataset file, gates and promotes what it wrote, keeping its log', async () => {
    await api('POST', '/api/v1/models/elec2/updates');
    const run = (await steward.context.worker.runOnce()) as UpdateRun;
    expect(run.status).toBe('promoted');
    const train = run.steps.find((s) => s.name === 'train');
    expect(train?.detail.log).toBe(`header ${[...ELEC2_FEATURES, 'label'].join(',')} rows 4300\n`);
    expect((await api('GET', '/api/v1/models/elec2/versions/2')).json().lineage.strategy).toBe('external');
  });

  it('leaves production as it was when the command crashes or times out, with the reason', async () => {
    await api('PUT', '/api/v1/models/elec2', spec('crash'));
    await api('POST', '/api/v1/models/elec2/updates');
    const crashed = (await steward.context.worker.runOnce()) as UpdateRun;
    expect(crashed.status).toBe('failed');
    expect(crashed.outcome).toMatch(/exited with code 1: .*CUDA out of memory; production unchanged/);
    await store.db.updateTable('jobs').set({ status: 'failed' }).execute();

    await api('PUT', '/api/v1/models/elec2', spec('hang'));
    await api('POST', '/api/v1/models/elec2/updates');
    const hung = (await steward.context.worker.runOnce()) as UpdateRun;
    expect(hung.status).toBe('failed');
    expect(hung.outcome).toMatch(/timed out after 2000 ms and was killed/);
    expect((await api('GET', '/api/v1/models/elec2/aliases')).json().current).toEqual({ production: 1 });
  });

  it('queues runs on a schedule and when enough new labels arrived', async () => {
    const { catalog } = steward.context;
    expect(await enqueueDueUpdates(store, catalog, steward.context.jobs)).toEqual([]);
    await api('PUT', '/api/v1/models/elec2', spec('ok', { newLabels: 5000 }));
    expect(await enqueueDueUpdates(store, catalog, steward.context.jobs)).toEqual(['elec2']);
    const run = (await steward.context.worker.runOnce()) as UpdateRun;
    expect(run.trigger).toMatchObject({ kind: 'schedule', reason: '5376 new labels (≥ 5000)' });
    expect(await enqueueDueUpdates(store, catalog, steward.context.jobs)).toEqual([]); // counted from the last run
    await api('PUT', '/api/v1/models/elec2', spec('ok', { every: '1h' }));
    expect(await enqueueDueUpdates(store, catalog, steward.context.jobs, Date.now() + 3_600_000)).toEqual([
      'elec2',
    ]);
  });
});

describe('ensemble and tune strategies on Elec2', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    steward.app.inject({ method, url, ...(payload ? { payload } : {}) });
  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store);
    await api('PUT', '/api/v1/models/elec2', { ...ELEC2_MODEL, notifiers: [] });
    await seedElec2(steward);
  });
  afterEach(async () => {
    await steward.app.close();
    await store.close();
  });

  const update = async (policy: Record<string, unknown>) => {
    await api('PUT', '/api/v1/models/elec2', {
      ...ELEC2_MODEL,
      notifiers: [],
      update: {
        window: '112d',
        minRows: 1000,
        learner: { kind: 'LogisticRegression', params: {} },
        ...policy,
      },
    });
    await api('POST', '/api/v1/models/elec2/updates');
    return (await steward.context.worker.runOnce()) as UpdateRun;
  };

  it('fuses production with a newly trained model, weights fitted on validation rows', async () => {
    const run = await update({ strategy: 'ensemble' });
    expect(run.status).toBe('promoted');
    const weights = run.steps.find((s) => s.name === 'train')?.detail.weights as number[];
    expect(weights).toHaveLength(2);
    expect((weights[0] as number) + (weights[1] as number)).toBeCloseTo(1, 12);
    const artifact = await steward.app.inject({ url: '/api/v1/models/elec2/versions/2/artifact' });
    expect(artifact.json().kind).toBe('WeightedAverage');
  });

  it('slides instead of nesting: a fused production keeps only its latest members beside the new model', async () => {
    const members = [0, 1344, 2688, 4032, 5376].map((s) =>
      new LogisticRegression().fit(X(s, s + 1344), Y(s, s + 1344)),
    );
    const fused = new WeightedAverage(members as never);
    await uploadModel(steward, 'elec2', fused);
    await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 2 });
    const run = await update({ strategy: 'ensemble' });
    const detail = run.steps.find((s) => s.name === 'train')?.detail as {
      weights: number[];
      members: string[];
    };
    expect(MAX_ENSEMBLE_MEMBERS).toBe(4);
    expect(detail.members).toEqual([
      'production member 1',
      'production member 2',
      'production member 3',
      'LogisticRegression',
    ]);
    expect(detail.weights).toHaveLength(4);
    const artifact = await steward.app.inject({ url: '/api/v1/models/elec2/versions/3/artifact' });
    expect(artifact.json().state.models).toHaveLength(4);
  });

  it('mixes a labelled sample of the stored training data into the training rows', async () => {
    const missing = await update({ strategy: 'retrain', referenceSample: { rows: 500 } });
    expect(missing.status).toBe('failed');
    expect(missing.outcome).toMatch(/no reference "training" \(upload it with PUT/);
    await store.db.updateTable('jobs').set({ status: 'failed' }).execute();
    const reference = data
      .slice(0, 1344)
      .map((r) => ({ ...Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])), label: r.class }));
    expect((await api('PUT', '/api/v1/models/elec2/references/training', reference)).statusCode).toBe(200);
    const run = await update({ strategy: 'retrain', referenceSample: { rows: 500 } });
    expect(run.steps[0]?.detail).toMatchObject({ training: 4300, referenceRows: 500 });
    expect(run.steps.find((s) => s.name === 'train')?.detail.rows).toBe(4800);
  });

  it("searches the learner's parameters, retrains with the best and records them as the version's parameters", async () => {
    const run = await update({
      strategy: 'tune',
      tune: { space: { C: { type: 'loguniform', low: 0.001, high: 100 } }, budget: 6, algorithm: 'random' },
    });
    expect(run.status).toBe('promoted');
    const detail = run.steps.find((s) => s.name === 'train')?.detail as {
      best: { C: number };
      trials: number;
      validationScore: number;
    };
    expect(detail.trials).toBe(6);
    expect(detail.best.C).toBeGreaterThanOrEqual(0.001);
    expect(detail.validationScore).toBeGreaterThan(0.5);
    const version = (await api('GET', '/api/v1/models/elec2/versions/2')).json();
    expect(version.lineage).toMatchObject({ strategy: 'tune', parameters: { C: detail.best.C } });
    const curves = (await api('GET', '/api/v1/models/elec2/versions/2/steps')).json() as Record<
      string,
      Array<[number, number]>
    >;
    expect(curves['trial score']).toHaveLength(6);
    const best = curves['best score']?.map(([, v]) => v) ?? [];
    expect(best.at(-1)).toBeCloseTo(detail.validationScore, 12);
    expect(best).toEqual([...best].sort((a, b) => a - b));
  });
});

describe('retraining through a pipeline', () => {
  it('imputes missing feature values the plain learner cannot take, and serves the pipeline afterwards', async () => {
    const store = await (testStores()[0] as TestStore).open();
    const steward = await testApp(store);
    const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      steward.app.inject({ method, url, ...(payload ? { payload } : {}) });
    try {
      await api('PUT', '/api/v1/models/elec2', {
        ...ELEC2_MODEL,
        notifiers: [],
        update: {
          window: '112d',
          minRows: 1000,
          learner: { kind: 'LogisticRegression', params: {}, pipeline: { numeric: { impute: 'median' } } },
        },
      });
      await uploadModel(steward, 'elec2', stale);
      await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
      // Logged by a client rather than served: every third row lacks its NSW price.
      const predictions = data.slice(3624, 9000).map((r, i) => ({
        id: `r${i}`,
        time: ELEC2_START + (3624 + i) * ELEC2_STEP,
        features: Object.fromEntries(
          ELEC2_FEATURES.map((f) => [f, f === 'nswprice' && i % 3 === 0 ? null : r[f]]),
        ),
        output: stale.predict([ELEC2_FEATURES.map((f) => r[f])])[0] as number,
      }));
      for (let s = 0; s < predictions.length; s += 1000) {
        const chunk = predictions.slice(s, s + 1000);
        expect((await api('POST', '/api/v1/models/elec2/predictions', chunk)).statusCode).toBe(200);
        await api(
          'POST',
          '/api/v1/models/elec2/labels',
          chunk.map((p, i) => ({ predictionId: p.id, label: data[3624 + s + i]?.class as number })),
        );
      }
      await api('POST', '/api/v1/models/elec2/updates');
      const run = (await steward.context.worker.runOnce()) as UpdateRun;
      expect(run.steps[0]?.detail).toMatchObject({ rows: 5376, training: 4300, incompleteTraining: 1434 });
      expect(run.steps.find((s) => s.name === 'train')?.detail).toMatchObject({
        pipeline: { numeric: [...ELEC2_FEATURES], categorical: [] },
      });
      expect(run.status).toBe('promoted');
      expect(
        (await steward.app.inject({ url: '/api/v1/models/elec2/versions/2/artifact' })).json().kind,
      ).toBe('Pipeline');
      const served = await api('POST', '/api/v1/models/elec2/predict', [
        { features: { ...predictions[0]?.features } },
      ]);
      expect(served.statusCode).toBe(200);
      expect(served.json().predictions[0].version).toBe(2);
    } finally {
      await steward.app.close();
      await store.close();
    }
  });
});
