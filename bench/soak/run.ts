// A busy model's server for 60 s: 16 concurrent clients on a store that already holds 10^6 labelled predictions
// (a year at one every 31.5 s, 1-hour windows). 5 clients ingest 100-row batches (one row in ten held up and falling
// anywhere in the last two days, so earlier windows move too), 3 send labels for predictions of the last days (late labels and corrections), 8 poll
// what a dashboard reads (two days of windows, six hours of metrics, versions, alerts). Per route: requests, errors,
// p50/p95; requests/s; the server's RSS after warm-up and at the end. SQLite (one server), then with STEWARD_TEST_PG
// PostgreSQL (two servers behind the clients). Results: bench/results/soak.json.     npx tsx bench/soak/run.ts
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../../packages/server/src/http/app.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { elec2Predictions } from '../../packages/server/src/testing/elec2.js';
import { type ServerProcess, startServer } from '../../packages/server/src/testing/server-process.js';
import { writeResults } from '../lib.js';
import { HISTORY_MODEL, STEP, storeLabelledHistory } from '../monitoring/labelled-history.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
// The first minute the heaps grow to their working size: RSS is compared from there on. Measured per thread over
// 180 s (SQLite): the main thread's heap levels off at about 40 s, the writer thread's at about 60 s, RSS rose
// 306 -> 392 -> 520 MB at 10, 30 and 60 s and stayed within 520–600 MB to 180 s; a sample taken at 30 s was on the
// steep part of that curve.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 60);
const DAY = 86_400_000;
const NOW = Date.now();
const START = NOW - Math.floor(ROWS * STEP);
const source = elec2Predictions();
const MODEL = { ...HISTORY_MODEL, name: 'busy' };

/** Fills a store with ROWS labelled predictions through the server's own ingestion path. */
async function preload(url: string, schema?: string): Promise<void> {
  const store = await openStore({ url, ...(schema ? { schema } : {}) });
  const steward = await createApp({
    store,
    artifactDir: join(tmpdir(), 'soak-artifacts'),
    notifier: { log: () => {} },
  });
  try {
    await storeLabelledHistory(steward, MODEL.name, ROWS, START);
  } finally {
    await steward.app.close();
    await store.close();
  }
}

interface Route {
  name: string;
  latencies: number[];
  errors: number;
  serverErrors: number;
}

