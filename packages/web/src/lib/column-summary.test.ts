import { describe, expect, it } from 'vitest';
import { columnSummary } from './column-summary';

const base = { count: 10, missing: 0, missingShare: 0 };

describe('columnSummary', () => {
  it('shows a range, top categories, or a text column’s lengths and most frequent words', () => {
    expect(columnSummary(undefined)).toBe('—');
    expect(columnSummary({ ...base, kind: 'numeric', min: 1, max: 9, quantiles: { p50: 4 } })).toBe(
      '1.000 · 4.000 · 9.000',
    );
    expect(
      columnSummary({
        ...base,
        kind: 'categorical',
        top: [
          ['NSW', 6],
          ['VIC', 3],
          ['QLD', 1],
          ['SA', 0],
        ],
      }),
    ).toBe('NSW (6), VIC (3), QLD (1)');
    expect(
      columnSummary({
        ...base,
        kind: 'text',
        min: 12,
        max: 900,
        quantiles: { p50: 240 },
        tokens: {
          top: [
            ['listinfo', 40],
            ['linux', 31],
            ['the', 30],
          ],
          total: 900,
          maxError: 0,
        },
      }),
    ).toBe('12.000 · 240.000 · 900.000; words: listinfo (40), linux (31), the (30)');
  });

  it('shows the share of words the serving version never learnt, and the most frequent of them', () => {
    expect(
      columnSummary({
        ...base,
        kind: 'text',
        tokens: { top: [['viagra', 12]], total: 400, maxError: 0 },
        outOfVocabulary: {
          share: 0.073,
          checked: 400,
          top: [
            ['viagra', 12],
            ['sildenafil', 9],
            ['rx', 4],
            ['cialis', 4],
          ],
        },
      }),
    ).toBe('words: viagra (12); unseen: 7.3% (viagra, sildenafil, rx)');
  });
});
