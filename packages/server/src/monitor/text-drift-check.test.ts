import { seededRandom } from '@steward/core';
import { describe, expect, it } from 'vitest';
import type { FeatureValue } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import { CheckRunner } from './check-runner.js';
import { driftTimeline } from './drift-timeline.js';
import { Ingestion } from './ingestion.js';
import { type LoadedModel, ModelCatalog } from './model-catalog.js';
import { putReference } from './references.js';

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 1);
const energy = ['price', 'market', 'demand', 'supply', 'energy', 'grid', 'load', 'peak'];
const weather = ['weather', 'rain', 'cloud', 'storm', 'wind', 'sun', 'cold', 'heat'];

/** Logs `perDay` predictions on each of two days (features by day), runs the checks, and returns one check's results. */
async function twoDays(
  store: StoreConnection,
  catalog: ModelCatalog,
  model: LoadedModel,
  check: string,
  perDay: number,
  features: (day: number) => Record<string, FeatureValue>,
) {
  const rows = Array.from({ length: 2 * perDay }, (_, i) => {
    const day = i < perDay ? 0 : 1;
    return {
      id: `p${i}`,
      time: FIRST + day * DAY + (i % perDay) * 500_000,
      features: features(day),
      output: 0,
    };
  });
  const records = model.validator.predictions(rows, FIRST + 3 * DAY);
  if (!records.ok) throw new Error(JSON.stringify(records.errors));
  await new Ingestion(store).predictions(model, records.records);
  const runner = new CheckRunner(store, catalog, { log: () => {}, backoffMs: () => 5 });
  const { results } = await runner.runOnce(FIRST + 3 * DAY);
  return results.filter((r) => r.check === check).map((r) => r.result);
}

describe('a drift check on a text feature', () => {
  it('passes a window of the same language, flags one whose words changed and names them', async () => {
    const store = await (testStores()[0] as TestStore).open();
    try {
      const random = seededRandom(3);
      const text = (vocab: string[]) =>
        Array.from({ length: 8 }, () => vocab[Math.floor(random() * vocab.length)]).join(' ');
      const catalog = new ModelCatalog(store);
      const { model } = await catalog.put({
        name: 'notes',
        task: 'binary',
        window: '1d',
        labelGrace: '1d',
        features: [{ name: 'body', type: 'text' }],
        checks: [{ type: 'drift', name: 'text-drift', reference: 'training', minRows: 30 }],
        notifiers: [],
      });
      const reference = Array.from({ length: 300 }, () => ({ body: text(energy) }));
      await putReference(store, model.spec, 'training', reference);
      // Day 1 speaks as the reference does; on day 2 half the words are about the weather.
      const drift = await twoDays(store, catalog, model, 'text-drift', 150, (day) => ({
        body: text(day === 0 ? energy : [...energy.slice(4), ...weather]),
      }));
      expect(drift.map((r) => r.status)).toEqual(['ok', 'warning']);
      const message = drift[1]?.message ?? '';
      expect(message).toMatch(/^1 of 1 columns drifted \(body: more "\w+"/);
      const named = [...message.matchAll(/"(\w+)"/g)].map((m) => m[1]);
      expect(named.filter((w) => weather.includes(w as string)).length).toBeGreaterThanOrEqual(4);
      // Two words in three of day 2 come from the weather words the reference never had.
      const unseen = Number(/(\d+\.\d)% of words unseen in the reference\)$/.exec(message)?.[1]);
      expect(unseen).toBeGreaterThan(55);
      expect(unseen).toBeLessThan(78);
      // The dashboard's heatmap judges text by its word shares (Jensen–Shannon), every window on each read.
      const timeline = await driftTimeline(store, model.spec, reference, {
        from: FIRST,
        to: FIRST + 2 * DAY,
      });
      expect(timeline.features).toEqual(['body']);
      const cells = timeline.windows.map((w) => w.columns?.body);
      expect(cells.map((c) => c?.method)).toEqual(['Jensen–Shannon distance', 'Jensen–Shannon distance']);
      expect(cells.map((c) => c?.drifted)).toEqual([false, true]);
    } finally {
      await store.close();
    }
  });

  it('an embedding feature judged by MMD with its permutation p-value, when the check asks for it', async () => {
    const store = await (testStores()[0] as TestStore).open();
    try {
      const random = seededRandom(5);
      const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const vector = (shift: number) => [normal() + shift, normal(), normal(), normal()];
      const catalog = new ModelCatalog(store);
      const { model } = await catalog.put({
        name: 'vectors',
        task: 'binary',
        window: '1d',
        labelGrace: '1d',
        features: [{ name: 'emb', type: 'embedding', dimensions: 4 }],
        checks: [
          {
            type: 'drift',
            name: 'emb-drift',
            reference: 'training',
            minRows: 30,
            methods: { emb: { method: 'mmd', threshold: 0.01 } },
          },
        ],
        notifiers: [],
      });
      await putReference(
        store,
        model.spec,
        'training',
        Array.from({ length: 150 }, () => ({ emb: vector(0) })),
      );
      const drift = await twoDays(store, catalog, model, 'emb-drift', 100, (day) => ({ emb: vector(day) }));
      expect(drift.map((r) => r.status)).toEqual(['ok', 'warning']);
      const columns = drift.map(
        (r) =>
          (r.detail as { columns: Array<{ method: string; scoreKind: string; score: number }> }).columns[0],
      );
      expect(columns.map((c) => [c?.method, c?.scoreKind])).toEqual([
        ['mmd', 'p_value'],
        ['mmd', 'p_value'],
      ]);
      expect(columns[1]?.score).toBeLessThan(0.01);
    } finally {
      await store.close();
    }
  });
});
