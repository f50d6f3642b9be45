import { restoreModel } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../spec/model-spec.js';
import type { RunDataset } from './run-dataset.js';
import { trainCandidate } from './strategies.js';
import { recencyWeights } from './train-fresh.js';

const HOUR = 3_600_000;

/** 600 hourly rows: the label is x > 0 for the first 500 and x < 0 for the newest 100 (the concept flipped). */
function flipped(): RunDataset {
  const x = Array.from({ length: 600 }, (_, i) => ((i * 37) % 101) / 50 - 1);
  const y = x.map((v, i) => (i < 500 ? Number(v > 0) : Number(v < 0)));
  const times = x.map((_, i) => i * HOUR);
  const records = x.map((v, i) => ({ x: v, unit: i % 10 === 0 ? 'b' : 'a' }));
  return {
    trainX: x.map((v) => [v]),
    trainY: y,
    trainTimes: times,
    heldX: [],
    heldY: [],
    heldTimes: [],
    records,
    recordLabels: y,
    recordTimes: times,
    heldRecords: [],
    heldRecordLabels: [],
    heldRecordTimes: [],
    rows: 600,
    from: 0,
    to: 600 * HOUR,
  };
}

const spec = (update: Record<string, unknown>, categorical = false) =>
  parseModelSpec({
    name: 'm',
    task: 'binary',
    features: categorical
      ? [
          { name: 'x', type: 'numeric' },
          { name: 'unit', type: 'categorical' },
        ]
      : [{ name: 'x', type: 'numeric' }],
    update: {
      strategy: 'retrain',
      learner: { kind: 'GradientBoostingClassifier', params: {}, ...(categorical ? { pipeline: {} } : {}) },
      ...update,
    },
  });

/** The share of the probe rows the candidate labels as the new concept (x < 0). */
async function followsNewConcept(update: Record<string, unknown>, categorical = false): Promise<number> {
  const s = spec(update, categorical);
  const trained = await trainCandidate(s, s.update as NonNullable<typeof s.update>, flipped(), undefined);
  const model = restoreModel(JSON.parse(trained.value.bytes.toString('utf8')));
  const probe = [-0.8, -0.6, -0.4, 0.4, 0.6, 0.8];
  const predicted = categorical
    ? Array.from(
        (model as { predict(rows: object[]): ArrayLike<unknown> }).predict(
          probe.map((x) => ({ x, unit: 'a' })),
        ),
      )
    : Array.from(model.predict(probe.map((x) => [x]) as never) as ArrayLike<unknown>);
  return predicted.filter((p, i) => Number(p) === Number((probe[i] as number) < 0)).length / probe.length;
}

describe('update.halfLife: recency weights', () => {
  it('a row weighs half as much for every half-life it is older than the newest label', () => {
    expect(Array.from(recencyWeights([0, 10, 20, 30], 30, 10))).toEqual([0.125, 0.25, 0.5, 1]);
  });

  it('lets the newest rows outweigh older ones when the concept flipped (matrix and pipeline)', async () => {
    // Unweighted, the 500 old rows win; with a 24-hour half-life the 100 newest do.
    expect(await followsNewConcept({})).toBe(0);
    expect(await followsNewConcept({ halfLife: '24h' })).toBe(1);
    expect(await followsNewConcept({ halfLife: '24h' }, true)).toBe(1);
  });

  it('is refused where it cannot weigh, saying what can', () => {
    expect(() => spec({ halfLife: '1d', strategy: 'incremental' })).toThrow(
      /update\.halfLife weighs the rows a retrain or tune strategy fits GradientBoostingClassifier on; the incremental strategy cannot take it/,
    );
    expect(() => spec({ halfLife: '1d', learner: { kind: 'SGDClassifier', params: {} } })).toThrow(
      /SGDClassifier cannot take it/,
    );
    expect(() => spec({ halfLife: 'soon' })).toThrow(/update\.halfLife/);
    expect(spec({ halfLife: '2w' }).update?.halfLife).toBe(14 * 24 * HOUR);
  });
});