async function soak(servers: ServerProcess[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const routes = new Map<string, Route>();
  const route = (name: string) => {
    let r = routes.get(name);
    if (!r) {
      r = { name, latencies: [], errors: 0, serverErrors: 0 };
      routes.set(name, r);
    }
    return r;
  };
  let measuring = false;
  let stop = false;
  const call = (server: ServerProcess, name: string, method: string, path: string, body?: string) =>
    new Promise<number>((resolve) => {
      const url = new URL(path, server.url);
      const started = performance.now();
      const request = http.request(
        url,
        {
          method,
          agent,
          headers: body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {},
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (measuring) {
              const r = route(name);
              r.latencies.push(performance.now() - started);
              if (status >= 400) r.errors++;
              if (status >= 500) r.serverErrors++;
            }
            resolve(status);
          });
        },
      );
      request.on('error', () => {
        if (measuring) route(name).errors++;
        resolve(0);
      });
      if (body) request.write(body);
      request.end();
    });
  const sent: string[] = [];
  const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;
  let n = 0;
  const ingester = async (c: number) => {
    while (!stop) {
      const rows = Array.from({ length: 100 }, () => {
        const s = pick(source);
        const id = `s${c}-${n++}`;
        sent.push(id);
        // Most rows are of the current hour; one in ten was held up and falls anywhere in the last two days.
        const late = Math.random() < 0.1 ? Math.random() * 2 * DAY : Math.random() * 60_000;
        return {
          id,
          time: Date.now() - Math.floor(late),
          features: s.features,
          output: s.output,
          score: s.score,
        };
      });
      await call(
        servers[c % servers.length] as ServerProcess,
        'POST predictions',
        'POST',
        '/api/v1/models/busy/predictions',
        JSON.stringify(rows),
      );
    }
  };
  const labeller = async (c: number) => {
    while (!stop) {
      // Late labels for what was just served, and corrections of the preloaded last days.
      const ids = Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 && sent.length > 0 ? pick(sent) : `p${ROWS - 1 - Math.floor(Math.random() * 48 * 114)}`,
      );
      const labels = [...new Set(ids)].map((predictionId) => ({
        predictionId,
        label: Math.random() < 0.5 ? 0 : 1,
      }));
      await call(
        servers[c % servers.length] as ServerProcess,
        'POST labels',
        'POST',
        '/api/v1/models/busy/labels',
        JSON.stringify(labels),
      );
    }
  };
  const reader = async (c: number) => {
    const reads: Array<[string, () => string]> = [
      [
        'GET windows (2 days)',
        () => `/api/v1/models/busy/windows?from=${Date.now() - 2 * DAY}&to=${Date.now()}`,
      ],
      [
        'GET metrics (6 hours)',
        () => `/api/v1/models/busy/metrics?from=${Date.now() - DAY / 4}&to=${Date.now()}`,
      ],
      ['GET versions', () => '/api/v1/models/busy/versions'],
      ['GET alerts', () => '/api/v1/alerts?model=busy'],
    ];
    for (let i = c; !stop; i++) {
      const [name, path] = reads[i % reads.length] as [string, () => string];
      await call(servers[c % servers.length] as ServerProcess, name, 'GET', path());
    }
  };
  const rss = () =>
    servers.map(
      (s) =>
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.process.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    );
  const clients = [
    ...Array.from({ length: 5 }, (_, c) => ingester(c)),
    ...Array.from({ length: 3 }, (_, c) => labeller(c)),
    ...Array.from({ length: 8 }, (_, c) => reader(c)),
  ];
  await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
  const warm = rss();
  const timingsWarm = await Promise.all(servers.map(storeTimings));
  measuring = true;
  const started = performance.now();
  // RSS every 5 s of the measured run: growth that levels off, or that keeps on.
  const samples: number[][] = [];
  const heap: number[][] = [];
  const heapUsed = () =>
    Promise.all(
      servers.map(async (s) => {
        const text = await (await fetch(new URL('/metrics', s.url))).text();
        return round(Number(/^steward_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? 0) / 2 ** 20);
      }),
    );
  const throughput: number[] = [];
  let counted = 0;
  const sampler = setInterval(() => {
    const done = [...routes.values()].reduce((n, r) => n + r.latencies.length, 0);
    throughput.push(round((done - counted) / 5));
    counted = done;
    samples.push(rss().map(round));
    void heapUsed().then((h) => heap.push(h));
  }, 5000);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  clearInterval(sampler);
  measuring = false;
  const pauses = await Promise.all(servers.map(gcAndLag));
  const timingsEnd = await Promise.all(servers.map(storeTimings));
  const seconds = (performance.now() - started) / 1000;
  const end = rss();
  stop = true;
  await Promise.all(clients);
  agent.destroy();
  const pct = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  const perRoute = [...routes.values()].map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return {
      route: r.name,
      requests: r.latencies.length,
      errors: r.errors,
      serverErrors: r.serverErrors,
      p50Ms: round(pct(sorted, 0.5)),
      p95Ms: round(pct(sorted, 0.95)),
      maxMs: round(sorted.at(-1) ?? 0),
    };
  });
  const requests = perRoute.reduce((s, r) => s + r.requests, 0);
  return {
    seconds: round(seconds),
    requests,
    requestsPerSecond: round(requests / seconds),
    serverErrors: perRoute.reduce((s, r) => s + r.serverErrors, 0),
    rssWarmMb: warm.map(round),
    rssEndMb: end.map(round),
    // Requests answered a second, every 5 s: a server that slows down as the run goes on shows here.
    requestsPerSecondEvery5s: throughput,
    rssEvery5sMb: samples,
    // The main thread's JavaScript heap in use (the writer and job threads' heaps are not in it).
    heapUsedEvery5sMb: heap,
    // Per server, over its whole life: seconds spent in each kind of garbage collection, and the event loop's
    // longest delay (a stall every request in flight waits out).
    gcSecondsAndMaxLag: pauses,
    // Per server, over the measured run: the store's statements by kind (count, mean ms from call to result, which
    // includes waiting for the event loop to take the result), and waits for a pooled connection.
    storeStatements: timingsEnd.map((end, s) => timingDelta(timingsWarm[s] as StoreTimingTotals, end)),
    routes: perRoute,
  };
}
const round = (x: number) => Math.round(x * 10) / 10;

type StoreTimingTotals = Map<string, { count: number; seconds: number }>;

/** The server's cumulative statement timings by kind (and `connection wait`), from its Prometheus metrics. */
async function storeTimings(server: ServerProcess): Promise<StoreTimingTotals> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const totals: StoreTimingTotals = new Map();
  const add = (key: string, field: 'count' | 'seconds', value: number) => {
    const entry = totals.get(key) ?? { count: 0, seconds: 0 };
    entry[field] += value;
    totals.set(key, entry);
  };
  for (const m of text.matchAll(
    /^steward_store_statement_duration_seconds_(sum|count)\{kind="(\w+)",failed="\w+"\} (\S+)/gm,
  ))
    add(m[2] as string, m[1] === 'sum' ? 'seconds' : 'count', Number(m[3]));
  for (const m of text.matchAll(/^steward_store_connection_wait_seconds_(sum|count) (\S+)/gm))
    add('connection wait', m[1] === 'sum' ? 'seconds' : 'count', Number(m[2]));
  return totals;
}

