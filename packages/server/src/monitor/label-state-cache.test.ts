import { seededRandom } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { checkModelStates, rebuildLabelStates } from '../store/store-doctor.js';
import { ELEC2_MODEL, elec2Predictions } from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { computeMetrics } from '../window-state/window-metrics.js';
import { Ingestion } from './ingestion.js';
import { type LoadedModel, ModelCatalog } from './model-catalog.js';
import { timeWindows } from './windows.js';

const DAY = 86_400_000;

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `label deltas, folds and readers in other processes, ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      beforeEach(async () => {
        store = await target.open();
        await new ModelCatalog(store).put(ELEC2_MODEL);
      });
      afterEach(async () => {
        await store.close();
      });

      /** A process: its own catalog (so its own copy of the model and its own read cache) and its own shard. */
      const process = async (shard: string) => {
        const model = (await new ModelCatalog(store).get('elec2')) as LoadedModel;
        return { model, ingestion: new Ingestion(store, shard) };
      };

      it('a read that allows an age answers what it computed a moment ago; a read that does not, what is stored', async () => {
        const p = await process('one');
        const rows = elec2Predictions().slice(0, 48);
        const predictions = p.model.validator.predictions(
          rows.map(({ label: _l, ...r }) => r),
          Date.now(),
        );
        const first = p.model.validator.labels(
          rows.slice(0, 24).map((r) => ({ predictionId: r.id, label: r.label })),
          Date.now(),
        );
        const second = p.model.validator.labels(
          rows.slice(24).map((r) => ({ predictionId: r.id, label: r.label })),
          Date.now(),
        );
        if (!predictions.ok || !first.ok || !second.ok) throw new Error('invalid');
        await p.ingestion.predictions(p.model, predictions.records);
        await p.ingestion.labels(p.model, first.records);
        const range = { from: 0, to: Date.UTC(2000, 0) };
        const labelled = async (maxAgeMs: number) =>
          (await timeWindows(store, p.model.spec, { ...range, maxAgeMs })).map((w) => w.labelled);
        expect(await labelled(0)).toEqual([24]);
        await p.ingestion.labels(p.model, second.records);
        expect(await labelled(60_000)).toEqual([24]);
        expect(await labelled(0)).toEqual([48]);
      });

      it('under load, one read of the heads serves the reads inside its range for the age they allow', async () => {
        const writer = await process('writer');
        const reader = await process('reader');
        const rows = elec2Predictions().slice(0, 48);
        const ingest = async (part: typeof rows) => {
          const batch = writer.model.validator.predictions(
            part.map(({ label: _l, ...r }) => r),
            Date.now(),
          );
          if (!batch.ok) throw new Error('invalid');
          await writer.ingestion.predictions(writer.model, batch.records);
        };
        await ingest(rows.slice(0, 24));
        const day = Math.floor((rows[0] as { time: number }).time / DAY) * DAY;
        // Without profiles a window's count is its profile rows' (the heads): what this pins.
        const counts = async (from: number, maxAgeMs: number) =>
          (
            await timeWindows(store, reader.model.spec, {
              from,
              to: Date.UTC(2000, 0),
              maxAgeMs,
              profiles: false,
            })
          ).map((w) => w.count);
        expect(await counts(day, 60_000)).toEqual([24]);
        await ingest(rows.slice(24));
        // Inside the range read a moment ago, with an age allowed: what that read saw.
        expect(await counts(day, 60_000)).toEqual([24]);
        // A range that reaches before it, or no age allowed: what is stored.
        expect(await counts(day - DAY, 60_000)).toEqual([48]);
        expect(await counts(day, 0)).toEqual([48]);
      });

      it('label batches sent at once land one after the other: the later label wins, each counts its own', async () => {
        const p = await process('one');
        const all = elec2Predictions().slice(0, 48);
        const predictions = p.model.validator.predictions(
          all.map(({ label: _l, ...r }) => r),
          Date.now(),
        );
        if (!predictions.ok) throw new Error('invalid');
        await p.ingestion.predictions(p.model, predictions.records);
        const send = (rows: typeof all, label: (r: (typeof all)[number]) => number, extra: string[] = []) => {
          const labels = p.model.validator.labels(
            [
              ...rows.map((r) => ({ predictionId: r.id, label: label(r) })),
              ...extra.map((id) => ({ predictionId: id, label: 1 })),
            ],
            Date.now(),
          );
          if (!labels.ok) throw new Error('invalid');
          return p.ingestion.labels(p.model, labels.records);
        };
        const results = await Promise.all([
          send(all.slice(0, 24), () => 0),
          send(all.slice(12, 36), () => 1),
          send(all.slice(40), (r) => r.label, ['not-yet-1', 'not-yet-2']),
        ]);
        expect(results.map((r) => r.matched)).toEqual([24, 24, 8]);
        const rows = await queryPredictions(store.db, 'elec2', { from: 0, to: 1e15, labelled: true });
        const label = new Map(rows.map((r) => [r.id, r.label]));
        expect(rows).toHaveLength(44);
        expect(all.slice(0, 12).every((r) => label.get(r.id) === 0)).toBe(true);
        expect(all.slice(12, 36).every((r) => label.get(r.id) === 1)).toBe(true);
        const windows = await timeWindows(store, p.model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(44);
        const recomputed = computeMetrics(p.model.spec, rows);
        expect(windows[0]?.metrics.accuracy).toBeCloseTo(recomputed.accuracy as number, 12);
        expect(windows[0]?.metrics.rocAuc).toBeCloseTo(recomputed.rocAuc as number, 12);
      });

      it('folds that run beside label writes fold only their own deltas: the states equal the raw rows', async () => {
        const random = seededRandom(11);
        const all = elec2Predictions().slice(0, 48 * 4);
        const p = await process('busy');
        const predictions = p.model.validator.predictions(
          all.map(({ label: _l, ...r }) => r),
          Date.now(),
        );
        if (!predictions.ok) throw new Error('invalid');
        await p.ingestion.predictions(p.model, predictions.records);
        const writes: Promise<unknown>[] = [];
        for (let batch = 0; batch < 40; batch++) {
          const rows = all.filter(() => random() < 0.2);
          const labels = p.model.validator.labels(
            rows.map((r) => ({ predictionId: r.id, label: random() < 0.5 ? r.label : 1 - r.label })),
            Date.now(),
          );
          if (!labels.ok) throw new Error('invalid');
          writes.push(p.ingestion.labels(p.model, labels.records));
          // Reads fill this process's cache of the states (a fold may start from it), folds run beside the writes.
          if (batch % 4 === 1)
            writes.push(timeWindows(store, p.model.spec, { from: 0, to: Date.UTC(2000, 0) }));
          if (batch % 4 === 3) writes.push(p.ingestion.foldLabelDeltas([p.model]));
        }
        await Promise.all(writes);
        await p.ingestion.foldLabelDeltas([p.model]);
        const check = await checkModelStates(store.db, p.model.spec);
        expect(check.differences).toEqual([]);
        const reader = await process('reader');
        const windows = await timeWindows(store, reader.model.spec, { from: 0, to: Date.UTC(2000, 0) });
        const rows = await queryPredictions(store.db, 'elec2', { from: 0, to: 1e15, labelled: true });
        expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(rows.length);
      });

      it('every process reads what a recomputation from raw rows gives, whenever deltas are folded', async () => {
        const random = seededRandom(5);
        const all = elec2Predictions().slice(0, 48 * 6);
        const a = await process('a');
        const b = await process('b');
        const reader = await process('reader');
        const predictions = a.model.validator.predictions(
          all.map(({ label: _l, ...p }) => p),
          Date.now(),
        );
        if (!predictions.ok) throw new Error('invalid');
        await a.ingestion.predictions(a.model, predictions.records);

        const check = async (p: { model: LoadedModel }) => {
          const rows = await queryPredictions(store.db, 'elec2', { from: 0, to: 1e15, labelled: true });
          const windows = await timeWindows(store, p.model.spec, { from: 0, to: Date.UTC(2000, 0) });
          for (const w of windows) {
            const inWindow = rows.filter((r) => Math.floor(r.time / DAY) * DAY === w.start);
            expect(w.labelled).toBe(inWindow.length);
            const recomputed = computeMetrics(p.model.spec, inWindow);
            for (const [name, value] of Object.entries(recomputed))
              if (value === null) expect(w.metrics[name as keyof typeof w.metrics]).toBeNull();
              else expect(w.metrics[name as keyof typeof w.metrics]).toBeCloseTo(value, 12);
          }
          return windows.reduce((n, w) => n + w.labelled, 0);
        };
        let folds = 0;
        for (let round = 0; round < 40; round++) {
          const writer = random() < 0.5 ? a : b;
          // New labels and corrections alike: any prediction, either label.
          const batch = all
            .filter(() => random() < 0.1)
            .map((r) => ({ predictionId: r.id, label: random() < 0.5 ? 0 : 1 }));
          const labels = writer.model.validator.labels(batch, Date.now());
          if (!labels.ok) throw new Error('invalid');
          await writer.ingestion.labels(writer.model, labels.records);
          const roll = random();
          if (roll < 0.25) {
            await (random() < 0.5 ? a : b).ingestion.foldLabelDeltas([writer.model]);
            folds++;
          }
          // The reader sometimes looks between writes and folds, sometimes only after several.
          if (roll > 0.6) await check(reader);
          if (round % 10 === 9) {
            await check(a);
            await check(b);
          }
        }
        expect(folds).toBeGreaterThan(5);
        const labelled = await check(reader);
        expect(labelled).toBeGreaterThan(150);
        // Deltas were folded as the rounds went: what is left is what came after the last fold of each shard.
        const left = await store.db.selectFrom('window_label_deltas').select(['shard', 'n']).execute();
        expect(left.length).toBeLessThan(40);

        // A rebuild replaces every shard: readers drop what they held and read the rebuilt states.
        await rebuildLabelStates(store.db, a.model.spec, Date.now());
        expect(await check(reader)).toBe(labelled);
        expect(await check(a)).toBe(labelled);
        // Servers started after the rebuild (it runs with them stopped) write on: readers follow.
        const after = await process('after');
        const more = after.model.validator.labels(
          all.slice(0, 20).map((r) => ({ predictionId: r.id, label: 1 - r.label })),
          Date.now(),
        );
        if (!more.ok) throw new Error('invalid');
        await after.ingestion.labels(after.model, more.records);
        expect(await check(reader)).toBe(labelled);
        await after.ingestion.foldLabelDeltas([after.model]);
        await check(reader);
        await check(after);
      });
    },
  );
}
