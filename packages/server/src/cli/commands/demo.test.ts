import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../testing/datasets.js';
import { repoRoot, steward } from '../test-helpers.js';

const data = DATASETS.elec2;
const policy = fileURLToPath(new URL('examples/elec2/drift-retrain.yaml', repoRoot));

describe('steward demo', () => {
  it('backtests the drift policy on a shortened Elec2 with --exit: updates are promoted, the table shows the four baselines', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'steward-demo-')), 'demo');
    const { code, stdout, stderr } = await steward(
      'demo',
      '--data',
      data,
      '--policy',
      policy,
      '--store',
      store,
      '--port',
      '0',
      '--days',
      '90',
      '--exit',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Steward demo — dashboard: http:\/\/127\.0\.0\.1:\d+\/ /);
    expect(stdout).toMatch(
      /update run \w{8} \(check (accuracy-floor|ddm)\) promoted: version \d+ promoted to production/,
    );
    expect(stdout).toMatch(/✗ check accuracy-floor failing: accuracy 0\.\d+ < min 0\.7/);
    expect(stdout).toContain('4,320 rows scored (1996-06-04 – 1996-09-01)');
    const accuracy = (name: string) => {
      const row = lines.find((l) => l.startsWith(`| ${name} |`)) as string;
      return Number(row.split('|')[3]);
    };
    expect(accuracy('drift-retrain')).toBeGreaterThan(accuracy('static') + 0.05);
    expect(accuracy('no-change')).toBeGreaterThan(0.6);
    expect(accuracy('seasonal-naive')).toBe(accuracy('no-change'));
    expect(accuracy('scheduled-ungated')).toBeGreaterThan(accuracy('static'));
    expect(stdout).toMatch(/\| drift-retrain \| policy \| 0\.\d{4} .*\| \d+ \([1-9]\d* promoted/);
  });

  it('--dataset spam replays SpamAssassin through the server: a text filter served, judged and retrained', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'steward-demo-spam-')), 'demo');
    const { code, stdout, stderr } = await steward(
      'demo',
      '--dataset',
      'spam',
      '--store',
      store,
      '--port',
      '0',
      '--days',
      '12',
      '--exit',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/SpamAssassin: [\d,]+ e-mails \(June 2002 – July 2003\) replayed as they arrived/);
    expect(stdout).toContain('Version 1: SGDClassifier on the first 42 days. Policy daily:');
    expect(stdout).toContain(
      'Beside it, SGDClassifier retrained every 1d on the last 6w, promoted without a gate replays in a second process.',
    );
    expect(stdout).toMatch(/update run \w{8} \(schedule: every 86400000 ms\) promoted/);
    const row = stdout.split('\n').find((l) => l.startsWith('| daily |')) as string;
    const f1 = Number(row.split('|')[5]);
    const staticRow = stdout.split('\n').find((l) => l.startsWith('| static |')) as string;
    expect(f1).toBeGreaterThan(Number(staticRow.split('|')[5]));
  });

  it('refuses a bad day count, data file or policy with a message saying what to pass', async () => {
    const days = await steward('demo', '--days', '-3', '--exit');
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--days must be a positive integer, got -3');
    const missing = await steward('demo', '--data', '/nonexistent/elec2.csv', '--port', '0', '--exit');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/elec2.csv');
    expect(missing.stderr).toContain('pass --data');
    const policyMissing = await steward('demo', '--data', data, '--policy', '/nonexistent/p.yaml', '--exit');
    expect(policyMissing.stderr).toContain('--policy: cannot read /nonexistent/p.yaml: no such file');
  });
});
