// What the dashboard asks a server that has watched a model for years: the whole demo (Elec2's 916 days replayed
// through the loop: every update run, version, alias change and alert it made) is built once, then a `steward serve`
// on that store answers each API call the dashboard's pages make, REPEATS times each, one at a time (the page's
// polling, not a load test). Per call: p50, p95, bytes, and the most points a series carries. Reference, same run:
// `GET /healthz` on the same server (the HTTP round trip, nothing read). Goal (issue 28): every call under 200 ms,
// a series for "all" at most 1,000 points. Results: bench/results/dashboard-api.json.
//   npx tsx bench/dashboard/run.ts            (DEMO_STORE=DIR reuses a demo store built before)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../packages/server/src/testing/server-process.js';
import { root, writeResults } from '../lib.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 20);
const MODEL = 'elec2';
const ALL = { from: 0, to: Date.UTC(2100, 0, 1) };

function demoStore(): { path: string; buildSeconds: number | null } {
  const dir = process.env.DEMO_STORE ?? mkdtempSync(join(tmpdir(), 'steward-dashboard-'));
  const path = join(dir, 'scheduled.db');
  if (existsSync(path)) return { path, buildSeconds: null };
  const started = performance.now();
  execFileSync(
    'node',
    [join(root, 'packages/server/dist/cli/main.js'), 'demo', '--exit', '--port', '0', '--store', dir],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { path, buildSeconds: (performance.now() - started) / 1000 };
}

interface Timed {
  call: string;
  /** The first answer of this server (its caches cold): what the first page view waits. */
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
  /** The longest array in the answer (a series' points, a list's items). */
  mostItems: number;
}

function longestArray(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(longestArray));
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(longestArray));
  return 0;
}

async function timeCall(base: string, call: string, path: string): Promise<Timed> {
  const times: number[] = [];
  let bytes = 0;
  let mostItems = 0;
  let firstMs = 0;
  for (let r = 0; r <= REPEATS; r++) {
    const started = performance.now();
    const answer = await fetch(new URL(path, base));
    const text = await answer.text();
    const ms = performance.now() - started;
    if (!answer.ok) throw new Error(`${call}: ${answer.status} ${text.slice(0, 200)}`);
    if (r === 0) {
      // The first answer warms the server's caches; the page polls after that.
      bytes = text.length;
      firstMs = ms;
      mostItems = path === '/healthz' ? 0 : longestArray(JSON.parse(text));
      continue;
    }
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))] as number;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    call,
    firstMs: round(firstMs),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(times.at(-1) ?? 0),
    bytes,
    mostItems,
  };
}

const store = demoStore();
const server = await startServer(['--db', store.path]);
try {
  const get = async <T>(path: string) => (await (await fetch(new URL(path, server.url))).json()) as T;
  const m = `/api/v1/models/${MODEL}`;
  const aliases = await get<{ current: { production?: number } }>(`${m}/aliases`);
  const production = aliases.current.production ?? 1;
  const runs = await get<Array<{ id: string }>>(`${m}/updates?limit=1000`);
  const oldestRun = runs.at(-1)?.id as string;
  const range = `from=${ALL.from}&to=${ALL.to}`;
  const calls: Array<[string, string]> = [
    ['overview: models', '/api/v1/models'],
    ['overview: health', `${m}/health`],
    ['model page: model', m],
    ['model page: aliases', `${m}/aliases`],
    ['metrics: versions served (all)', `${m}/served?${range}`],
    ['metrics: metrics (all, ≤1000 windows)', `${m}/metrics?${range}&maxWindows=1000`],
    [
      'metrics: accuracy estimated without labels (all, ≤1000 windows)',
      `${m}/estimated?${range}&maxWindows=1000`,
    ],
    ['metrics: check results', `${m}/checks?limit=5000`],
    ['metrics: alerts', `/api/v1/alerts?model=${MODEL}&limit=500`],
    ['predictions: windows (all, ≤1000 windows)', `${m}/windows?${range}&maxWindows=1000`],
    ['quality: windows (all, ≤60 windows)', `${m}/windows?${range}&maxWindows=60`],
    // Each window against the training data of the version production served in it (the dashboard's default).
    [
      'drift: heatmap (all, 70 columns, against the serving version)',
      `${m}/drift/windows?${range}&maxWindows=70&against=serving`,
    ],
    [
      'drift: heatmap (all, 70 columns, against the window before)',
      `${m}/drift/windows?${range}&maxWindows=70&against=previous`,
    ],
    ['versions: first page', `${m}/versions?limit=50`],
    ['versions: production', `${m}/versions/${production}`],
    ['versions: training curves', `${m}/versions/${production}/steps`],
    ['versions: alias history', `${m}/aliases/history?limit=10`],
    ['runs: first page', `${m}/updates?limit=50`],
    ['runs: the oldest run', `${m}/updates/${oldestRun}`],
    ['alerts: open', '/api/v1/alerts?status=open&limit=100'],
  ];
  const reference = await timeCall(server.url, 'GET /healthz (reference)', '/healthz');
  const results: Timed[] = [];
  for (const [call, path] of calls) {
    const timed = await timeCall(server.url, call, path);
    results.push(timed);
    console.log(
      `${call.padEnd(48)} first ${String(timed.firstMs).padStart(6)} ms  p50 ${String(timed.p50Ms).padStart(6)} ms  p95 ${String(timed.p95Ms).padStart(6)} ms  ${(timed.bytes / 1024).toFixed(0).padStart(5)} KB  ${timed.mostItems} items  (p50 ${(timed.p50Ms / reference.p50Ms).toFixed(1)}x /healthz)`,
    );
  }
  const counts = {
    runs: runs.length,
    versions: (await get<unknown[]>(`${m}/versions?limit=1000`)).length,
    alerts: (await get<unknown[]>(`/api/v1/alerts?model=${MODEL}&limit=1000`)).length,
  };
  const slowest = results.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
  console.log(
    `store: ${counts.runs} runs, ${counts.versions} versions, ${counts.alerts} alerts; slowest p95: ${slowest.call} ${slowest.p95Ms} ms; /healthz p50 ${reference.p50Ms} ms`,
  );
  writeResults(
    'dashboard-api',
    { reference: 'GET /healthz on the same server, same run' },
    {
      store: { ...counts, days: 916, builtInSeconds: store.buildSeconds },
      repeats: REPEATS,
      healthzP50Ms: reference.p50Ms,
      calls: results.map((r) => ({
        ...r,
        ratioToHealthz: Math.round((r.p50Ms / reference.p50Ms) * 10) / 10,
      })),
      goal: 'every dashboard API call under 200 ms (p95); a series for "all" at most 1,000 points',
      met: results.every((r) => r.p95Ms < 200),
      firstCallsOver200Ms: results.filter((r) => r.firstMs >= 200).map((r) => `${r.call}: ${r.firstMs} ms`),
    },
  );
} finally {
  await server.stop();
}
