// Predictions per second over HTTP on loopback into one `steward serve` process, 1000-row batches of Elec2
// predictions streamed in time order, SQLite and (with STEWARD_TEST_PG) PostgreSQL, beside JSON.parse alone on the same payloads (the
// ceiling: the server must at least parse them) and a server that only receives and parses them over the same HTTP
// (what the machine allows before anything is validated or stored); then SQLite again with UUID ids over 10^6
// predictions (random keys: the case the ordered ids hide). Results: bench/results/ingest.json.
//   npm run bench:ingest
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ModelCatalog } from '../../packages/server/src/monitor/model-catalog.js';
import type { PredictionRecord } from '../../packages/server/src/spec/records.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { insertSqlite } from '../../packages/server/src/store/prediction-writes.js';
import type { SqliteDatabase } from '../../packages/server/src/store/sqlite-connection.js';
import { ELEC2_MODEL } from '../../packages/server/src/testing/elec2.js';
import { startServer } from '../../packages/server/src/testing/server-process.js';
import { best, writeResults } from '../lib.js';
import { BATCH, validatedBatches, type Workload, workload } from './workload.js';

// 10^6 predictions: long enough for the WAL to be checkpointed several times and the key to grow.
const BATCHES = Number(process.env.BENCH_BATCHES ?? 1000);
// UUIDs, as most clients send, fall all over the (model, id) key's B-tree: each row dirties its own page, and the
// cost grows with the table. Measured over 10^6 predictions so that shows.
const UUID_BATCHES = Number(process.env.BENCH_UUID_BATCHES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const ordered = workload(BATCHES, 'ordered');
const { payloads, rows } = ordered;
// node:http with keep-alive: fetch (undici) cost 2–4 µs of client CPU a row on this machine, node:http 0.5–1.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

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

async function run(label: string, work: Workload, url: string, schema?: string) {
  const store = await openStore({ url, ...(schema ? { schema } : {}) });
  await new ModelCatalog(store).put(ELEC2_MODEL);
  await store.close();
  return post(
    label,
    work,
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

async function post(label: string, work: Workload, server: Target) {
  const { bodies } = work;
  try {
    const endpoint = `${server.url}/api/v1/models/elec2/predictions`;
    const send = (body: Buffer) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          endpoint,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              if (response.statusCode === 200) resolve();
              else reject(new Error(`HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString()}`));
            });
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    await send(bodies[0] as Buffer); // warm-up (its rows count as duplicates below)
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) await send(bodies[next++] as Buffer);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = work.rows / seconds;
    console.log(
      `${label}: ${(rate / 1e3).toFixed(0)} k predictions/s over HTTP (${((rate / parseRate) * 100).toFixed(1)}% of JSON.parse)`,
    );
    return {
      predictions: work.rows,
      predictionsPerSecond: Math.round(rate),
      ratioToJsonParse: rate / parseRate,
      seconds,
    };
  } finally {
    await server.stop();
  }
}

// A second reference: SQLite alone storing the same batches (the store's schema, settings and insert, a batch a
// transaction, on one thread), without HTTP, parsing, validation or profiles.
async function sqliteAlone(path: string) {
  const store = await openStore({ url: path });
  const database = store.sqlite as SqliteDatabase;
  const batches = validatedBatches(payloads);
  const write = database.transaction((b: number) => {
    insertSqlite(database, 'elec2', batches[b] as PredictionRecord[], 0, {
      text: payloads[b] as string,
      format: 'json',
    });
  });
  const started = performance.now();
  for (let b = 0; b < batches.length; b++) write(b);
  const rate = rows / ((performance.now() - started) / 1000);
  await store.close();
  console.log(`SQLite alone (same rows and schema): ${(rate / 1e3).toFixed(0)} k rows/s (the storage floor)`);
  return Math.round(rate);
}

const dir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
const results: Record<string, unknown> = {
  sqliteAloneRowsPerSecond: await sqliteAlone(join(dir, 'alone.db')),
  batch: BATCH,
  batches: BATCHES,
  concurrency: CONCURRENCY,
  jsonParsePredictionsPerSecond: Math.round(parseRate),
  sqlite: await run('SQLite (WAL, synchronous=FULL)', ordered, join(dir, 'bench.db')),
  // After the SQLite run, so both meet a client that is equally warm.
  httpParseOnly: await post('HTTP + JSON.parse only, nothing stored', ordered, await parseOnlyServer()),
  sqliteUuidIds: await run(
    `SQLite, UUID ids, ${UUID_BATCHES * BATCH} predictions`,
    workload(UUID_BATCHES, 'uuid'),
    join(dir, 'uuid.db'),
  ),
};
rmSync(dir, { recursive: true, force: true });
const pgUrl = process.env.STEWARD_TEST_PG;
if (pgUrl) {
  const schema = `steward_bench_${process.pid}`;
  results.postgres = await run('PostgreSQL', ordered, pgUrl, schema);
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
} else console.log('PostgreSQL skipped: STEWARD_TEST_PG is unset');
results.goal = 'at least 200,000 predictions/s into one SQLite-backed process';
writeResults('ingest', { reference: 'JSON.parse of the same payloads, same process run' }, results);
