import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, steward, tempFile } from '../test-helpers.js';

const data = fileURLToPath(new URL('data/elec2.csv', repoRoot));

describe('steward demo', () => {
  it('replays a shortened Elec2 stream with --exit: an update is promoted and the maintained model beats the static one', async () => {
    const db = tempFile('demo.db', '');
    const { code, stdout, stderr } = await steward(
      'demo',
      '--data',
      data,
      '--db',
      db,
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
    const accuracy = (name: string) => {
      const line = lines.find((l) => l.trimStart().startsWith(name)) as string;
      return Number(line.slice(2 + 24, 2 + 24 + 9));
    };
    expect(stdout).toContain('Prequential accuracy over 4,320 replayed half-hours (90 days):');
    const maintained = accuracy('maintained by Steward');
    const fixed = accuracy('static version 1');
    expect(maintained).toBeGreaterThan(fixed + 0.05);
    expect(accuracy('no-change baseline')).toBeGreaterThan(0.8);
    expect(stdout).toMatch(/maintained by Steward\s+0\.\d{4}\s+[1-9]\d* of \d+ update runs promoted/);
  });

  it('refuses a bad strategy, day count or data file with a message saying what to pass', async () => {
    const strategy = await steward('demo', '--strategy', 'magic', '--exit');
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain(
      '--strategy must be one of static, scheduled, drift-retrain, fine-tune',
    );
    const days = await steward('demo', '--days', '-3', '--exit');
    expect(days.stderr).toContain('--days must be a positive integer, got -3');
    const missing = await steward('demo', '--data', '/nonexistent/elec2.csv', '--exit');
    expect(missing.stderr).toContain('cannot read /nonexistent/elec2.csv');
    expect(missing.stderr).toContain('pass --data');
  });
});
