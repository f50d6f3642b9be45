// What label-history features cost a prediction: two Elec2 models on one SQLite store, each with the same history
// of predictions and labels logged through the API (BENCH_LABELS, default 1,000,000, labels a day late), one with
// three label features (samePeriod 1d, rate over 48 and over 336 known labels), one without. Then POST …/predict
// of 1 and of 100 rows timed on each, in the same process: the ratio is what reading the label history adds.
// Results: bench/results/label-features.json.
//   npx tsx bench/serve/label-features.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../packages/server/src/http/app.js';
import { parseModelSpec } from '../../packages/server/src/spec/model-spec.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { ELEC2_FEATURES, elec2Rows } from '../../packages/server/src/testing/elec2.js';
import { SimulatedClock } from '../../packages/server/src/time/clock.js';
import { trainFresh } from '../../packages/server/src/update/train-fresh.js';
import { writeResults } from '../lib.js';

const LABELS = Number(process.env.BENCH_LABELS ?? 1_000_000);
const STEP = 30 * 60_000;
const DAY = 86_400_000;
const START = Date.UTC(2000, 0, 1);
const data = elec2Rows();
const featuresOf = (i: number) =>
  Object.fromEntries(ELEC2_FEATURES.map((f) => [f, (data[i % data.length] as Record<string, number>)[f]]));
const base = ELEC2_FEATURES.map((name) => ({ name, type: 'numeric' }));
const models = {
  plain: { name: 'plain', task: 'binary', window: '1d', features: base },
  labelled: {
    name: 'labelled',
    task: 'binary',
    window: '1d',
    features: [
      ...base,
      { name: 'upYesterday', type: 'numeric', fromLabels: { kind: 'samePeriod', period: '1d' } },
      { name: 'upShareDay', type: 'numeric', fromLabels: { kind: 'rate', last: 48 } },
      { name: 'upShareWeek', type: 'numeric', fromLabels: { kind: 'rate', last: 336 } },
    ],
  },
};

const dir = mkdtempSync(join(tmpdir(), 'steward-label-features-'));
const clock = new SimulatedClock(START);
const store = await openStore({ url: join(dir, 'bench.db') });
const steward = await createApp({
  store,
  clock,
  artifactDir: join(dir, 'artifacts'),
  notifier: { log: () => {} },
});
const inject = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
  const res = await steward.app.inject({ method, url, payload: payload as object });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
};
try {
  const setupStart = performance.now();
  for (const [name, spec] of Object.entries(models)) {
    await inject('PUT', `/api/v1/models/${name}`, spec);
    const training = Array.from({ length: 2000 }, (_, i) => ({
      features: { ...featuresOf(i), upYesterday: (i % 2) as number, upShareDay: 0.5, upShareWeek: 0.5 },
      label: (data[i] as { class: number }).class,
    }));
    const model = trainFresh(
      parseModelSpec(spec),
      { kind: 'LogisticRegression', params: {}, pipeline: { categorical: { handleUnknown: 'ignore' } } },
      training,
    ).model;
    await steward.app.inject({
      method: 'POST',
      url: `/api/v1/models/${name}/versions`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(JSON.stringify(model.toJSON())),
    });
    await inject('PUT', `/api/v1/models/${name}/aliases/production`, { version: 1 });
    // The history: predictions logged, and their labels a day later.
    for (let from = 0; from < LABELS; from += 5000) {
      const rows = Array.from({ length: Math.min(5000, LABELS - from) }, (_, k) => ({
        id: `h${from + k}`,
        time: START + (from + k) * STEP,
        features: featuresOf(from + k),
        output: 0,
      }));
      // The clock moves with the history (it refuses times more than a day ahead of it).
      clock.set(Math.max(clock.now(), (rows.at(-1) as { time: number }).time + DAY));
      await inject('POST', `/api/v1/models/${name}/predictions`, rows);
      await inject(
        'POST',
        `/api/v1/models/${name}/labels`,
        rows.map((r, k) => ({
          predictionId: r.id,
          label: (data[(from + k) % data.length] as { class: number }).class,
          time: r.time + DAY,
        })),
      );
    }
  }
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const now = START + LABELS * STEP + DAY;
  clock.set(Math.max(clock.now(), now));

  const time = async (model: string, rows: number, repeats: number) => {
    const ms: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const batch = Array.from({ length: rows }, (_, k) => ({
        id: `${model}-q${rows}-${r}-${k}`,
        time: new Date(now + r * 1000 + k).toISOString(),
        features: featuresOf(r + k),
      }));
      const t0 = performance.now();
      await inject('POST', `/api/v1/models/${model}/predict`, batch);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ms.length / 2)] as number, p95: ms[Math.floor(ms.length * 0.95)] as number };
  };
  const cases = [];
  for (const rows of [1, 100]) {
    // Warm both, then time them interleaved so that neither gets a quieter machine.
    await time('plain', rows, 20);
    await time('labelled', rows, 20);
    const plain = await time('plain', rows, 300);
    const labelled = await time('labelled', rows, 300);
    const ratio = labelled.p50 / plain.p50;
    cases.push({ rows, plain, labelled, ratio: Math.round(ratio * 100) / 100 });
    console.log(
      `predict ${rows} row(s): without label features p50 ${plain.p50.toFixed(2)} ms, with ${labelled.p50.toFixed(2)} ms (${ratio.toFixed(2)}x); p95 ${plain.p95.toFixed(2)} / ${labelled.p95.toFixed(2)} ms`,
    );
  }
  writeResults(
    'label-features',
    { reference: 'the same model without label features, same store and history, same process' },
    { storedLabelledPredictionsPerModel: LABELS, setupSeconds: Math.round(setupSeconds), cases },
  );
} finally {
  await steward.app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
