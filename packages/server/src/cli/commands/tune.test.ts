import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runCli } from '../program.js';
import { repoRoot, steward, tempFile } from '../test-helpers.js';

// The first 1,500 half-hours of Elec2: enough to tune end to end in a test.
const elec = tempFile(
  'elec-small.csv',
  readFileSync(new URL('data/elec2.csv', repoRoot), 'utf8').split('\n').slice(0, 1501).join('\n'),
);

/** A stand-in terminal for the progress bar: cli-progress draws on any stream that says it is a TTY. */
function fakeTerminal() {
  let text = '';
  const stream = {
    isTTY: true,
    columns: 120,
    write: (s: string) => {
      text += s;
      return true;
    },
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, output: () => text };
}

describe('steward tune', () => {
  test('tunes gradient boosting end to end with a progress bar', async () => {
    const terminal = fakeTerminal();
    let stdout = '';
    const code = await runCli(
      [
        'tune',
        '--file',
        elec,
        '--label',
        'class',
        '--learner',
        'GradientBoostingClassifier',
        '--budget',
        '4',
        '--folds',
        '2',
      ],
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: () => true },
        progress: terminal.stream,
      },
    );
    expect(code).toBe(0);
    expect(terminal.output()).toMatch(/tuning \[.*\] 4\/4 trials \| best accuracy 0\.\d{4}/);
    expect(stdout).toMatch(
      /tuned GradientBoostingClassifier on .*elec-small\.csv \(1500 rows, 6 features\) with tpe: 4 trials/,
    );
    expect(stdout).toMatch(/learningRate/);
    expect(stdout).toMatch(/best 2-fold accuracy 0\.[6-9]\d{3}/);
  });

  test('tunes an MLP and prints every trial as JSON', async () => {
    const { code, stdout } = await steward(
      'tune',
      '--file',
      elec,
      '--label',
      'class',
      '--learner',
      'MLPClassifier',
      '--budget',
      '2',
      '--folds',
      '2',
      '--algorithm',
      'random',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.trials).toHaveLength(2);
    expect(result.trials[0]).toMatchObject({
      state: 'complete',
      params: { hiddenLayers: expect.any(String) },
    });
    expect(result.best.score).toBeGreaterThan(0.5);
  });

  test('--parallelism runs trials on worker threads with the same results as one thread', async () => {
    const args = [
      'tune',
      '--file',
      elec,
      '--label',
      'class',
      '--learner',
      'GradientBoostingClassifier',
      '--budget',
      '4',
      '--folds',
      '2',
      '--algorithm',
      'random',
      '--json',
    ];
    const one = await steward(...args);
    const two = await steward(...args, '--parallelism', '2');
    expect(two.code).toBe(0);
    const scores = (out: string) =>
      JSON.parse(out).trials.map((t: { params: object; score: number }) => [t.params, t.score]);
    expect(scores(two.stdout)).toEqual(scores(one.stdout));
  });

  test.each([
    [['--label', 'nope', '--learner', 'GradientBoostingClassifier'], /column 'nope' not found/],
    [
      ['--label', 'class', '--learner', 'GradientBoostingClassifier', '--budget', '0'],
      /--budget must be an integer >= 1/,
    ],
    [
      ['--label', 'class', '--learner', 'svm'],
      /Allowed choices are GradientBoostingClassifier, MLPClassifier/,
    ],
    [
      ['--label', 'nswprice', '--learner', 'GradientBoostingClassifier'],
      /--label nswprice: \d+ distinct values, not whole numbers — tune tunes classifiers/,
    ],
  ])('a clear error for %j', async (args, message) => {
    const { code, stderr } = await steward('tune', '--file', elec, ...(args as string[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
