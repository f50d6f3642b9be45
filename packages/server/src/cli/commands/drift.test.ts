import { readFileSync } from 'node:fs';
import { detectDrift } from '@steward/core';
import { describe, expect, test } from 'vitest';
import { DATASETS, numericColumns } from '../../testing/datasets.js';
import { steward, tempFile } from '../test-helpers.js';

const reference = DATASETS['elec2-reference'];
const current = DATASETS['elec2-current'];

describe('steward drift', () => {
  test('Elec2 1996 against 1998: a table and a dataset-drift verdict', async () => {
    const { code, stdout, stderr } = await steward('drift', '--reference', reference, '--current', current);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/nswdemand\s+│ numerical │ wasserstein\s+│ 0\.4559/);
    expect(stdout).toMatch(/DATASET DRIFT: 5 of 7 columns drifted/);
  });

  test('--json prints exactly what detectDrift computes on the same data', async () => {
    const { code, stdout } = await steward('drift', '--reference', reference, '--current', current, '--json');
    expect(code).toBe(0);
    const expected = detectDrift(numericColumns('elec2-reference'), numericColumns('elec2-current'));
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  test('--columns, --method and --threshold choose what is compared and how', async () => {
    const { code, stdout } = await steward(
      'drift',
      '--reference',
      reference,
      '--current',
      current,
      '--columns',
      'period,nswprice',
      '--method',
      'psi',
      '--threshold',
      '0.2',
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(
      report.columns.map((c: { column: string; method: string; threshold: number }) => [
        c.column,
        c.method,
        c.threshold,
      ]),
    ).toEqual([
      ['period', 'psi', 0.2],
      ['nswprice', 'psi', 0.2],
    ]);
  });

  test('categorical and missing values from CSV: empty cells and NA are missing, text columns are categories', async () => {
    const ref = tempFile('ref.csv', 'x,city\n1,a\n2,b\nNA,a\n4,\n5,b\n6,a\n7,c\n');
    const cur = tempFile('cur.csv', 'x,city\n1,a\n,b\n3,z\n4,z\n5,b\n60,a\n7,c\n');
    const { code, stdout } = await steward('drift', '--reference', ref, '--current', cur, '--json');
    expect(code).toBe(0);
    const [x, city] = JSON.parse(stdout).columns;
    expect([x.type, x.referenceRows, x.currentRows, x.quality.outOfRangeShare]).toEqual([
      'numerical',
      6,
      6,
      1 / 6,
    ]);
    expect([city.type, city.method, city.quality.newCategories]).toEqual([
      'categorical',
      'chisquare',
      [{ category: 'z', share: 2 / 7 }],
    ]);
  });

  test('--html writes a self-contained report', async () => {
    const html = tempFile('report.html', '');
    const { code, stdout } = await steward(
      'drift',
      '--reference',
      reference,
      '--current',
      current,
      '--html',
      html,
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Dataset drift detected');
    expect(page.match(/<svg class="chart"/g)).toHaveLength(7);
    expect(page).not.toMatch(/<script|<link|src="http/);
  });

  test('--text judges a column of texts by the domain classifier and names the words that moved', async () => {
    const energy = ['price', 'market', 'demand', 'supply', 'energy', 'grid', 'load', 'peak'];
    const weather = ['weather', 'rain', 'cloud', 'storm', 'wind', 'sun', 'cold', 'heat'];
    let seed = 7;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const file = (name: string, vocab: string[]) =>
      tempFile(
        name,
        `body\n${Array.from({ length: 200 }, () =>
          Array.from({ length: 8 }, () => vocab[Math.floor(next() * vocab.length)]).join(' '),
        ).join('\n')}\n`,
      );
    const html = tempFile('text-report.html', '');
    const { code, stdout } = await steward(
      'drift',
      '--reference',
      file('notes-ref.csv', energy),
      '--current',
      file('notes-cur.csv', [...energy.slice(4), ...weather]),
      '--text',
      'body',
      '--html',
      html,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('HTML report written to');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('domain classifier ROC AUC');
    const current = /more in current: (.*)<\/p>/.exec(page)?.[1] ?? '';
    const named = [...current.matchAll(/<code>(\w+)<\/code>/g)].map((m) => m[1] as string);
    expect(named.slice(0, 4).every((w) => weather.includes(w))).toBe(true);
  });

  const cases: [string, () => string[], RegExp][] = [
    [
      'a missing file',
      () => ['--reference', '/nope.csv', '--current', current],
      /cannot read \/nope\.csv: no such file/,
    ],
    [
      'a column missing from current',
      () => ['--reference', tempFile('r.csv', 'a,b\n1,2\n'), '--current', tempFile('c.csv', 'a\n1\n')],
      /current has no column 'b'/,
    ],
    [
      'a non-numeric value in a numeric column',
      () => [
        '--reference',
        reference,
        '--current',
        tempFile('bad.csv', readFileSync(current, 'utf8').replace(/\n0\.5\d*/, '\nhigh')),
      ],
      /bad\.csv line \d+, column 'period': 'high' is not a number, but 99\.\d% of the column is/,
    ],
    [
      'an all-missing column',
      () => [
        '--reference',
        tempFile('r.csv', 'a,b\n1,\n2,\n'),
        '--current',
        tempFile('c.csv', 'a,b\n1,\n3,NA\n'),
      ],
      /column 'b' has only missing values in both reference and current/,
    ],
    [
      'an empty file',
      () => ['--reference', tempFile('r.csv', ''), '--current', current],
      /r\.csv is empty: expected a header row/,
    ],
    [
      'a bad threshold',
      () => ['--reference', reference, '--current', current, '--threshold', 'high'],
      /--threshold must be a number/,
    ],
  ];
  test.each(cases)('a clear error for %s', async (_, args, message) => {
    const { code, stderr } = await steward('drift', ...args());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('an unknown method lists the choices', async () => {
    const { code, stderr } = await steward(
      'drift',
      '--reference',
      reference,
      '--current',
      current,
      '--method',
      'x',
    );
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Allowed choices are ks, chisquare, z, wasserstein/);
  });
});
