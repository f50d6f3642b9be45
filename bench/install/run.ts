// What a new user waits for: a fresh clone of this checkout's HEAD, `npm install` (the README's first command), then
// `npm start` until the demo prints its dashboard address. Reference, in the same run: `npm install
// --ignore-scripts` in another fresh clone (download and link only, nothing built: the floor npm sets). The npm
// cache is whatever this machine has (warm after the first run); the result says so. Results:
// bench/results/install.json.          npx tsx bench/install/run.ts
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, writeResults } from '../lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steward-install-'));
  execFileSync('git', ['clone', '-q', root, dir]);
  return dir;
}

function timed(dir: string, args: string[]): { seconds: number; output: string } {
  const started = performance.now();
  const output = execFileSync('npm', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { seconds: (performance.now() - started) / 1000, output };
}

/** Seconds from `npm start` to the demo's "dashboard: http://…" line; the demo is then stopped. */
function startUntilDashboard(dir: string): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--', '--port', '0'], { cwd: dir, detached: true });
  return new Promise((resolve, reject) => {
    let seen = '';
    const stop = () => process.kill(-(child.pid as number), 'SIGTERM');
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/dashboard: http:\/\//.test(seen)) {
        stop();
        resolve((performance.now() - started) / 1000);
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`npm start exited (${code}) before the dashboard:\n${seen}`)),
    );
  });
}

const runs: Array<{ install: number; start: number; reference: number; warnings: number }> = [];
for (let r = 0; r < RUNS; r++) {
  const reference = freshClone();
  const floor = timed(reference, ['install', '--ignore-scripts', '--no-audit', '--no-fund']);
  rmSync(reference, { recursive: true, force: true });
  const dir = freshClone();
  const install = timed(dir, ['install']);
  const warnings = install.output.split('\n').filter((line) => /npm warn/i.test(line)).length;
  const start = await startUntilDashboard(dir);
  rmSync(dir, { recursive: true, force: true });
  runs.push({ install: install.seconds, start, reference: floor.seconds, warnings });
  console.log(
    `run ${r + 1}: npm install ${install.seconds.toFixed(1)} s (${warnings} warnings), npm start to the dashboard ${start.toFixed(1)} s, together ${(install.seconds + start).toFixed(1)} s; npm install --ignore-scripts ${floor.seconds.toFixed(1)} s (ratio ${((install.seconds + start) / floor.seconds).toFixed(2)}x)`,
  );
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
writeResults(
  'install',
  {
    reference: 'npm install --ignore-scripts in a fresh clone (download and link, nothing built), same run',
    npmCache: 'this machine’s npm cache (warm after the first install)',
  },
  {
    runs,
    medianSeconds: {
      install: median(runs.map((r) => r.install)),
      startToDashboard: median(runs.map((r) => r.start)),
      together: median(runs.map((r) => r.install + r.start)),
      reference: median(runs.map((r) => r.reference)),
    },
    goal: 'npm install && npm start under a minute from a fresh clone, no warning',
  },
);
