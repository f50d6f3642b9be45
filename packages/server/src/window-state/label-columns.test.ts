import { seededRandom } from '@steward/core';
import { describe, expect, test } from 'vitest';
import { LabelColumns, type ProbaKey } from './label-columns.js';

// A fresh object each time: keys are told apart by their text, not by identity.
const probaOf = (p: number): ProbaKey => ({ text: JSON.stringify([['a', p]]), pairs: [['a', p]] });

type Key = [string | number, string | number, number | null, ProbaKey | undefined];

describe('LabelColumns', () => {
  test('counts every key as a Map of keys would, through growth, zeroed keys and compaction (20,000 random steps)', () => {
    const random = seededRandom(7);
    const columns = new LabelColumns();
    const reference = new Map<string, { key: Key; weight: number }>();
    const keys: Key[] = [];
    for (let i = 0; i < 3000; i++) {
      const label =
        random() < 0.5 ? Math.floor(random() * 3) : (['a', 'b', '0'][Math.floor(random() * 3)] as string);
      const output = random() < 0.5 ? Math.floor(random() * 3) : String(Math.floor(random() * 3));
      const score = random() < 0.2 ? null : Math.round(random() * 50) / 50;
      const proba = random() < 0.1 ? probaOf(score ?? 0) : undefined;
      keys.push([label, output, score, proba]);
    }
    keys.push([0, -0, 0, undefined], [-0, 0, -0, undefined]); // -0 and 0 are one key
    for (let step = 0; step < 20_000; step++) {
      const key = keys[Math.floor(random() * keys.length)] as Key;
      const weight = random() < 0.3 ? -1 : 1;
      columns.add(...key, weight);
      const id = JSON.stringify([typeof key[0], key[0], typeof key[1], key[1], key[2], key[3]?.text]);
      const entry = reference.get(id) ?? { key, weight: 0 };
      entry.weight += weight;
      if (entry.weight === 0) reference.delete(id);
      else reference.set(id, entry);
    }
    const seen = new Map<string, number>();
    columns.forEach((label, output, score, proba, weight) => {
      const id = JSON.stringify([typeof label, label, typeof output, output, score, proba?.text]);
      expect(seen.has(id)).toBe(false);
      seen.set(id, weight);
    });
    expect(columns.size).toBe(reference.size);
    expect(seen).toEqual(new Map([...reference].map(([id, e]) => [id, e.weight])));
  });

  test('keeps the first insertion order, and a string class apart from the number it looks like', () => {
    const columns = new LabelColumns();
    columns.add(1, 1, 0.9, undefined, 2);
    columns.add('1', 1, 0.9, undefined, 1);
    columns.add(0, 1, null, undefined, 1);
    columns.add(1, 1, 0.9, undefined, -2);
    columns.add(1, 1, 0.9, undefined, 3);
    const order: unknown[] = [];
    columns.forEach((label, output, score, _proba, weight) => {
      order.push([label, output, score, weight]);
    });
    expect(order).toEqual([
      [1, 1, 0.9, 3],
      ['1', 1, 0.9, 1],
      [0, 1, null, 1],
    ]);
  });

  test('drops zeroed keys when it must grow and most keys are zero, keeping the others in order', () => {
    const columns = new LabelColumns();
    for (let k = 0; k < 16; k++) columns.add(k, 0, null, undefined, 1);
    for (let k = 0; k < 12; k++) columns.add(k, 0, null, undefined, -1);
    for (let k = 100; k < 140; k++) columns.add(k, 0, null, undefined, 1);
    columns.add(3, 0, null, undefined, 5); // zeroed, compacted away, then new again: it goes last
    const labels: unknown[] = [];
    columns.forEach((label) => {
      labels.push(label);
    });
    expect(labels).toEqual([12, 13, 14, 15, ...Array.from({ length: 40 }, (_, i) => 100 + i), 3]);
    expect(columns.size).toBe(45);
  });
});