function timingDelta(before: StoreTimingTotals, after: StoreTimingTotals) {
  const out: Record<string, { count: number; meanMs: number; seconds: number }> = {};
  for (const [kind, { count, seconds }] of after) {
    const n = count - (before.get(kind)?.count ?? 0);
    const s = seconds - (before.get(kind)?.seconds ?? 0);
    if (n > 0) out[kind] = { count: n, meanMs: Math.round((s / n) * 1e6) / 1e3, seconds: round(s) };
  }
  return out;
}

async function gcAndLag(server: ServerProcess): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^steward_nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} (\S+)/gm))
    out[`gc_${m[1]}`] = round(Number(m[2]));
  const lag = /^steward_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1];
  if (lag) out.maxLagMs = round(Number(lag) * 1000);
  return out;
}

function printServerErrors(server: ServerProcess): void {
  const errors = server
    .output()
    .split('\n')
    .filter((l) => l.includes('"level":"error"'));
  if (errors.length > 0)
    console.log(`server errors (${errors.length}), first:`, errors.slice(0, 3).join('\n'));
}

// For working on one store: SOAK_ONLY=sqlite|postgres runs that one (and records nothing); SOAK_PG_TEMPLATE=NAME
// preloads PostgreSQL database NAME on the first run and soaks a fresh copy of it on every run.
// SOAK_SQLITE_TEMPLATE=FILE does the same for SQLite with a database file.
const only = process.env.SOAK_ONLY;
// SOAK_PROFILE=DIR writes the servers' CPU profiles there.
const profiling = process.env.SOAK_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SOAK_PROFILE}`]
  : [];
const results: Record<string, unknown> = {};
const dir = mkdtempSync(join(tmpdir(), 'steward-soak-'));
try {
  if (only !== 'postgres') await soakSqlite();
  const pgUrl = process.env.STEWARD_TEST_PG;
  if (pgUrl && only !== 'sqlite') await soakPostgres(pgUrl);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function soakSqlite(): Promise<void> {
  const db = join(dir, 'soak.db');
  const template = process.env.SOAK_SQLITE_TEMPLATE;
  if (template && existsSync(template)) copyFileSync(template, db);
  else {
    const t = performance.now();
    await preload(db);
    console.log(
      `SQLite: ${ROWS} labelled predictions preloaded in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    if (template) copyFileSync(db, template);
  }
  const server = await startServer(['--db', db, '--check-interval', '5s'], {}, profiling);
  try {
    results.sqlite = { servers: 1, ...(await soak([server])) };
    console.log(JSON.stringify(results.sqlite, null, 1));
    printServerErrors(server);
  } finally {
    await server.stop();
  }
}

async function soakPostgres(pgUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const template = process.env.SOAK_PG_TEMPLATE;
  try {
    if (template) {
      // A copy of the template database (preloaded on the first run): every run starts from the same store.
      const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
      if (!exists.rowCount) {
        await admin.query(`create database ${template}`);
        await preloadPostgres(databaseUrl(pgUrl, template));
      }
      const copy = `${template}_run`;
      await admin.query(`drop database if exists ${copy}`);
      await admin.query(`create database ${copy} template ${template}`);
      try {
        await soakServers(databaseUrl(pgUrl, copy), {});
      } finally {
        await admin.query(`drop database ${copy} with (force)`);
      }
      return;
    }
    const schema = `soak_${process.pid}`;
    await admin.query(`create schema ${schema}`);
    try {
      await preloadPostgres(pgUrl, schema);
      await soakServers(pgUrl, { PGOPTIONS: `-c search_path=${schema}` });
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
    }
  } finally {
    await admin.end();
  }
}

async function preloadPostgres(url: string, schema?: string): Promise<void> {
  const t = performance.now();
  await preload(url, schema);
  // A store at rest, as a server that has run for a while has it: the bulk load's WAL checkpointed and its tables
  // vacuumed and analysed (else the checkpoint and autovacuum it triggers run through the soak).
  const client = new pg.Client({
    connectionString: url,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    await client.query('vacuum analyze');
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
  console.log(
    `PostgreSQL: preloaded in ${((performance.now() - t) / 1000).toFixed(1)} s (vacuumed, checkpointed)`,
  );
}

function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Two servers on the PostgreSQL store at `url`, soaked. */
async function soakServers(url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const servers = [
    await startServer(['--db', url, '--check-interval', '5s'], env, profiling),
    await startServer(['--db', url, '--check-interval', '5s'], env, profiling),
  ];
  try {
    results.postgres = { servers: 2, ...(await soak(servers)) };
    console.log(JSON.stringify(results.postgres, null, 1));
    for (const server of servers) printServerErrors(server);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

if (!only)
  writeResults(
    'soak',
    {
      reference:
        'goal: zero 5xx, p95 under 100 ms on every route, at least 500 requests/s, RSS at the end within 20% of after warm-up',
    },
    { storedLabelledPredictions: ROWS, clients: { ingest: 5, labels: 3, reads: 8 }, ...results },
  );
