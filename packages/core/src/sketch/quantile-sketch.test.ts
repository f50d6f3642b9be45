import { describe, expect, it } from 'vitest';
import { numericRows } from '../../../server/src/testing/datasets.js';
import { StewardInputError } from '../errors.js';
import { QuantileSketch } from './quantile-sketch.js';

const elec2 = numericRows('elec2');
const column = (i: number) => elec2.map((row) => row[i] as number);

function lowerQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe('QuantileSketch', () => {
  it('estimates every percentile of Elec2 prices and demand within its relative accuracy', () => {
    for (const [name, values] of [
      ['nswprice', column(1)],
      ['nswdemand', column(2)],
      ['transfer (with zeros)', column(5)],
      ['centred demand (negatives)', column(2).map((v) => v - 0.42)],
    ] as const) {
      const sketch = new QuantileSketch().addAll(values);
      const sorted = [...values].sort((a, b) => a - b);
      for (let p = 0; p <= 100; p++) {
        const truth = lowerQuantile(sorted, p / 100);
        const estimate = sketch.quantile(p / 100);
        expect(Math.abs(estimate - truth), `${name} p${p}`).toBeLessThanOrEqual(
          0.01 * Math.abs(truth) + 1e-12,
        );
      }
      expect(sketch.count).toBe(values.length);
      expect(sketch.min).toBe(sorted[0]);
      expect(sketch.max).toBe(sorted[sorted.length - 1]);
    }
  });

  it('merges parts into exactly the sketch of the whole, in any order', () => {
    const values = column(1);
    const whole = new QuantileSketch().addAll(values);
    const parts = [0, 1, 2].map((p) => new QuantileSketch().addAll(values.filter((_, i) => i % 3 === p)));
    const merged = new QuantileSketch();
    for (const part of [parts[2], parts[0], parts[1]]) merged.merge(part as QuantileSketch);
    const a = whole.toJSON();
    const b = merged.toJSON();
    expect({ ...b, sum: 0 }).toEqual({ ...a, sum: 0 });
    expect(b.sum).toBeCloseTo(a.sum, 8);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.999]) expect(merged.quantile(q)).toBe(whole.quantile(q));
  });

  it('survives a JSON round trip', () => {
    const sketch = new QuantileSketch({ relativeAccuracy: 0.02 }).addAll([-3, 0, 1e-20, 2, 5, 5, 1e6]);
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch)));
    expect(back.toJSON()).toEqual(sketch.toJSON());
    expect(back.quantile(0.5)).toBe(sketch.quantile(0.5));
  });

  it('reads the version 1 form (buckets as objects) that older stores hold', () => {
    const sketch = new QuantileSketch().addAll([0.2, 0.5, 3, -4, 0]);
    const v2 = sketch.toJSON();
    const pairs = (flat: number[]) =>
      Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[String(v), flat[i + 1]]] : [])));
    const v1 = {
      ...v2,
      version: 1 as const,
      positive: pairs(v2.positive as number[]),
      negative: pairs(v2.negative as number[]),
    };
    expect(QuantileSketch.fromJSON(v1).toJSON()).toEqual(v2);
  });

  it('rejects non-finite values, bad accuracy, mismatched merges and foreign JSON', () => {
    expect(() => new QuantileSketch().add(Number.NaN)).toThrow(/finite/);
    expect(() => new QuantileSketch({ relativeAccuracy: 1 })).toThrow(StewardInputError);
    expect(() => new QuantileSketch().merge(new QuantileSketch({ relativeAccuracy: 0.05 }))).toThrow(/merge/);
    expect(() => QuantileSketch.fromJSON({ kind: 'other' } as never)).toThrow(/not a quantile sketch/);
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
  });
});
