import { describe, expect, it } from 'vitest';
import {
  formatRange,
  parseRange,
  rangeFromSelection,
  resolveRange,
  splitHash,
  withRange,
} from './time-range';

const DAY = 86_400_000;

describe('time ranges in the address', () => {
  it('reads back what it writes, named and custom', () => {
    for (const kind of ['day', 'week', 'month', 'all'] as const)
      expect(parseRange(formatRange({ kind }))).toEqual({ kind });
    const custom = { kind: 'custom' as const, from: Date.UTC(2024, 0, 1, 6, 30), to: Date.UTC(2024, 1, 1) };
    expect(formatRange(custom)).toBe('2024-01-01T06:30..2024-02-01T00:00');
    expect(parseRange(formatRange(custom))).toEqual(custom);
  });

  it('takes anything else as everything', () => {
    for (const text of [undefined, '', 'year', '2024-02-01..2024-01-01', 'x..y', '2024-01-01'])
      expect(parseRange(text)).toEqual({ kind: 'all' });
  });

  it('sets and clears the range, keeping the path and other parameters', () => {
    expect(withRange('#/models/m/metrics', { kind: 'week' })).toBe('#/models/m/metrics?range=week');
    expect(withRange('#/models/m/drift?range=week&against=previous', { kind: 'all' })).toBe(
      '#/models/m/drift?against=previous',
    );
    expect(withRange('#/models/m?range=day', { kind: 'custom', from: 0, to: DAY })).toBe(
      '#/models/m?range=1970-01-01T00:00..1970-01-02T00:00',
    );
    expect(splitHash('#/models/m?range=day').path).toBe('#/models/m');
  });
});

describe('resolveRange', () => {
  it('counts named ranges back from the newest prediction', () => {
    const newest = Date.UTC(2020, 5, 1);
    expect(resolveRange({ kind: 'week' }, newest).from).toBe(newest - 7 * DAY + 1);
    expect(resolveRange({ kind: 'day' }, newest).to).toBeGreaterThan(newest);
    expect(resolveRange({ kind: 'all' }, newest).from).toBe(0);
    // No prediction yet: everything.
    expect(resolveRange({ kind: 'month' }, undefined).from).toBe(0);
    expect(resolveRange({ kind: 'custom', from: 5, to: 9 }, newest)).toEqual({ from: 5, to: 9 });
  });

  it('turns a chart selection into whole minutes, in either direction', () => {
    const a = Date.UTC(2024, 0, 1, 10, 0, 20) / 1000;
    const b = Date.UTC(2024, 0, 3, 12, 59, 40) / 1000;
    const range = { kind: 'custom', from: Date.UTC(2024, 0, 1, 10), to: Date.UTC(2024, 0, 3, 13) };
    expect(rangeFromSelection(a, b)).toEqual(range);
    expect(rangeFromSelection(b, a)).toEqual(range);
    expect(rangeFromSelection(a, a)).toEqual({ kind: 'custom', from: range.from, to: range.from + 60_000 });
  });
});
