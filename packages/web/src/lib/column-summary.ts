import type { ColumnView } from '@steward/client';
import { num } from './format';

/**
 * One window's column in a line: min · median · max (a text column's lengths, then its most frequent words and the
 * share of words its serving version never learnt), or its top categories.
 */
export function columnSummary(column: ColumnView | undefined): string {
  if (!column) return '—';
  const parts: string[] = [];
  if (column.quantiles)
    parts.push(`${num(column.min, 3)} · ${num(column.quantiles.p50, 3)} · ${num(column.max, 3)}`);
  if (column.tokens && column.tokens.top.length > 0)
    parts.push(
      `words: ${column.tokens.top
        .slice(0, 5)
        .map(([w, n]) => `${w} (${n})`)
        .join(', ')}`,
    );
  if (column.outOfVocabulary)
    parts.push(
      `unseen: ${(100 * column.outOfVocabulary.share).toFixed(1)}%${
        column.outOfVocabulary.top.length > 0
          ? ` (${column.outOfVocabulary.top
              .slice(0, 3)
              .map(([w]) => w)
              .join(', ')})`
          : ''
      }`,
    );
  if (!column.tokens && column.top)
    parts.push(
      column.top
        .slice(0, 3)
        .map(([k, n]) => `${k} (${n})`)
        .join(', '),
    );
  return parts.length > 0 ? parts.join('; ') : '—';
}
