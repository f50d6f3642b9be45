import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BacktestInputError } from './backtest-error.js';
import { toHistory } from './history.js';
import { readTable } from './readers/read-table.js';
import { columnTable } from './readers/table.js';
import { formatDuration, parseSpan } from './span.js';
import { buildTimeline } from './timeline.js';

const vega = (file: string) =>
  fileURLToPath(new URL(`../../../../node_modules/vega-datasets/data/${file}`, import.meta.url));
const table = (columns: Record<string, unknown[]>) => columnTable('t.csv', columns, (i) => `line ${i + 2}`);

describe('history files', () => {
  it('reads Arrow columns as the JSON copy of the same data holds them', async () => {
    const arrow = await readTable(vega('flights-200k.arrow'));
    const json = JSON.parse(readFileSync(vega('flights-200k.json'), 'utf8')) as Array<Record<string, number>>;
    expect(arrow.rows).toBe(200_000);
    expect(arrow.names).toEqual(['delay', 'distance', 'time']);
    for (const i of [0, 1, 2, 99_999, 199_999]) {
      expect(arrow.column('delay')?.[i]).toBe(json[i]?.delay);
      expect(arrow.column('distance')?.[i]).toBe(json[i]?.distance);
    }
  });

  it('reads Parquet (zstd pages, timestamps, strings), only the rows asked for', async () => {
    const parquet = await readTable(vega('flights-3m.parquet'), { limit: 1000 });
    expect(parquet.rows).toBe(1000);
    expect(parquet.names).toEqual(['date', 'delay', 'distance', 'origin', 'destination']);
    const history = toHistory(parquet, { label: 'delay>15', time: 'date', features: ['distance', 'origin'] });
    expect(history.times[0]).toBe(Date.UTC(2001, 0, 1, 0, 1));
    expect(history.labels[0]).toBe(1); // LAS → PHL, 33 minutes late
    expect(history.labels[2]).toBe(0); // MCI → MDW, 14 minutes
    expect(history.features.map((f) => [f.name, f.type])).toEqual([
      ['distance', 'numeric'],
      ['origin', 'categorical'],
    ]);
    expect(history.features[0]?.values[0]).toBe(2176);
    expect(history.features[1]?.values[0]).toBe('LAS');
  });

  it('reads times: ISO dates and times (UTC without a zone), zones, epoch seconds and milliseconds', () => {
    const t = (values: unknown[]) =>
      Array.from(
        toHistory(table({ t: values, x: values.map(() => 1), y: values.map((_, i) => i % 2) }), {
          label: 'y',
          time: 't',
        }).times,
      );
    expect(
      t(['2024-03-01', '2024-03-01T13:00:00+02:00', '2024-03-01T12:00:00Z', '2024-03-01 12:30']),
    ).toEqual([
      Date.UTC(2024, 2, 1),
      Date.UTC(2024, 2, 1, 11),
      Date.UTC(2024, 2, 1, 12),
      Date.UTC(2024, 2, 1, 12, 30),
    ]);
    expect(t(['1709251200', '1709254800'])).toEqual([Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 1, 1)]);
    expect(t([1709251200000, 1709254800000])).toEqual([Date.UTC(2024, 2, 1), Date.UTC(2024, 2, 1, 1)]);
    expect(() => t(['2024-03-01', 'yesterday'])).toThrow(/line 3, column 't': "yesterday" is not a time/);
  });

  it('reads the task from the label: two values binary, a few integers or strings multiclass, else regression', () => {
    const task = (y: unknown[], options: { task?: 'regression' } = {}) =>
      toHistory(table({ x: y.map((_, i) => i), y }), { label: 'y', step: 1000, ...options });
    expect(task(['yes', 'no', 'yes'])).toMatchObject({ task: 'binary', classes: ['no', 'yes'] });
    expect(task([1, 2, 3, 1])).toMatchObject({ task: 'multiclass', classes: [1, 2, 3] });
    expect(task([0.5, 1.5, 2.25, 3])).toMatchObject({ task: 'regression' });
    expect(task([1, 2, 3], { task: 'regression' }).task).toBe('regression');
    expect(task(['a', '', 'b']).labels).toEqual(['a', null, 'b']);
  });

  it('derives calendar features from the time and reads thresholds as binary labels', () => {
    const history = toHistory(
      table({ t: ['2024-03-04T07:30:00Z', '2024-03-10T23:00:00Z'], delay: ['20', '-3'] }),
      {
        label: 'delay>=15',
        time: 't',
        features: [],
        timeFeatures: ['hour', 'weekday', 'month', 'dayOfYear'],
      },
    );
    expect(history.labels).toEqual([1, 0]);
    expect(history.features.map((f) => [f.name, Array.from(f.values as Float64Array)])).toEqual([
      ['hour', [7.5, 23]],
      ['weekday', [0, 6]],
      ['month', [3, 3]],
      ['dayOfYear', [64, 70]],
    ]);
  });

  it('names the flag, column and row of what it refuses', () => {
    const refuse = (columns: Record<string, unknown[]>, options: Parameters<typeof toHistory>[1]) => {
      try {
        toHistory(table(columns), options);
      } catch (error) {
        expect(error).toBeInstanceOf(BacktestInputError);
        return `${(error as BacktestInputError).field}: ${(error as Error).message}`;
      }
      throw new Error('accepted');
    };
    expect(refuse({ 'x y': [1, 2], y: [0, 1] }, { label: 'y', step: 1 })).toMatch(
      /^--features: column 'x y' cannot be a feature name/,
    );
    expect(refuse({ x: [1, 2], y: [0, 1] }, { label: 'y', step: 1, features: ['x', 'y'] })).toBe(
      "--features: --features: 'y' is the label column; leave it out",
    );
    expect(refuse({ x: [1, 2], y: [0, 1], id: ['a', 'a'] }, { label: 'y', step: 1, id: 'id' })).toMatch(
      /^--id: .*repeats ids/,
    );
    expect(refuse({ hour: [1, 2], y: [0, 1] }, { label: 'y', step: 1, timeFeatures: ['hour'] })).toBe(
      '--time-features: --time-features: hour is also a column of t.csv; leave one of them out',
    );
  });
});

