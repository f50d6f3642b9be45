import { accuracy, rocAuc } from '@steward/core';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelSpecError } from '../spec/model-spec.js';
import type { PredictionRecord } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import { dropStaleWaitingLabels, TooManyWaitingLabelsError, upsertLabels } from '../store/label-upserts.js';
import type { StoreConnection } from '../store/open-store.js';
import { countPredictions, queryPredictions } from '../store/prediction-reads.js';
import { ELEC2_MODEL, type Elec2Prediction, elec2Predictions } from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { Ingestion } from './ingestion.js';
import { type LoadedModel, ModelCatalog } from './model-catalog.js';
import { countWindows, timeWindows } from './windows.js';

const all = elec2Predictions();
const DAY = 86_400_000;
const firstDays = (n: number) =>
  all.filter(
    (p) => p.time < (all[0] as Elec2Prediction).time - ((all[0] as Elec2Prediction).time % DAY) + n * DAY,
  );

function validated(model: LoadedModel, rows: Elec2Prediction[]): PredictionRecord[] {
  const result = model.validator.predictions(
    rows.map(({ label: _label, ...p }) => p),
    Date.now(),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.records;
}

/** Triggers that make the database itself fail any insert of `id` into the keys of stored predictions. */
async function refuseId(store: StoreConnection, id: string): Promise<void> {
  const tables = ['prediction_ids', 'prediction_ids_recent'];
  if (store.dialect === 'sqlite') {
    for (const table of tables)
      await sql`create trigger ${sql.raw(`refuse_${table}`)} before insert on ${sql.table(table)} when new.id = ${sql.lit(id)}
        begin select raise(abort, 'refused by a test trigger'); end`.execute(store.db);
    return;
  }
  await sql`create function refuse() returns trigger language plpgsql as $$
    begin if new.id = ${sql.lit(id)} then raise exception 'refused by a test trigger'; end if; return new; end $$`.execute(
    store.db,
  );
  for (const table of tables)
    await sql`create trigger refuse before insert on ${sql.table(table)} for each row execute function refuse()`.execute(
      store.db,
    );
}

type ReadWindows = Awaited<ReturnType<typeof timeWindows>>;

/** The same windows, counts and profiles (float sums behind a mean to 1e-9: they add in another order). */
function expectSameWindows(actual: ReadWindows, expected: ReadWindows): void {
  expect(actual.map((w) => w.count)).toEqual(expected.map((w) => w.count));
  for (let i = 0; i < expected.length; i++) {
    const a = (expected[i] as ReadWindows[number]).profile?.toJSON();
    const b = (actual[i] as ReadWindows[number]).profile?.toJSON();
    if (!a || !b) throw new Error('windows read without their profiles');
    for (const name of Object.keys(a.features)) {
      const [fa, fb] = [a.features[name], b.features[name]] as Array<{ sketch: { sum: number } }>;
      expect(fb?.sketch.sum).toBeCloseTo(fa?.sketch.sum as number, 9);
      expect({ ...fb, sketch: { ...fb?.sketch, sum: 0 } }).toEqual({
        ...fa,
        sketch: { ...fa?.sketch, sum: 0 },
      });
    }
    expect(b.output).toEqual(a.output);
  }
}

function labelsOf(model: LoadedModel, rows: Elec2Prediction[]) {
  const result = model.validator.labels(
    rows.map((p) => ({ predictionId: p.id, label: p.label, time: p.time + 3_600_000 })),
    Date.now(),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.records;
}

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `monitoring store on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let catalog: ModelCatalog;
      let model: LoadedModel;

      beforeEach(async () => {
        store = await target.open();
        catalog = new ModelCatalog(store);
        model = (await catalog.put(ELEC2_MODEL)).model;
      });
      afterEach(async () => {
        await store.close();
      });

      it('profiles each day of Elec2 predictions at ingest and computes metrics once labels join', async () => {
        const rows = firstDays(3);
        const ingestion = new Ingestion(store);
        expect(await ingestion.predictions(model, validated(model, rows))).toEqual({
          inserted: rows.length,
          duplicates: 0,
        });
        const range = {
          from: (rows[0] as Elec2Prediction).time,
          to: (rows.at(-1) as Elec2Prediction).time + 1,
        };
        let windows = await timeWindows(store, model.spec, range);
        expect(windows.map((w) => w.count).reduce((a, b) => a + b)).toBe(rows.length);
        expect(windows.every((w) => w.labelled === 0 && Object.keys(w.metrics).length === 0)).toBe(true);
        const price = windows[1]?.profile?.features.get('nswprice')?.quantiles;
        const dayTwo = rows.filter(
          (r) =>
            r.time >= (windows[1] as { start: number }).start && r.time < (windows[1] as { end: number }).end,
        );
        expect(price?.count).toBe(dayTwo.length);
        expect(price?.max).toBe(Math.max(...dayTwo.map((r) => r.features.nswprice as number)));

        expect(await ingestion.labels(model, labelsOf(model, rows))).toEqual({
          accepted: rows.length,
          matched: rows.length,
        });
        windows = await timeWindows(store, model.spec, range);
        for (const w of windows) {
          const mine = rows.filter((r) => r.time >= w.start && r.time < w.end);
          expect(w.labelled).toBe(mine.length);
          expect(w.metrics.accuracy).toBe(
            accuracy(
              mine.map((r) => r.label),
              mine.map((r) => r.output),
            ),
          );
          expect(w.metrics.rocAuc).toBe(
            rocAuc(
              mine.map((r) => r.label),
              mine.map((r) => r.score),
            ),
          );
        }
      });

      it("joins a late label to its prediction and moves that window's accuracy; labels may also come first", async () => {
        const rows = firstDays(1);
        const ingestion = new Ingestion(store);
        const [early, late] = [rows.slice(0, 10), rows.slice(10)];
        await ingestion.labels(model, labelsOf(model, late.slice(0, 5)));
        await ingestion.predictions(model, validated(model, rows));
        await ingestion.labels(model, labelsOf(model, early));
        const range = {
          from: (rows[0] as Elec2Prediction).time,
          to: (rows.at(-1) as Elec2Prediction).time + 1,
        };
        let [w] = await timeWindows(store, model.spec, range);
        expect(w?.labelled).toBe(15);
        const labelled = [...early, ...late.slice(0, 5)];
        expect(w?.metrics.accuracy).toBe(
          accuracy(
            labelled.map((r) => r.label),
            labelled.map((r) => r.output),
          ),
        );

        const wrong = late[5] as Elec2Prediction;
        const result = await ingestion.labels(
          model,
          labelsOf(model, [{ ...wrong, label: 1 - wrong.output }]),
        );
        expect(result).toEqual({ accepted: 1, matched: 1 });
        [w] = await timeWindows(store, model.spec, range);
        expect(w?.labelled).toBe(16);
        const correct = labelled.filter((r) => r.label === r.output).length;
        expect(w?.metrics.accuracy).toBeCloseTo(correct / 16, 15);
      });

      it('skips a re-sent batch instead of counting it twice', async () => {
        const rows = firstDays(1);
        const ingestion = new Ingestion(store);
        await ingestion.predictions(model, validated(model, rows));
        expect(await ingestion.predictions(model, validated(model, rows))).toEqual({
          inserted: 0,
          duplicates: rows.length,
        });
        const restarted = new Ingestion(store);
        expect(await restarted.predictions(model, validated(model, rows.slice(0, 7)))).toEqual({
          inserted: 0,
          duplicates: 7,
        });
        const [w] = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(w?.count).toBe(rows.length);
      });

      it('stores nothing of a batch the store refuses, and the batches around it in full', async () => {
        const rows = validated(model, firstDays(2));
        const [a, b, c] = [rows.slice(0, 30), rows.slice(30, 60), rows.slice(60)];
        // The database itself refuses the batch halfway through (after its batch record, at its 8th id).
        await refuseId(store, 'refused-by-the-database');
        const broken = b.map((r, i) => (i === 7 ? { ...r, id: 'refused-by-the-database' } : r));
        const ingestion = new Ingestion(store);
        const results = await Promise.allSettled([
          ingestion.predictions(model, a),
          ingestion.predictions(model, broken),
          ingestion.predictions(model, c),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/refused by a test trigger/);
        expect(await countPredictions(store.db, 'elec2')).toEqual({
          predictions: a.length + c.length,
          labels: 0,
        });
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(a.length + c.length);
        // The refused batch, sent again intact, is stored in full and counted once.
        expect(await ingestion.predictions(model, b)).toEqual({ inserted: b.length, duplicates: 0 });
        const after = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(after.reduce((n, w) => n + w.count, 0)).toBe(rows.length);
      });

      it('merges the profiles of several writers into the figures one writer builds', async () => {
        const rows = firstDays(4);
        const single = await target.open();
        try {
          const singleModel = (await new ModelCatalog(single).put(ELEC2_MODEL)).model;
          await new Ingestion(single).predictions(singleModel, validated(singleModel, rows));
          const writers = [new Ingestion(store), new Ingestion(store), new Ingestion(store)];
          for (let i = 0; i < rows.length; i += 25) {
            await (writers[(i / 25) % 3] as Ingestion).predictions(
              model,
              validated(model, rows.slice(i, i + 25)),
            );
          }
          const range = { from: 0, to: Date.UTC(2000, 0), size: 2 * DAY };
          const one = await timeWindows(single, singleModel.spec, range);
          expectSameWindows(await timeWindows(store, model.spec, range), one);
        } finally {
          await single.close();
        }
      });

      it('reads late rows of older windows exactly, whichever profile row holds them', async () => {
        // The newer week first, then the older one ten rows at a time: its rows go to the window's side profile
        // (`SHARD~late`), folded into the window's own once it holds 64 rows and an eighth of it.
        const weekly = { ...ELEC2_MODEL, name: 'weekly', window: '7d' };
        const rows = all.slice(0, 14 * 48);
        const start = windowStart((rows[0] as Elec2Prediction).time, 7 * DAY);
        const older = rows.filter((r) => r.time < start + 7 * DAY);
        const newer = rows.filter((r) => r.time >= start + 7 * DAY);
        const single = await target.open();
        try {
          const inOrder = (await new ModelCatalog(single).put(weekly)).model;
          await new Ingestion(single).predictions(inOrder, validated(inOrder, rows));
          const late = (await catalog.put(weekly)).model;
          const ingestion = new Ingestion(store);
          await ingestion.predictions(late, validated(late, newer));
          for (let i = 0; i < older.length; i += 10)
            await ingestion.predictions(late, validated(late, older.slice(i, i + 10)));
          const range = { from: 0, to: Date.UTC(2000, 0) };
          expectSameWindows(
            await timeWindows(store, late.spec, range),
            await timeWindows(single, inOrder.spec, range),
          );
          const stored = await store.db
            .selectFrom('profiles')
            .select(['window_start', 'shard', 'count'])
            .where('model', '=', 'weekly')
            .where('window_start', '=', start)
            .execute();
          const counts = Object.fromEntries(
            stored.map((r) => [r.shard.endsWith('~late') ? 'late' : 'own', Number(r.count)]),
          );
          // Folded once it held 64 rows or more (70 here: batches of ten), the rest still on the side.
          expect(counts.own + counts.late).toBe(older.length);
          expect(counts.own).toBeGreaterThanOrEqual(64);
          expect(counts.late).toBeGreaterThan(0);
          expect(counts.late).toBeLessThan(Math.max(64, counts.own / 8) + 10);
        } finally {
          await single.close();
        }
      });

      it('reads a window whose side profile was folded away after a busy read cached its heads', async () => {
        const weekly = { ...ELEC2_MODEL, name: 'weekly', window: '7d' };
        const rows = all.slice(0, 14 * 48);
        const start = windowStart((rows[0] as Elec2Prediction).time, 7 * DAY);
        const older = rows.filter((r) => r.time < start + 7 * DAY);
        const newer = rows.filter((r) => r.time >= start + 7 * DAY);
        const late = (await catalog.put(weekly)).model;
        const ingestion = new Ingestion(store);
        await ingestion.predictions(late, validated(late, newer));
        await ingestion.predictions(late, validated(late, older.slice(0, 60)));
        const range = { from: 0, to: Date.UTC(2000, 0), maxAgeMs: 60_000 };
        // A busy metrics read: no profiles parsed, the heads (the side profile's among them) kept for a while.
        await timeWindows(store, late.spec, { ...range, profiles: false });
        // Ten more late rows: the side profile is folded into the window's own and its row deleted.
        await ingestion.predictions(late, validated(late, older.slice(60, 70)));
        const shards = await store.db
          .selectFrom('profiles')
          .select('shard')
          .where('model', '=', 'weekly')
          .where('window_start', '=', start)
          .execute();
        expect(shards.map((r) => r.shard.endsWith('~late'))).toEqual([false]);
        const windows = await timeWindows(store, late.spec, range);
        expect(windows[0]?.profile?.count).toBe(70);
        expect(windows.reduce((n, w) => n + (w.profile?.count ?? 0), 0)).toBe(70 + newer.length);
      });

      it('reads more windows with their profiles than the read cache keeps', async () => {
        const hourly = { ...ELEC2_MODEL, name: 'hourly', window: '1h' };
        const hourlyModel = (await catalog.put(hourly)).model;
        // 4,500 one-hour windows, two rows each: more than the 4,096 parsed profiles a process keeps.
        const rows = all.slice(0, 9_000);
        const ingestion = new Ingestion(store);
        for (let i = 0; i < rows.length; i += 3_000)
          await ingestion.predictions(hourlyModel, validated(hourlyModel, rows.slice(i, i + 3_000)));
        for (let i = 0; i < rows.length; i += 3_000)
          await ingestion.labels(hourlyModel, labelsOf(hourlyModel, rows.slice(i, i + 3_000)));
        const windows = await timeWindows(store, hourlyModel.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows).toHaveLength(4_500);
        expect(windows.every((w) => w.profile?.count === 2)).toBe(true);
        // Every window's metrics too: more label states than the process keeps between reads.
        expect(windows.filter((w) => w.labelled !== 2)).toEqual([]);
        const accuracies = windows.map((w) => w.metrics.accuracy);
        const expected = Array.from({ length: 4_500 }, (_, k) => {
          const pair = rows.slice(2 * k, 2 * k + 2);
          return pair.filter((r) => r.output === r.label).length / 2;
        });
        expect(accuracies).toEqual(expected);
      });

      it('measures how old a read may be on the store clock, so a replay a step later sees that step', async () => {
        const rows = firstDays(2);
        const ingestion = new Ingestion(store);
        const first = rows.slice(0, 48);
        await ingestion.predictions(model, validated(model, first));
        const at = (r: Elec2Prediction | undefined) => (r as Elec2Prediction).time + 1;
        // A replay's clock: reads may be a second old on it, and it jumps ahead half an hour a step.
        const read = (now: number) =>
          timeWindows(store, model.spec, { from: 0, to: now, maxAgeMs: 1000, now });
        const before = await read(at(first.at(-1)));
        await ingestion.predictions(model, validated(model, rows.slice(48, 49)));
        const after = await read(at(rows[48]));
        expect(after.reduce((n, w) => n + w.count, 0)).toBe(before.reduce((n, w) => n + w.count, 0) + 1);
      });

      it('starts a deleted and re-created model from empty profiles', async () => {
        const rows = firstDays(1);
        const ingestion = new Ingestion(store);
        await ingestion.predictions(model, validated(model, rows));
        expect(await catalog.delete('elec2')).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 2));
        const again = (await catalog.put(ELEC2_MODEL)).model;
        await ingestion.predictions(again, validated(again, rows.slice(0, 10)));
        const windows = await timeWindows(store, again.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.map((w) => w.count)).toEqual([10]);
      });

      it('cuts windows of N consecutive predictions', async () => {
        const rows = firstDays(2);
        const ingestion = new Ingestion(store);
        await ingestion.predictions(model, validated(model, rows));
        await ingestion.labels(model, labelsOf(model, rows));
        const windows = await countWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0), count: 40 });
        expect(windows.map((w) => w.count)).toEqual([40, 40, rows.length - 80]);
        const second = rows.slice(40, 80);
        expect(windows[1]?.start).toBe(second[0]?.time);
        expect(windows[1]?.metrics.accuracy).toBe(
          accuracy(
            second.map((r) => r.label),
            second.map((r) => r.output),
          ),
        );
      });

      it('keeps labels that wait for their predictions, caps them, and clears them once matched or too old', async () => {
        const rows = all.slice(0, 300);
        const early = rows.slice(0, 100).map((p) => ({ predictionId: p.id, label: p.label, time: p.time }));
        const unknown = Array.from({ length: 50 }, (_, i) => ({
          predictionId: `nobody-${i}`,
          label: 1,
          time: 1,
        }));
        // SQLite's statements run on its connection's handle.
        const onStore = store.sqlite ? { sqlite: store.sqlite } : {};
        if (store.sqlite)
          await expect(
            store.db.transaction().execute((trx) => upsertLabels(trx, 'elec2', early, 1000)),
          ).rejects.toThrow(/pass the connection as `sqlite`/);
        const first = await store.db
          .transaction()
          .execute((trx) => upsertLabels(trx, 'elec2', [...early, ...unknown], 1000, onStore));
        expect(first).toEqual({ matched: 0, changes: [] });
        const waiting = async () =>
          Number(
            (
              await store.db
                .selectFrom('labels')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('waiting', '=', 1)
                .executeTakeFirstOrThrow()
            ).n,
          );
        expect(await waiting()).toBe(150);
        // Corrections of labels that wait add none: 150 waiting and 50 sent again fit a cap of 200.
        await store.db
          .transaction()
          .execute((trx) => upsertLabels(trx, 'elec2', unknown, 1000, { ...onStore, maxWaiting: 200 }));
        expect(await waiting()).toBe(150);
        // One more unmatched label than the cap allows: the whole batch is refused, nothing stored.
        const more = Array.from({ length: 51 }, (_, i) => ({ predictionId: `more-${i}`, label: 0, time: 1 }));
        await expect(
          store.db
            .transaction()
            .execute((trx) => upsertLabels(trx, 'elec2', more, 1000, { ...onStore, maxWaiting: 200 })),
        ).rejects.toThrow(TooManyWaitingLabelsError);
        expect(await waiting()).toBe(150);
        // The predictions arrive: their labels stop waiting and count in their windows; the others go after 30 days.
        await new Ingestion(store).predictions(model, validated(model, rows.slice(0, 100)));
        expect(await waiting()).toBe(50);
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(100);
        expect(await dropStaleWaitingLabels(store.db, 'elec2', 2000)).toEqual({ waiting: 50, dropped: 0 });
        expect(await dropStaleWaitingLabels(store.db, 'elec2', 1000 + 30 * 86_400_000 + 1)).toEqual({
          waiting: 0,
          dropped: 50,
        });
        const joined = await queryPredictions(store.db, 'elec2', {
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
          labelled: true,
        });
        expect(joined).toHaveLength(100);
      });

      it('refuses a model spec with every problem named, and a change of task', async () => {
        await expect(catalog.put({ name: 'bad name!', task: 'binary', features: [] })).rejects.toThrow(
          ModelSpecError,
        );
        const error = await catalog
          .put({ name: 'm', task: 'binary', features: [{ name: 'x', type: 'vector' }], window: 'soon' })
          .catch((e: unknown) => e);
        expect((error as ModelSpecError).issues.map((i) => i.field)).toEqual(['features[0].type', 'window']);
        await expect(catalog.put({ ...ELEC2_MODEL, task: 'regression' })).rejects.toThrow(
          /has task "binary"; it cannot change/,
        );
        // A zero window would make every window start undefined; names every object has would break lookups.
        const reserved = await catalog
          .put({
            name: 'm',
            task: 'binary',
            window: '0s',
            features: ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((name) => ({
              name,
              type: 'numeric',
            })),
          })
          .catch((e: unknown) => e);
        expect((reserved as ModelSpecError).issues).toEqual([
          ...[0, 1, 2, 3].map((i) => ({
            field: `features[${i}].name`,
            message: 'this name is reserved (every JavaScript object has it): rename the feature',
          })),
          { field: 'window', message: 'window must be at least 1s' },
        ]);
        expect((await catalog.list()).map((m) => m.spec.name)).toEqual(['elec2']);
      });
    },
  );
}
