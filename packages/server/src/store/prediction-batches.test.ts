import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingestion } from '../monitor/ingestion.js';
import { type LoadedModel, ModelCatalog } from '../monitor/model-catalog.js';
import { timeWindows } from '../monitor/windows.js';
import type { PredictionRecord } from '../spec/records.js';
import { ELEC2_MODEL, elec2Predictions } from '../testing/elec2.js';
import { PG_SKIP_REASON, testStores } from '../testing/test-stores.js';
import { predictionsById } from './label-states.js';
import { monitoringMigration } from './migrations/001-monitoring.js';
import { registryMigration } from './migrations/002-registry.js';
import { servingMigration } from './migrations/003-serving.js';
import { updatesMigration } from './migrations/004-updates.js';
import { rolloutsMigration } from './migrations/005-rollouts.js';
import { alertAcknowledgementMigration } from './migrations/006-alert-acknowledgement.js';
import { openStore, type StoreConnection } from './open-store.js';
import { batchColumns, columnRows, type RawBatch, recordAt } from './prediction-batch.js';
import { countPredictions, latestLabelledTime, queryPredictions } from './prediction-reads.js';
import { insertPredictions } from './prediction-writes.js';
import { kyselyDatabase, openSqliteFile } from './sqlite-connection.js';

const rows = elec2Predictions()
  .slice(0, 60)
  .map(({ label: _label, ...p }) => p);
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER, features: true };
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What the store gives back for records written without labels: the records themselves, label null. */
const asRead = (records: readonly PredictionRecord[]) =>
  records.map((r) => ({ ...r, label: null })).sort((a, b) => a.time - b.time || byId(a, b));

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `prediction batches on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let model: LoadedModel;
      beforeEach(async () => {
        store = await target.open();
        model = (await new ModelCatalog(store).put(ELEC2_MODEL)).model;
      });
      afterEach(async () => {
        await store.close();
      });

      const validated = (body: unknown[]) => {
        const result = model.validator.predictions(body, Date.now());
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        return result;
      };
      const validatedRecords = (body: unknown[]) => {
        const result = validated(body);
        if (!result.ok) throw new Error('invalid');
        return result.records;
      };

      it('keeps a body as received when its rows decode to the validated records, JSON and NDJSON', async () => {
        // Numeric ids, ISO times with offsets and fractions of a second, tags, explicit nulls: all normalised on read.
        const json = rows.slice(0, 20).map((p, i) => ({
          ...p,
          id: 1000 + i,
          time: new Date(p.time + 0.25).toISOString().replace('Z', '+00:00'),
          version: i % 2 ? '3' : null,
          segment: 'nsw',
          features: { ...p.features, vicprice: null },
        }));
        const ndjson = rows.slice(20, 40).map((p) => ({ ...p, time: p.time + 0.9 }));
        const first = validated(json);
        const second = validated(ndjson);
        expect([first.verbatim, second.verbatim]).toEqual([true, true]);
        const ingestion = new Ingestion(store);
        const raw: RawBatch[] = [
          { text: JSON.stringify(json), format: 'json' },
          // Blank lines and surrounding spaces (U+00A0 among them) as the request's parser allowed them.
          {
            text: `\n${ndjson.map((r) => `\u00a0 ${JSON.stringify(r)} `).join('\r\n\n')}\n`,
            format: 'ndjson',
          },
        ];
        if (!first.ok || !second.ok) throw new Error('invalid');
        await ingestion.predictions(model, first.records, raw[0]);
        await ingestion.predictions(model, second.records, raw[1]);
        expect(await queryPredictions(store.db, 'elec2', ALL_TIME)).toEqual(
          asRead([...first.records, ...second.records]),
        );
        // Without features the rows come from the batches' columns: the same but for the features.
        expect(await queryPredictions(store.db, 'elec2', { ...ALL_TIME, features: false })).toEqual(
          asRead([...first.records, ...second.records]).map((r) => ({ ...r, features: {} })),
        );
        const stored = await store.db.selectFrom('prediction_batches').select(['format', 'body']).execute();
        expect(stored.map((b) => b.format)).toEqual(['json', 'ndjson']);
        expect(stored[0]?.body).toBe(raw[0]?.text);
      });

      it('stores validated records when the body alone does not give them: a missing id, time or feature', async () => {
        const { features, ...noId } = rows[0] as (typeof rows)[number];
        const { temperature: _dropped, ...fewer } = { ...features, temperature: 0 };
        const body = [noId, { ...rows[1], time: undefined }, { ...rows[2], features: fewer }].map((r) => ({
          ...r,
          features: 'features' in r ? r.features : features,
        }));
        const result = validated(body);
        if (!result.ok) throw new Error('invalid');
        expect(result.verbatim).toBe(false);
        await new Ingestion(store).predictions(model, result.records);
        expect(await queryPredictions(store.db, 'elec2', ALL_TIME)).toEqual(asRead(result.records));
        const stored = await store.db.selectFrom('prediction_batches').select('format').execute();
        expect(stored.map((b) => b.format)).toEqual(['records']);
      });

      it.skipIf(target.name !== 'sqlite')(
        'writes on the store connection once the writer thread has stopped',
        async () => {
          const ingestion = new Ingestion(store);
          const first = validated(rows.slice(0, 10));
          const second = validated(rows.slice(10, 20));
          if (!first.ok || !second.ok) throw new Error('invalid');
          await ingestion.predictions(model, first.records);
          const writer = store.writer as NonNullable<StoreConnection['writer']>;
          expect(writer.available).toBe(true);
          await writer.close();
          expect(writer.available).toBe(false);
          expect(await ingestion.predictions(model, second.records)).toEqual({ inserted: 10, duplicates: 0 });
          expect(await queryPredictions(store.db, 'elec2', ALL_TIME)).toEqual(
            asRead([...first.records, ...second.records]),
          );
        },
      );

      it('profiles exactly the stored rows when a batch in flight is retried or refused', async () => {
        const ingestion = new Ingestion(store);
        const records = (from: number, to: number) => {
          const result = validated(rows.slice(from, to));
          if (!result.ok) throw new Error('invalid');
          return result.records;
        };
        await ingestion.predictions(model, records(0, 10));
        // Handed over together: the second repeats ids of the first (stored) and of the batch before it (in
        // flight); the ones after it were profiled on top of it and are built again.
        const results = await Promise.all([
          ingestion.predictions(model, records(10, 20)),
          ingestion.predictions(model, records(5, 25)),
          ingestion.predictions(model, records(25, 40)),
          ingestion.predictions(model, records(40, 60)),
        ]);
        expect(results).toEqual([
          { inserted: 10, duplicates: 0 },
          { inserted: 5, duplicates: 15 },
          { inserted: 15, duplicates: 0 },
          { inserted: 20, duplicates: 0 },
        ]);
        expect(await queryPredictions(store.db, 'elec2', ALL_TIME)).toEqual(asRead(records(0, 60)));
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(60);
        // A later batch builds on what is stored.
        await ingestion.predictions(
          model,
          validatedRecords(rows.slice(0, 60).map((r) => ({ ...r, id: `again-${r.id}` }))),
        );
        const after = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(after.reduce((n, w) => n + w.count, 0)).toBe(120);
      });

      it('finds every id after new ids move to the large key in a sorted run (random ids, 70 k predictions)', async () => {
        const ingestion = new Ingestion(store);
        const source = elec2Predictions();
        const all = Array.from({ length: 70 }, (_, b) =>
          validatedRecords(
            Array.from({ length: 1000 }, (_, i) => {
              const { label: _label, ...p } = source[
                (b * 1000 + i) % source.length
              ] as (typeof source)[number];
              return { ...p, id: randomBytes(12).toString('hex'), time: p.time + b };
            }),
          ),
        );
        for (const records of all) await ingestion.predictions(model, records);
        const moved = await store.db
          .selectFrom('prediction_ids')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(moved.n)).toBeGreaterThanOrEqual(50_000);
        // Moved with what labels need of each prediction.
        const withoutValues = await store.db
          .selectFrom('prediction_ids')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) => eb.or([eb('time', 'is', null), eb('output', 'is', null), eb('score', 'is', null)]))
          .executeTakeFirstOrThrow();
        expect(Number(withoutValues.n)).toBe(0);
        expect(await countPredictions(store.db, 'elec2')).toEqual({ predictions: 70_000, labels: 0 });
        // A retry mixing ids of the large key and of the small one is recognised whole.
        const retry = [
          ...(all[0] as PredictionRecord[]).slice(0, 500),
          ...(all[69] as PredictionRecord[]).slice(0, 500),
        ];
        expect(await ingestion.predictions(model, retry)).toEqual({ inserted: 0, duplicates: 1000 });
        const labels = model.validator.labels(
          retry.map((r) => ({ predictionId: r.id, label: 1, time: r.time })),
          Date.now(),
        );
        if (!labels.ok) throw new Error('invalid labels');
        expect(await ingestion.labels(model, labels.records)).toEqual({ accepted: 1000, matched: 1000 });
        expect(await latestLabelledTime(store.db, 'elec2')).toBe(Math.max(...retry.map((r) => r.time)));
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(70_000);
      });

      it('finds the latest labelled prediction behind an unlabelled tail, whatever order labels came in', async () => {
        const ingestion = new Ingestion(store);
        await ingestion.predictions(model, validatedRecords(rows));
        const labelled = async (picked: ReadonlyArray<{ id: string; time: number }>) => {
          const labels = model.validator.labels(
            picked.map((r) => ({ predictionId: r.id, label: 1, time: r.time })),
            Date.now(),
          );
          if (!labels.ok) throw new Error('invalid labels');
          await ingestion.labels(model, labels.records);
        };
        expect(await latestLabelledTime(store.db, 'elec2')).toBeUndefined();
        // Rows 30-39 labelled first, then rows 0-9 (older windows): the latest stays in 30-39; rows 40-59 never.
        await labelled(rows.slice(30, 40));
        await labelled(rows.slice(0, 10));
        expect(await latestLabelledTime(store.db, 'elec2')).toBe(
          Math.max(...rows.slice(30, 40).map((r) => r.time)),
        );
        // A label for a row in the middle of a window already holding labels moves the latest within it.
        await labelled(rows.slice(41, 42));
        expect(await latestLabelledTime(store.db, 'elec2')).toBe((rows[41] as PredictionRecord).time);
      });

      it('stores nothing of a batch whose profiles cannot be built, and counts only stored rows after it', async () => {
        const ingestion = new Ingestion(store);
        const [a, b, c] = [
          validatedRecords(rows.slice(0, 20)),
          validatedRecords(rows.slice(20, 40)),
          validatedRecords(rows.slice(40, 60)),
        ];
        await ingestion.predictions(model, a);
        // A value no validation lets through (an object for a number): the sketch refuses it halfway through.
        const broken = b.map((r, i) =>
          i === 10 ? { ...r, features: { ...r.features, nswprice: {} as unknown as number } } : r,
        );
        await expect(ingestion.predictions(model, broken)).rejects.toThrow(/finite/);
        await ingestion.predictions(model, c);
        expect(await countPredictions(store.db, 'elec2')).toEqual({ predictions: 40, labels: 0 });
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(40);
      });

      it('stores batches sent together (one commit on SQLite) but the one that fails, whole', async () => {
        const ingestion = new Ingestion(store);
        const batches = [0, 1, 2, 3, 4, 5].map((k) => validatedRecords(rows.slice(10 * k, 10 * (k + 1))));
        const broken = (batches[3] as PredictionRecord[]).map((r, i) =>
          i === 5 ? { ...r, features: { ...r.features, nswprice: {} as unknown as number } } : r,
        );
        const results = await Promise.allSettled(
          batches.map((b, k) => ingestion.predictions(model, k === 3 ? broken : b)),
        );
        expect(results.map((r) => r.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
        ]);
        expect(await countPredictions(store.db, 'elec2')).toEqual({ predictions: 50, labels: 0 });
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(50);
      });

      it('stores labels sent with batches (one group transaction on SQLite) beside a batch that fails', async () => {
        const ingestion = new Ingestion(store);
        const labelled = elec2Predictions().slice(0, 40);
        const batches = [0, 1, 2, 3].map((k) => validatedRecords(rows.slice(10 * k, 10 * (k + 1))));
        const broken = (batches[2] as PredictionRecord[]).map((r, i) =>
          i === 5 ? { ...r, features: { ...r.features, nswprice: {} as unknown as number } } : r,
        );
        const labels = (k: number) => {
          const result = model.validator.labels(
            labelled.slice(10 * k, 10 * (k + 1)).map((r) => ({ predictionId: r.id, label: r.label })),
            Date.now(),
          );
          if (!result.ok) throw new Error('invalid');
          return result.records;
        };
        await ingestion.predictions(model, batches[0] as PredictionRecord[]);
        const results = await Promise.allSettled([
          ingestion.labels(model, labels(0)),
          ingestion.predictions(model, batches[1] as PredictionRecord[]),
          ingestion.predictions(model, broken),
          ingestion.labels(model, labels(1)),
          ingestion.labels(model, labels(2)),
          ingestion.predictions(model, batches[3] as PredictionRecord[]),
        ]);
        expect(results.map((r) => r.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        // Every label is stored; those of the refused batch wait for their predictions, the others count in their
        // windows whatever order they came in.
        expect(await countPredictions(store.db, 'elec2')).toEqual({ predictions: 30, labels: 30 });
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(30);
        expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(20);
      });

      it('counts labels sent just before their predictions, both in flight, once both are answered', async () => {
        const ingestion = new Ingestion(store);
        const source = elec2Predictions().slice(100, 130);
        const labels = model.validator.labels(
          source.map((r) => ({ predictionId: r.id, label: r.label })),
          Date.now(),
        );
        if (!labels.ok) throw new Error('invalid');
        // Three label batches each posted ahead of its predictions (on SQLite: queued in the writer thread first).
        await Promise.all(
          [0, 1, 2].flatMap((k) => [
            ingestion.labels(model, labels.records.slice(10 * k, 10 * (k + 1))),
            ingestion.predictions(
              model,
              validatedRecords(source.slice(10 * k, 10 * (k + 1)).map(({ label: _l, ...p }) => p)),
            ),
          ]),
        );
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(30);
        const accuracy = windows.reduce((n, w) => n + (w.metrics.accuracy ?? 0) * w.labelled, 0) / 30;
        const right = source.filter((r) => r.output === r.label).length / 30;
        expect(accuracy).toBeCloseTo(right, 12);
      });

      it.skipIf(target.name !== 'postgres')(
        "counts a label whose prediction committed while the label's own transaction was still open",
        async () => {
          // The label transaction looks its predictions up (none yet), then is held open until the predictions are
          // stored and their own match has looked for waiting labels (none committed yet): the race two requests
          // of one process run into on PostgreSQL.
          const gate = holdingTransactions(store);
          const ingestion = new Ingestion({ ...store, db: gate.db });
          const records = validatedRecords(rows.slice(0, 10));
          const labels = model.validator.labels(
            elec2Predictions()
              .slice(0, 10)
              .map((r) => ({ predictionId: r.id, label: r.label })),
            Date.now(),
          );
          if (!labels.ok) throw new Error('invalid');
          const release = gate.holdNext();
          const labelling = ingestion.labels(model, labels.records);
          await gate.paused;
          await ingestion.predictions(model, records);
          release();
          expect((await labelling).matched).toBe(10);
          const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
          expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(10);
        },
      );

      it.skipIf(target.name !== 'postgres')(
        'takes out the label another process put in while this correction waited for its row',
        async () => {
          // Process A corrects ten labels and holds its transaction open; process B corrects the same ten, waits on
          // A's row locks, and goes on once A commits: B must take out A's labels, not the ones it could read before.
          const ten = elec2Predictions().slice(0, 10);
          const labelled = (label: (r: (typeof ten)[number]) => number) => {
            const result = model.validator.labels(
              ten.map((r) => ({ predictionId: r.id, label: label(r) })),
              Date.now(),
            );
            if (!result.ok) throw new Error('invalid');
            return result.records;
          };
          const setup = new Ingestion(store);
          await setup.predictions(model, validatedRecords(rows.slice(0, 10)));
          await setup.labels(
            model,
            labelled((r) => r.label),
          );
          const gate = holdingTransactions(store);
          const a = new Ingestion({ ...store, db: gate.db });
          const b = new Ingestion(store);
          const release = gate.holdNext();
          const flipping = a.labels(
            model,
            labelled((r) => 1 - r.label),
          );
          await gate.paused;
          const restoring = b.labels(
            model,
            labelled((r) => r.label),
          );
          await waitForLockWait(store);
          release();
          await Promise.all([flipping, restoring]);
          const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
          expect(windows.reduce((n, w) => n + w.labelled, 0)).toBe(10);
          const right = windows.reduce((n, w) => n + (w.metrics.accuracy ?? 0) * w.labelled, 0);
          expect(right).toBeCloseTo(ten.filter((r) => r.output === r.label).length, 9);
        },
      );

      it('gives a label what its prediction holds, from the id key, and from the batch for ids stored before', async () => {
        const awkward: PredictionRecord[] = [
          ['a', 'cat', null, null],
          ['b', 'dog', 0.1 + 0.2, { cat: 0.3, 'd"og': 0.7 }],
          ['c', 2.5, 1e-7, null],
          ['d', 0, 768_833_167_993_708_200, { x: 5e-324 }],
          ['e', 'é\\"', -0.000_123_456_789_012_345_67, null],
        ].map(([id, output, score, proba], i) => ({
          id: id as string,
          time: 1_700_000_000_123 + i * 3_600_123,
          version: i % 2 ? '2' : null,
          segment: null,
          features: { x: i },
          output: output as PredictionRecord['output'],
          score: score as number | null,
          proba: proba as Record<string, number> | null,
        }));
        const now = Date.now();
        const sqlite = store.sqlite ? { sqlite: store.sqlite } : {};
        await insertPredictions(store.db, 'm', awkward.slice(0, 3), now, sqlite);
        // A retry with two new rows: its skipped row still points at the first batch.
        await insertPredictions(store.db, 'm', awkward.slice(2), now, sqlite);
        const expected = new Map(
          awkward.map(({ id, time, output, score, proba }) => [id, { id, time, output, score, proba }]),
        );
        const ids = [...awkward.map((r) => r.id), 'not stored'];
        expect(await predictionsById(store.db, 'm', ids)).toEqual(expected);
        // Both stores keep the values beside each id, as JSON text exactly as the columns have them.
        const keyed = [];
        for (const table of ['prediction_ids', 'prediction_ids_recent'] as const)
          keyed.push(
            ...(await store.db
              .selectFrom(table)
              .select(['id', 'time', 'output', 'score', 'proba'])
              .execute()),
          );
        expect(keyed.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
          awkward.map(({ id, time, output, score, proba }) => ({
            id,
            time,
            output: JSON.stringify(output),
            score: score === null ? null : JSON.stringify(score),
            proba: proba === null ? null : JSON.stringify(proba),
          })),
        );
        for (const table of ['prediction_ids', 'prediction_ids_recent'] as const)
          await store.db
            .updateTable(table)
            .set({ time: null, output: null, score: null, proba: null })
            .execute();
        expect(await predictionsById(store.db, 'm', ids)).toEqual(expected);
      });

      it('skips the ids a model already has, keeps the first row stored, and reads every id once', async () => {
        const ingestion = new Ingestion(store);
        const a = validated(rows.slice(0, 30));
        // Rows 20–29 again, with other outputs: a retry must not replace what was acknowledged.
        const retried = rows.slice(20, 50).map((p, i) => (i < 10 ? { ...p, output: 1 - p.output } : p));
        const b = validated(retried);
        if (!a.ok || !b.ok) throw new Error('invalid');
        const batch = (text: unknown[]): RawBatch => ({ text: JSON.stringify(text), format: 'json' });
        expect(await ingestion.predictions(model, a.records, batch(rows.slice(0, 30)))).toEqual({
          inserted: 30,
          duplicates: 0,
        });
        expect(await ingestion.predictions(model, b.records, batch(retried))).toEqual({
          inserted: 20,
          duplicates: 10,
        });
        expect(await ingestion.predictions(model, b.records, batch(retried))).toEqual({
          inserted: 0,
          duplicates: 30,
        });
        expect(await queryPredictions(store.db, 'elec2', ALL_TIME)).toEqual(
          asRead([...a.records, ...b.records.slice(10)]),
        );
        expect(await countPredictions(store.db, 'elec2')).toEqual({ predictions: 50, labels: 0 });
        const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
        expect(windows.reduce((n, w) => n + w.count, 0)).toBe(50);
        expect(await store.db.selectFrom('prediction_batches').select('count').execute()).toEqual([
          { count: 30 },
          { count: 20 },
        ]);
      });
    },
  );
}

describe('batch columns', () => {
  it('give back every field but the features, with tags and probabilities, skipped rows and a time range', () => {
    const records: PredictionRecord[] = [
      {
        id: 'a',
        time: 10,
        version: null,
        segment: null,
        features: { x: 1 },
        output: 'cat',
        score: null,
        proba: null,
      },
      {
        id: 'b',
        time: 20,
        version: '2',
        segment: 'eu',
        features: { x: 2 },
        output: 'dog',
        score: null,
        proba: { cat: 0.3, dog: 0.7 },
      },
      {
        id: 'c',
        time: 30,
        version: '2',
        segment: null,
        features: { x: 3 },
        output: 'cat',
        score: null,
        proba: null,
      },
      {
        id: 'd',
        time: 40,
        version: null,
        segment: null,
        features: { x: 4 },
        output: 'dog',
        score: null,
        proba: null,
      },
    ];
    const columns = batchColumns(records, JSON.stringify(records.map((r) => r.id)));
    expect(JSON.parse(columns)).toMatchObject({
      score: null,
      version: [null, '2', '2', null],
      segment: [null, 'eu', null, null],
    });
    const all = columnRows(columns, null);
    expect(all.rows.map((i) => recordAt(all.columns, i))).toEqual(
      records.map((r) => ({ ...r, features: {} })),
    );
    // Row 2 was a duplicate of a stored id; [15, 40) keeps rows 1 and 2 of the others.
    const some = columnRows(columns, '[2]', { from: 15, to: 40 });
    expect(some.rows).toEqual([1]);
  });
});

const pgUrl = process.env.STEWARD_TEST_PG;

/** Where a store at migration 006 (a row a prediction) is made, migrated by openStore, and removed. */
interface OldStore {
  name: string;
  skip?: string;
  create(): Promise<{ db: Kysely<unknown>; url: string; schema?: string; migrationTableSchema?: string }>;
  remove(place: { url: string; schema?: string }): Promise<void>;
}

const oldStores: OldStore[] = [
  {
    name: 'sqlite',
    async create() {
      const url = join(mkdtempSync(join(tmpdir(), 'steward-old-')), 'old.db');
      return {
        url,
        db: new Kysely<unknown>({
          dialect: new SqliteDialect({ database: kyselyDatabase(openSqliteFile(url)) }),
        }),
      };
    },
    async remove({ url }) {
      rmSync(dirname(url), { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    ...(PG_SKIP_REASON ? { skip: PG_SKIP_REASON } : {}),
    async create() {
      const url = pgUrl as string;
      const schema = `steward_old_${randomBytes(6).toString('hex')}`;
      const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
      await pool.query(`create schema ${schema}`);
      return {
        url,
        schema,
        migrationTableSchema: schema,
        db: new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }),
      };
    },
    async remove({ url, schema }) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  },
];

for (const old of oldStores) {
  describe.skipIf(old.skip !== undefined)(
    `migration 007 on ${old.name}${old.skip ? ` (${old.skip})` : ''}`,
    () => {
      it('moves every stored prediction into batch records, ids and values intact', async () => {
        const place = await old.create();
        const dialect = old.name === 'sqlite' ? 'sqlite' : 'postgres';
        try {
          const migrations = {
            '001-monitoring': monitoringMigration(dialect),
            '002-registry': registryMigration(dialect),
            '003-serving': servingMigration(dialect),
            '004-updates': updatesMigration(),
            '005-rollouts': rolloutsMigration(dialect),
            '006-alert-acknowledgement': alertAcknowledgementMigration(),
          };
          const migrator = new Migrator({
            db: place.db,
            provider: { getMigrations: async () => migrations },
            ...(place.migrationTableSchema ? { migrationTableSchema: place.migrationTableSchema } : {}),
          });
          expect((await migrator.migrateToLatest()).error).toBeUndefined();
          // 2,500 predictions of one model (three batch records) and one of another, written as 006 stored them.
          const many = elec2Predictions().slice(0, 2500);
          const stored = [
            ...many.map((p, i) => ({ model: 'elec2', ...p, version: i % 3 ? '2' : null, segment: null })),
            { model: 'other', ...(many[0] as (typeof many)[number]), version: null, segment: 'x' },
          ];
          for (let i = 0; i < stored.length; i += 500) {
            await place.db
              .insertInto('predictions' as never)
              .values(
                stored.slice(i, i + 500).map((p) => ({
                  model: p.model,
                  id: p.id,
                  time: p.time,
                  version: p.version,
                  segment: p.segment,
                  features: JSON.stringify(p.features),
                  output: JSON.stringify(p.output),
                  score: p.score,
                  proba: null,
                  ingested_at: 5,
                })) as never,
              )
              .execute();
          }
          await place.db.destroy();
          const store = await openStore({
            url: place.url,
            ...(place.schema ? { schema: place.schema } : {}),
          });
          try {
            const read = await queryPredictions(store.db, 'elec2', ALL_TIME);
            expect(read).toEqual(
              stored
                .filter((p) => p.model === 'elec2')
                .map(({ model: _model, label: _label, ...p }) => ({ ...p, proba: null, label: null }))
                .sort((a, b) => a.time - b.time || byId(a, b)),
            );
            expect(await countPredictions(store.db, 'other')).toEqual({ predictions: 1, labels: 0 });
            const batches = await store.db
              .selectFrom('prediction_batches')
              .select(['model', 'count', 'format'])
              .orderBy('seq')
              .execute();
            expect(batches).toEqual([
              { model: 'elec2', count: 1000, format: 'records' },
              { model: 'elec2', count: 1000, format: 'records' },
              { model: 'elec2', count: 500, format: 'records' },
              { model: 'other', count: 1, format: 'records' },
            ]);
            const tables = await sql<{ n: number }>`select count(*) as n from prediction_ids`.execute(
              store.db,
            );
            expect(Number(tables.rows[0]?.n)).toBe(2501);
          } finally {
            await store.close();
          }
        } finally {
          await old.remove(place);
        }
      });
    },
  );
}

/**
 * The store's Kysely with its transactions held open after their work, before their commit, when asked: `holdNext`
 * arms the next transaction and returns its release; `paused` settles once it is held.
 */
function holdingTransactions(store: StoreConnection) {
  let hold: Promise<void> | undefined;
  let held: () => void = () => {};
  const paused = new Promise<void>((resolve) => {
    held = resolve;
  });
  const db = new Proxy(store.db, {
    get(target, property) {
      if (property !== 'transaction') {
        // Kysely keeps its state in private fields: its methods run on the instance itself.
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return () => {
        const builder = target.transaction();
        return {
          execute: <T>(fn: (trx: typeof target) => Promise<T>) =>
            builder.execute(async (trx) => {
              const result = await fn(trx);
              const gate = hold;
              hold = undefined;
              if (gate) {
                held();
                await gate;
              }
              return result;
            }),
        };
      };
    },
  });
  return {
    db,
    paused,
    holdNext(): () => void {
      let release: () => void = () => {};
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return release;
    },
  };
}

/** Resolves once a PostgreSQL backend of the store waits for a lock (fails after 5 s). */
async function waitForLockWait(store: StoreConnection): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows: waiting } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and datname = current_database()`.execute(store.db);
    if ((waiting[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no transaction waited for a lock within 5 s');
}