describe('spans and the timeline', () => {
  it('parses durations and row counts, and says what it wanted', () => {
    expect(parseSpan('--delay', '1d')).toEqual({ ms: 86_400_000 });
    expect(parseSpan('--delay', '48')).toEqual({ rows: 48 });
    expect(parseSpan('--delay', '48 rows')).toEqual({ rows: 48 });
    expect(parseSpan('--delay', '0', true)).toEqual({ rows: 0 });
    expect(() => parseSpan('--cadence', '0')).toThrow('--cadence must be more than 0, got 0');
    expect(() => parseSpan('--train', '-2d')).toThrow(/--train must be a duration/);
    expect(formatDuration(90 * 60_000)).toBe('90m');
    expect(formatDuration(14 * 86_400_000)).toBe('2w');
  });

  it('groups rows by cadence on calendar boundaries, and labels arrive a duration or a row count later', () => {
    const start = Date.UTC(2024, 0, 1, 6);
    const times = Array.from({ length: 100 }, (_, i) => start + i * 3_600_000);
    const history = toHistory(table({ t: times, x: times.map((_, i) => i), y: times.map((_, i) => i % 2) }), {
      label: 'y',
      time: 't',
    });
    const byDay = buildTimeline(history, {
      delay: { ms: 7_200_000 },
      cadence: { ms: 86_400_000 },
      train: { rows: 30 },
    });
    expect(byDay.ticks[0]).toEqual({ at: Date.UTC(2024, 0, 2), from: 30, to: 42 });
    expect(byDay.ticks[1]).toEqual({ at: Date.UTC(2024, 0, 3), from: 42, to: 66 });
    expect(byDay.ticks.at(-1)?.to).toBe(100);
    expect(byDay.arrival[5]).toBe(start + 7 * 3_600_000);
    const byRows = buildTimeline(history, {
      delay: { rows: 3 },
      cadence: { rows: 25 },
      train: { ms: 86_400_000 },
    });
    expect(byRows.trainEnd).toBe(24);
    expect(byRows.ticks.map((t) => [t.from, t.to])).toEqual([
      [24, 49],
      [49, 74],
      [74, 99],
      [99, 100],
    ]);
    expect(byRows.arrival[10]).toBe(times[13]);
    expect(byRows.arrival[97]).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads long strings as text, cuts a document the server would refuse, and takes --text for short ones', () => {
    const long = 'word '.repeat(30_000); // 150,000 characters
    const t = table({
      body: ['a fairly long message about the meeting tomorrow at noon', long, null, 'short one'],
      code: ['aa', 'bb', 'aa', 'cc'],
      y: [0, 1, 0, 1],
    });
    const history = toHistory(t, { label: 'y' });
    expect(history.features.map((f) => [f.name, f.type])).toEqual([
      ['body', 'text'],
      ['code', 'categorical'],
    ]);
    const body = history.features[0] as { values: ReadonlyArray<string | null>; cut: number };
    expect(body.cut).toBe(1);
    expect(body.values[1]).toHaveLength(100_000);
    expect(body.values[2]).toBeNull();
    const asked = toHistory(t, { label: 'y', text: ['code'] });
    expect(asked.features[1]?.type).toBe('text');
    expect(() => toHistory(t, { label: 'y', text: ['code'], categorical: ['code'] })).toThrow(
      "--text: 'code' is also given with --categorical",
    );
  });
});
