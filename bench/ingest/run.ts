// Predictions per second over HTTP on loopback into one `steward serve` process, 1000-row batches of Elec2
// predictions streamed in time order, SQLite and (with STEWARD_TEST_PG) PostgreSQL, beside JSON.parse alone on the same payloads (the
// ceiling: the server must at least parse them) and a server that only receives and parses them over the same HTTP
// (what the machine allows before anything is validated or stored). Results: bench/results/ingest.json.
//   npm run bench:ingest
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { ModelCatalog } from '../../packages/server/src/monitor/model-catalog.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { ELEC2_MODEL, elec2Predictions } from '../../packages/server/src/testing/elec2.js';
import { startServer } from '../../packages/server/src/testing/server-process.js';
import { best, writeResults } from '../lib.js';

const BATCH = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const source = elec2Predictions();
const STREAM_START = Date.UTC(2026, 0, 1);
const payloads = Array.from({ length: BATCHES }, (_, b) =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => {
      const { label: _label, ...p } = source[(b * BATCH + i) % source.length] as (typeof source)[number];
      // Steady streaming: one prediction a second in time order (Elec2's own half-hours span years).
      return { ...p, id: `b${b}-${i}`, time: STREAM_START + (b * BATCH + i) * 1000 };
    }),
  ),
);
const rows = BATCH * BATCHES;

const parse = best(5, () => {
  let n = 0;
  for (const payload of payloads) n += (JSON.parse(payload) as unknown[]).length;
  return n;
});
const parseRate = rows / parse.seconds;
console.log(`JSON.parse alone: ${(parseRate / 1e6).toFixed(2)} M predictions/s (the ceiling)`);

interface Target {
  url: string;
  stop(): Promise<void>;
}

async function run(label: string, url: string, schema?: string) {
  const store = await openStore({ url, ...(schema ? { schema } : {}) });
  await new ModelCatalog(store).put(ELEC2_MODEL);
  await store.close();
  return post(
    label,
    await startServer(['--db', url], schema ? { PGOPTIONS: `-c search_path=${schema}` } : {}),
  );
}

// The HTTP reference: the same framework receiving and parsing the same bodies in its own process, storing nothing.
async function parseOnlyServer(): Promise<Target> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./parse-only-server.ts', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`parse-only server exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

async function post(label: string, server: Target) {
  try {
    const endpoint = `${server.url}/api/v1/models/elec2/predictions`;
    const send = async (payload: string) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };
    await send(payloads[0] as string); // warm-up (its rows count as duplicates below)
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < payloads.length) await send(payloads[next++] as string);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = rows / seconds;
    console.log(
      `${label}: ${(rate / 1e3).toFixed(0)} k predictions/s over HTTP (${((rate / parseRate) * 100).toFixed(1)}% of JSON.parse)`,
    );
    return { predictionsPerSecond: Math.round(rate), ratioToJsonParse: rate / parseRate, seconds };
  } finally {
    await server.stop();
  }
}

// A second reference: SQLite alone storing the same rows (same schema, WAL, synchronous=FULL, one prepared
// statement, 1000 rows per transaction), without HTTP, parsing, validation or profiles: the storage floor.
async function sqliteAlone(path: string) {
  const store = await openStore({ url: path });
  await store.close();
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  const insert = database.prepare(
    'insert into predictions (model, id, time, version, segment, features, output, score, proba, ingested_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (model, id) do nothing',
  );
  const parsed = payloads.map(
    (p) =>
      JSON.parse(p) as Array<{ id: string; time: number; features: unknown; output: number; score: number }>,
  );
  const started = performance.now();
  for (const batch of parsed) {
    database.transaction(() => {
      for (const r of batch)
        insert.run(
          'elec2',
          r.id,
          r.time,
          null,
          null,
          JSON.stringify(r.features),
          JSON.stringify(r.output),
          r.score,
          null,
          0,
        );
    })();
  }
  const rate = rows / ((performance.now() - started) / 1000);
  database.close();
  console.log(
    `SQLite alone (better-sqlite3, same rows and schema): ${(rate / 1e3).toFixed(0)} k rows/s (the storage floor)`,
  );
  return Math.round(rate);
}

const dir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
const results: Record<string, unknown> = {
  sqliteAloneRowsPerSecond: await sqliteAlone(join(dir, 'alone.db')),
  batch: BATCH,
  batches: BATCHES,
  concurrency: CONCURRENCY,
  jsonParsePredictionsPerSecond: Math.round(parseRate),
  sqlite: await run('SQLite (WAL, synchronous=FULL)', join(dir, 'bench.db')),
  // After the SQLite run, so both meet a client that is equally warm.
  httpParseOnly: await post('HTTP + JSON.parse only, nothing stored', await parseOnlyServer()),
};
rmSync(dir, { recursive: true, force: true });
const pgUrl = process.env.STEWARD_TEST_PG;
if (pgUrl) {
  const schema = `steward_bench_${process.pid}`;
  results.postgres = await run('PostgreSQL', pgUrl, schema);
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
} else console.log('PostgreSQL skipped: STEWARD_TEST_PG is unset');
results.goal = 'at least 200,000 predictions/s into one SQLite-backed process';
writeResults('ingest', { reference: 'JSON.parse of the same payloads, same process run' }, results);
