import { seededRandom } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingestion } from '../monitor/ingestion.js';
import { type LoadedModel, ModelCatalog } from '../monitor/model-catalog.js';
import { timeWindows } from '../monitor/windows.js';
import { parseModelSpec } from '../spec/model-spec.js';
import type { JoinedPrediction, LabelRecord, PredictionRecord } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { rebuildLabelStates } from '../store/store-doctor.js';
import { ELEC2_MODEL, elec2Predictions } from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { WindowLabels } from './window-labels.js';
import { computeMetrics } from './window-metrics.js';

const DAY = 86_400_000;

describe("a window's labelled predictions as a state", () => {
  const spec = parseModelSpec(ELEC2_MODEL);
  const rows = elec2Predictions()
    .slice(0, 400)
    .map((r) => ({ ...r, proba: null }));

  it('gives every metric of its rows, and a correction moves it as recomputing would', () => {
    const state = new WindowLabels();
    for (const r of rows) state.add(r);
    expect(state.labelled).toBe(400);
    expect(state.metrics(spec)).toEqual(computeMetrics(spec, rows));
    // Correct 40 labels: take the old entry out, put the new one in.
    const corrected = rows.map((r, i) => (i % 10 === 3 ? { ...r, label: 1 - r.label } : r));
    for (const [i, r] of rows.entries()) {
      if (i % 10 !== 3) continue;
      state.add(r, -1);
      state.add(corrected[i] as (typeof corrected)[number]);
    }
    const metrics = state.metrics(spec);
    const recomputed = computeMetrics(spec, corrected);
    for (const [name, value] of Object.entries(recomputed))
      expect(metrics[name as keyof typeof metrics]).toBeCloseTo(value as number, 12);
    expect(Object.keys(metrics).sort()).toEqual(Object.keys(recomputed).sort());
  });

  it('merges shards that hold negative counts into the whole, and round-trips as JSON', () => {
    const a = new WindowLabels();
    const b = new WindowLabels();
    for (const r of rows.slice(0, 200)) a.add(r);
    for (const r of rows.slice(200)) b.add(r);
    // Shard b corrects a label shard a counted.
    const first = rows[0] as (typeof rows)[number];
    b.add(first, -1).add({ ...first, label: 1 - first.label });
    expect(b.negative).toBe(1);
    const merged = WindowLabels.fromJSON(JSON.parse(JSON.stringify(a))).merge(
      WindowLabels.fromJSON(JSON.parse(JSON.stringify(b))),
    );
    expect(merged.negative).toBe(0);
    expect(merged.labelled).toBe(400);
    const truth = [{ ...first, label: 1 - first.label }, ...rows.slice(1)];
    const metrics = merged.metrics(spec);
    for (const [name, value] of Object.entries(computeMetrics(spec, truth)))
      expect(metrics[name as keyof typeof metrics]).toBeCloseTo(value as number, 12);
  });

  it('keeps regression and multiclass exact too', () => {
    const regression = parseModelSpec({
      name: 'r',
      task: 'regression',
      features: [{ name: 'x', type: 'numeric' }],
    });
    const random = seededRandom(3);
    const rs = Array.from({ length: 300 }, () => ({
      output: random() * 10,
      score: null,
      proba: null,
      label: random() * 10,
    }));
    const r = new WindowLabels();
    for (const row of rs) r.add(row);
    const got = r.metrics(regression);
    for (const [name, value] of Object.entries(computeMetrics(regression, rs)))
      expect(got[name as keyof typeof got]).toBeCloseTo(value as number, 9);
    const multi = parseModelSpec({
      name: 'm',
      task: 'multiclass',
      classes: ['a', 'b', 'c'],
      features: [{ name: 'x', type: 'numeric' }],
    });
    const ms = Array.from({ length: 300 }, (_, i) => {
      const p = [random(), random(), random()];
      const sum = p[0] + p[1] + p[2];
      return {
        output: 'abc'[i % 3] as string,
        score: null,
        label: 'abc'[Math.floor(random() * 3)] as string,
        proba: { c: p[2] / sum, a: p[0] / sum, b: p[1] / sum },
      };
    });
    const m = new WindowLabels();
    for (const row of ms) m.add(row);
    const mg = m.metrics(multi);
    for (const [name, value] of Object.entries(computeMetrics(multi, ms)))
      expect(mg[name as keyof typeof mg]).toBeCloseTo(value as number, 12);
    expect(mg.rocAuc).toBeDefined();
  });
});

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `window states as labels land, ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
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

      it('equal a recomputation from raw rows after late, early, corrected labels from two processes', async () => {
        const random = seededRandom(11);
        const all = elec2Predictions().slice(0, 48 * 12);
        const validated = (rows: typeof all): PredictionRecord[] => {
          const result = model.validator.predictions(
            rows.map(({ label: _l, ...p }) => p),
            Date.now(),
          );
          if (!result.ok) throw new Error('invalid');
          return result.records;
        };
        const labelsOf = (rows: Array<{ id: string; label: number }>): LabelRecord[] => {
          const result = model.validator.labels(
            rows.map((r) => ({ predictionId: r.id, label: r.label })),
            Date.now(),
          );
          if (!result.ok) throw new Error('invalid');
          return result.records;
        };
        // Two processes, each with its own shard.
        const one = new Ingestion(store, 'one');
        const two = new Ingestion(store, 'two');
        // Labels of the last two days come first (before their predictions), through process two.
        await two.labels(model, labelsOf(all.slice(48 * 10)));
        for (let day = 0; day < 12; day++) {
          const rows = all.slice(48 * day, 48 * (day + 1));
          await (day % 2 ? one : two).predictions(model, validated(rows));
          if (day < 10)
            await (day % 2 ? two : one).labels(model, labelsOf(rows.filter(() => random() < 0.8)));
        }
        // Random corrections and late labels, in random order, through either process.
        const truth = new Map<string, number>();
        const joinedBefore = await queryPredictions(store.db, 'elec2', {
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
          labelled: true,
        });
        for (const r of joinedBefore) truth.set(r.id, r.label as number);
        for (let round = 0; round < 6; round++) {
          const batch = all
            .filter(() => random() < 0.15)
            .map((r) => ({ id: r.id, label: random() < 0.5 ? 1 - r.label : r.label }));
          for (const r of batch) truth.set(r.id, r.label);
          await (round % 2 ? one : two).labels(model, labelsOf(batch));
        }
        const expected = async () => {
          const rows = await queryPredictions(store.db, 'elec2', {
            from: 0,
            to: Number.MAX_SAFE_INTEGER,
            labelled: true,
          });
          expect(rows.length).toBe(truth.size);
          const byDay = new Map<number, JoinedPrediction[]>();
          for (const r of rows)
            byDay.set(Math.floor(r.time / DAY) * DAY, [
              ...(byDay.get(Math.floor(r.time / DAY) * DAY) ?? []),
              r,
            ]);
          return byDay;
        };
        const check = async () => {
          const byDay = await expected();
          const windows = await timeWindows(store, model.spec, { from: 0, to: Date.UTC(2000, 0) });
          expect(windows.filter((w) => w.labelled > 0).map((w) => w.start)).toEqual(
            [...byDay.keys()].sort((a, b) => a - b),
          );
          for (const w of windows) {
            const rows = byDay.get(w.start) ?? [];
            expect(w.labelled).toBe(rows.length);
            const recomputed = computeMetrics(model.spec, rows);
            expect(Object.keys(w.metrics).sort()).toEqual(Object.keys(recomputed).sort());
            for (const [name, value] of Object.entries(recomputed))
              if (value === null) expect(w.metrics[name as keyof typeof w.metrics]).toBeNull();
              else expect(w.metrics[name as keyof typeof w.metrics]).toBeCloseTo(value, 12);
          }
        };
        await check();
        // A rebuild from raw rows gives the same states.
        await rebuildLabelStates(store.db, model.spec, Date.now());
        await check();
      });
    },
  );
}
