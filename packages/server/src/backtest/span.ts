import { parseDuration } from '../spec/duration.js';
import { BacktestInputError } from './backtest-error.js';

/** A length of history: a duration, or a number of rows. */
export type Span = { ms: number } | { rows: number };

/**
 * `1d`, `30m`, `2w` (a duration) or `48` / `48 rows` (rows). `allowZero` admits `0` (a label delay of nothing:
 * labels at once).
 */
export function parseSpan(flag: string, text: string | number, allowZero = false): Span {
  const raw = String(text).trim();
  const rows = /^(\d+)\s*(rows?)?$/.exec(raw);
  if (rows) {
    const n = Number(rows[1]);
    if (n === 0 && !allowZero) throw new BacktestInputError(flag, `${flag} must be more than 0, got ${raw}`);
    return { rows: n };
  }
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new BacktestInputError(
      flag,
      `${flag} must be a duration such as 30m, 1d or 2w, or a number of rows such as 48, got "${raw}"`,
    );
  if (ms === 0 && !allowZero) throw new BacktestInputError(flag, `${flag} must be more than 0, got ${raw}`);
  return { ms };
}

export function describeSpan(span: Span): string {
  if ('rows' in span) return `${span.rows} row${span.rows === 1 ? '' : 's'}`;
  return formatDuration(span.ms);
}

/** 86400000 → "1d", 5400000 → "90m": the largest unit that divides the duration exactly. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
