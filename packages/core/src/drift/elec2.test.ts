import { describe, expect, test } from 'vitest';
import { datasetRows, numericRows } from '../../../server/src/testing/datasets.js';
import { seededRandom, shuffleInPlace } from '../stats/random.js';
import { detectDrift } from './detect-drift.js';

// Elec2 (NSW electricity market, 1996–1998, half-hourly): real concept and data drift over two and a half years.
const header = datasetRows('elec2').names;
const rows = numericRows('elec2');
const table = (from: number, to: number, pick: (i: number) => boolean = () => true) =>
  Object.fromEntries(
    header.map((name, c) => [
      name,
      rows
        .slice(from, to)
        .filter((_, i) => pick(i))
        .map((r) => r[c] as number),
    ]),
  );

describe('detectDrift on Elec2', () => {
  test('the first 10% of rows against the last 10% has drifted', () => {
    const tenth = Math.floor(rows.length / 10);
    const report = detectDrift(table(0, tenth), table(rows.length - tenth, rows.length));
    expect(report.datasetDrift).toBe(true);
    expect(report.driftShare).toBeGreaterThanOrEqual(0.5);
    // 4531-row reference: numerical columns use the normed Wasserstein distance, the UP/DOWN class Jensen–Shannon.
    const byColumn = Object.fromEntries(report.columns.map((c) => [c.column, c]));
    expect(byColumn.nswprice?.method).toBe('wasserstein');
    expect(byColumn.class?.method).toBe('jensenshannon');
    expect(byColumn.nswdemand?.drifted).toBe(true);
    // Half-hour of the day is uniform in every period: it must not be reported as drifted.
    expect(byColumn.period?.drifted).toBe(false);
  });

  test('two random halves of the same month have not drifted', () => {
    const month = 30 * 48;
    const start = 10_000;
    const order = Array.from({ length: month }, (_, i) => i);
    shuffleInPlace(order, seededRandom(7));
    const firstHalf = new Set(order.slice(0, month / 2));
    const report = detectDrift(
      table(start, start + month, (i) => firstHalf.has(i)),
      table(start, start + month, (i) => !firstHalf.has(i)),
    );
    expect(report.columns.every((c) => c.referenceRows === month / 2)).toBe(true);
    // 720-row reference: KS for numerical columns, z-test for the binary class.
    expect(report.columns.find((c) => c.column === 'nswdemand')?.method).toBe('ks');
    expect(report.columns.find((c) => c.column === 'class')?.method).toBe('z');
    expect(report.datasetDrift).toBe(false);
    expect(report.driftedColumns).toBeLessThanOrEqual(1);
  });
});
