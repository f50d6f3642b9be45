import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url);
const bin = fileURLToPath(new URL('packages/server/bin/steward.js', root));

/** Runs the `steward` a user runs (the bin npm links) in a fresh folder; resolves with its exit code and output. */
function steward(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'steward-user-'));
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('installing and running steward as a user does', () => {
  it('every installed package accepts the Node.js the README asks for (no EBADENGINE at install)', () => {
    const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string }; dev?: boolean; optional?: boolean }>;
    };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node && !semver.satisfies('20.19.0', p.engines.node))
      .map(([name, p]) => `${name} (${p.engines?.node})`);
    expect(refusing).toEqual([]);
  });

  it('the bin npm links answers at once, from any folder', async () => {
    const version = await steward(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const linked = execFileSync('npm', ['pkg', 'get', 'bin', '--workspace', '@steward/server'], {
      cwd: fileURLToPath(root),
      encoding: 'utf8',
    });
    expect(linked).toContain('"steward": "./bin/steward.js"');
  });

  it('steward serve names a busy port and a refused database in one line, exit 2, and prints the host it bound', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const db = join(mkdtempSync(join(tmpdir(), 'steward-serve-')), 's.db');
      const taken = await steward(['serve', '--db', db, '--port', String(port)]);
      expect(taken.code).toBe(2);
      expect(taken.stderr).toBe(
        `steward: port ${port} on 127.0.0.1 is in use — pass --port with a free port (0 picks one)\n`,
      );
    } finally {
      busy.close();
    }
    const refused = await steward(['serve', '--db', 'postgres://postgres@127.0.0.1:1/steward']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'steward: cannot connect to 127.0.0.1:1 (connection refused) — is PostgreSQL running, and is --db / STEWARD_DB right?\n',
    );
  });
});
