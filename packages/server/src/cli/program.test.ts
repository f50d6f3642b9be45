import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { repoRoot, steward } from './test-helpers.js';

describe('the CLI speaks one way', () => {
  it('usage errors: one line, what to do, exit 2', async () => {
    const unknown = await steward('frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe("steward: unknown command 'frobnicate' — see `steward --help`\n");
    const missing = await steward('backtest', '--data', 'x.csv');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "steward: required option '--label <column>' not specified — see `steward backtest --help`\n",
    );
    const option = await steward('init', '--wat');
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("steward: unknown option '--wat' — see `steward init --help`\n");
  });

  it('help and version exit 0, and every subcommand has its own help', async () => {
    expect((await steward('--version')).code).toBe(0);
    const help = await steward('--help');
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1] as string)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['init', 'backtest', 'serve', 'worker', 'apply', 'ingest', 'demo']),
    );
    for (const command of commands) {
      const own = await steward(command, '--help');
      expect(own.code, command).toBe(0);
      expect(own.stdout, command).toMatch(new RegExp(`^Usage: steward ${command}`));
    }
  });

  it('a reader that closes the pipe early (`steward backtest --help | head -1`) ends it quietly, exit 0', async () => {
    const bin = fileURLToPath(new URL('packages/server/dist/cli/main.js', repoRoot));
    const { stdout, stderr, code } = await new Promise<{
      stdout: string;
      stderr: string;
      code: number | null;
    }>((resolve) => {
      const child = spawn('bash', ['-c', `node ${JSON.stringify(bin)} backtest --help | head -1`]);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (c) => resolve({ stdout: out, stderr: err, code: c }));
    });
    expect(stdout).toBe('Usage: steward backtest [options]\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('runtime failures: exit 1 without a stack trace, unless --debug', async () => {
    // A failure nobody planned for: the output stream breaks under the command.
    const run = async (...argv: string[]) => {
      let stderr = '';
      const code = await runCli(argv, {
        stdout: {
          write: () => {
            throw new Error('the output pipe closed');
          },
        },
        stderr: { write: (s: string) => (stderr += s) },
      });
      return { code, stderr };
    };
    const plain = await run('init', '--out', '/dev/null', '--force');
    expect(plain).toEqual({
      code: 1,
      stderr: 'steward: the output pipe closed\n(run again with --debug for the stack trace)\n',
    });
    const debug = await run('--debug', 'init', '--out', '/dev/null', '--force');
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^steward: the output pipe closed\nError: the output pipe closed\n\s+at /);
  });

  it('an unreachable server is named with what to check', async () => {
    const failing = await steward('versions', 'elec2', '--url', 'http://127.0.0.1:9');
    expect(failing.stderr).toBe('steward: cannot reach Steward at http://127.0.0.1:9: fetch failed\n');
  });
});
