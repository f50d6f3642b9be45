import { describe, expect, it } from 'vitest';
import { SPAM_STREAM_START, spamAssassin } from '../../../server/src/datasets/spam-assassin.js';
import { buildAnalyzer } from '../learn/text/analyzers.js';
import { HeavyHitters } from './heavy-hitters.js';

// The words of 1,200 SpamAssassin messages: a long-tailed stream of about 300,000 tokens.
const analyze = buildAnalyzer();
const messages = spamAssassin()
  .filter((e) => e.time >= SPAM_STREAM_START)
  .slice(0, 1200)
  .map((e) => analyze(e.text));
const exact = new Map<string, number>();
for (const words of messages) for (const w of words) exact.set(w, (exact.get(w) ?? 0) + 1);
const total = [...exact.values()].reduce((a, b) => a + b, 0);

function expectWithinBound(sketch: HeavyHitters): void {
  expect(sketch.total).toBe(total);
  const bound = sketch.maxError;
  expect(bound).toBeLessThanOrEqual(total / (sketch.capacity + 1));
  const kept = new Map(sketch.top().map((t) => [t.item, t.count]));
  expect(kept.size).toBeLessThanOrEqual(sketch.capacity);
  for (const [item, count] of kept) {
    const truth = exact.get(item) as number;
    expect(count).toBeLessThanOrEqual(truth); // never over
    expect(count).toBeGreaterThanOrEqual(truth - bound - 1e-9); // under by at most the bound
  }
  // Every token more frequent than total/(capacity + 1) is kept.
  for (const [item, count] of exact)
    if (count > total / (sketch.capacity + 1)) expect(kept.has(item)).toBe(true);
}

describe('HeavyHitters (Misra–Gries, mergeable)', () => {
  it('keeps the frequent words of real mail within its error bound, saved or merged in any order', () => {
    const whole = new HeavyHitters({ capacity: 100 });
    for (const words of messages) for (const w of words) whole.add(w);
    expectWithinBound(HeavyHitters.fromJSON(JSON.parse(JSON.stringify(whole.toJSON()))));
    // Six servers each sketch a sixth of the messages; their sketches merge forwards or backwards.
    const parts = Array.from({ length: 6 }, (_, p) => {
      const part = new HeavyHitters({ capacity: 100 });
      for (const words of messages.filter((_, i) => i % 6 === p)) for (const w of words) part.add(w);
      return HeavyHitters.fromJSON(part.toJSON());
    });
    const forwards = parts.reduce((a, b) => a.merge(b), new HeavyHitters({ capacity: 100 }));
    const backwards = [...parts]
      .reverse()
      .map((p) => HeavyHitters.fromJSON(p.toJSON()))
      .reduce((a, b) => a.merge(b), new HeavyHitters({ capacity: 100 }));
    expectWithinBound(forwards);
    expectWithinBound(backwards);
    expect(forwards.top(5).map((t) => t.item)).toEqual(
      [...exact]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([w]) => w),
    );
  });

  it('is exact while there are few distinct items, and refuses bad input', () => {
    const s = new HeavyHitters({ capacity: 3 });
    for (const w of 'x y x z x y w'.split(' ')) s.add(w);
    expect(s.top(4)).toEqual([
      { item: 'x', count: 3 },
      { item: 'y', count: 2 },
      { item: 'w', count: 1 },
      { item: 'z', count: 1 },
    ]);
    expect(() => new HeavyHitters({ capacity: 0 })).toThrow(/capacity must be an integer from 1/);
    expect(() => s.add('a', -1)).toThrow(/count must be a positive number/);
    expect(() => HeavyHitters.fromJSON({ kind: 'quantile-sketch' } as never)).toThrow(
      /not a heavy-hitters sketch/,
    );
  });
});
