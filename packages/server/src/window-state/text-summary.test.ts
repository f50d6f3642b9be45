import { describe, expect, it } from 'vitest';
import { SPAM_STREAM_START, spamAssassin } from '../datasets/spam-assassin.js';
import { columnView } from '../http/profile-json.js';
import { ColumnSummary, type ColumnSummaryJSON } from './window-profile.js';

const mail = spamAssassin()
  .filter((e) => e.time >= SPAM_STREAM_START)
  .slice(0, 600);

describe("a text column's window summary", () => {
  it('keeps its most frequent words, saved and merged across servers, and the API shows them', () => {
    const whole = new ColumnSummary('text');
    for (const m of mail) whole.add(m.text);
    // Three servers each summarise a third of the window; their stored summaries merge.
    const parts = [0, 1, 2].map((p) => {
      const part = new ColumnSummary('text');
      for (const m of mail.filter((_, i) => i % 3 === p)) part.add(m.text);
      return ColumnSummary.fromJSON(JSON.parse(JSON.stringify(part.toJSON())) as ColumnSummaryJSON);
    });
    const merged = new ColumnSummary('text');
    for (const part of parts) merged.merge(part);
    const exact = new Map<string, number>();
    for (const m of mail)
      for (const w of m.text.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [])
        exact.set(w, (exact.get(w) ?? 0) + 1);
    const truth = [...exact].sort((a, b) => b[1] - a[1]);
    for (const summary of [whole, merged]) {
      const view = columnView(summary);
      expect(view.tokens?.total).toBe([...exact.values()].reduce((a, b) => a + b, 0));
      expect(view.tokens?.top.slice(0, 5).map(([w]) => w)).toEqual(truth.slice(0, 5).map(([w]) => w));
      for (const [word, count] of view.tokens?.top ?? []) {
        expect(count).toBeLessThanOrEqual(exact.get(word) as number);
        expect(count).toBeGreaterThanOrEqual((exact.get(word) as number) - (view.tokens?.maxError as number));
      }
      expect(view.quantiles?.p50).toBeGreaterThan(0); // lengths, as before
    }
    // A summary stored before words were kept merges to a summary whose words are unknown, not wrong.
    const old = ColumnSummary.fromJSON({ ...parts[0]?.toJSON(), tokens: undefined } as ColumnSummaryJSON);
    const mixed = new ColumnSummary('text');
    mixed.merge(parts[1] as ColumnSummary);
    mixed.merge(old);
    expect(columnView(mixed).tokens).toBeUndefined();
  });
});
