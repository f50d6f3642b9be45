import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { tempFile } from './test-helpers.js';

// A tiny history, so that the odd flag set that happens to be valid still runs in a moment.
const csv = tempFile(
  'h.csv',
  `t,x,c,y\n${Array.from({ length: 60 }, (_, i) => `2024-01-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T${i % 2 ? '12' : '00'}:00:00Z,${i % 7},${i % 3 ? 'a' : 'b'},${(i * 7) % 5 > 1 ? 1 : 0}`).join('\n')}\n`,
);
const yaml = tempFile(
  'p.yaml',
  'task: binary\nupdate: { every: 2d, window: 10d, minRows: 5, learner: { kind: LogisticRegression } }\n',
);
writeFileSync(tempFile('empty.csv', ''), '');

const value = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e999',
    'NaN',
    '1d',
    '30m',
    '5',
    'abc',
    '--',
    '{}',
    '[]',
    '/nonexistent',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(csv, yaml),
);
const command = fc.constantFrom(
  ['eval', '--task', 'binary', '--file'],
  ['eval', '--task', 'regression', '--label', 'y', '--pred', 'x', '--file'],
  ['drift', '--reference', csv, '--current'],
  ['tune', '--label', 'y', '--learner', 'GradientBoostingClassifier', '--budget', '1', '--file'],
  ['init', '--out', '/dev/null', '--force', '--from'],
  ['apply', '--dry-run', '--db', ':memory:'],
  ['backtest', '--data', csv, '--label', 'y', '--time', 't', '--jobs', '1', '--no-ungated', '--delay'],
  ['backtest', '--data', csv, '--time', 't', '--jobs', '1', '--no-ungated', '--label'],
  [
    'backtest',
    '--data',
    csv,
    '--label',
    'y',
    '--time',
    't',
    '--jobs',
    '1',
    '--no-ungated',
    '--policy',
    yaml,
    '--train',
  ],
  ['ingest', '--model', 'm', '--url', 'http://127.0.0.1:9', '--output', 'x'],
  ['versions', 'm', '--url'],
);
const flag = fc.constantFrom(
  '--label',
  '--pred',
  '--score',
  '--cadence',
  '--train',
  '--rows',
  '--period',
  '--seasons',
  '--features',
  '--task',
  '--budget',
  '--step',
  '--id',
  '--name',
);

describe('bad input on the command line', () => {
  it('any flags and values: exit 0 or 2, one line on stderr when 2, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        command,
        value,
        fc.array(fc.tuple(flag, value), { maxLength: 2 }),
        async (argv, last, extra) => {
          let stderr = '';
          const code = await runCli([...argv, last, ...extra.flat()], {
            stdout: { write: () => true },
            stderr: { write: (s: string) => (stderr += s) },
          });
          expect([0, 2], `${[...argv, last, ...extra.flat()].join(' ')} → ${code}: ${stderr}`).toContain(
            code,
          );
          if (code === 2) {
            expect(stderr).toMatch(/^steward: \S/);
            expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
          }
        },
      ),
      { numRuns: 250, seed: 7 },
    );
  });
});
