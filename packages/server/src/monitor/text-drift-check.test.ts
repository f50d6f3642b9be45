import { seededRandom } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { type TestStore, testStores } from '../testing/test-stores.js';
import { CheckRunner } from './check-runner.js';
import { Ingestion } from './ingestion.js';
import { ModelCatalog } from './model-catalog.js';
import { putReference } from './references.js';

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 1);
const energy = ['price', 'market', 'demand', 'supply', 'energy', 'grid', 'load', 'peak'];
const weather = ['weather', 'rain', 'cloud', 'storm', 'wind', 'sun', 'cold', 'heat'];

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
      await putReference(
        store,
        model.spec,
        'training',
        Array.from({ length: 300 }, () => ({ body: text(energy) })),
      );
      // Day 1 speaks as the reference does; on day 2 half the words are about the weather.
      const rows = [
        ...Array.from({ length: 150 }, (_, i) => ({ time: FIRST + i * 500_000, body: text(energy) })),
        ...Array.from({ length: 150 }, (_, i) => ({
          time: FIRST + DAY + i * 500_000,
          body: text([...energy.slice(4), ...weather]),
        })),
      ].map((r, i) => ({ id: `m${i}`, time: r.time, features: { body: r.body }, output: 0 }));
      const records = model.validator.predictions(rows, FIRST + 3 * DAY);
      if (!records.ok) throw new Error(JSON.stringify(records.errors));
      await new Ingestion(store).predictions(model, records.records);
      const runner = new CheckRunner(store, catalog, { log: () => {}, backoffMs: () => 5 });
      const { results } = await runner.runOnce(FIRST + 3 * DAY);
      const drift = results.filter((r) => r.check === 'text-drift').map((r) => r.result);
      expect(drift.map((r) => r.status)).toEqual(['ok', 'warning']);
      const message = drift[1]?.message ?? '';
      expect(message).toMatch(/^1 of 1 columns drifted \(body: more "\w+"/);
      const named = [...message.matchAll(/"(\w+)"/g)].map((m) => m[1]);
      expect(named.filter((w) => weather.includes(w as string)).length).toBeGreaterThanOrEqual(4);
    } finally {
      await store.close();
    }
  });
});
