// Where an ingested prediction's time goes: each step of the server's path timed alone, in this process, on the
// batches bench/ingest/run.ts posts, in µs a row and as a multiple of JSON.parse (the reference). The storage steps
// insert into a file database with the store's settings, with and without fsync: the store's one-row-a-prediction
// table beside a narrow `(model, id)` index of the kind a log-structured store would keep. Results: bench/results/ingest-costs.json.
//   npx tsx bench/ingest/row-costs.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { PredictionRecord } from '../../packages/server/src/monitor/ingest-rows.js';
import { WindowProfile } from '../../packages/server/src/monitor/window-profile.js';
import { openStore, SQLITE_PRAGMAS } from '../../packages/server/src/store/open-store.js';
import { insertSqlite } from '../../packages/server/src/store/predictions.js';
import { best, writeResults } from '../lib.js';
import { BATCH, elec2Spec, elec2Validator, validatedBatches, workload } from './workload.js';

const BATCHES = 100;
const ROWS = BATCH * BATCHES;
const { payloads } = workload(BATCHES, 'ordered');
const parsed = payloads.map((p) => JSON.parse(p) as unknown[]);
const batches = validatedBatches(payloads);

const microsPerRow = (run: () => unknown) => (best(3, run).seconds * 1e6) / ROWS;
const costs: Record<string, number> = {};
costs.parse = microsPerRow(() => {
  for (const p of payloads) JSON.parse(p);
});
costs.validate = microsPerRow(() => {
  for (const rows of parsed) elec2Validator.predictions(rows, Date.now());
});
costs.profile = microsPerRow(() => {
  const profile = new WindowProfile(elec2Spec);
  for (const records of batches) for (const r of records) profile.add(r);
});
costs.stringifyBatch = microsPerRow(() => {
  for (const records of batches) JSON.stringify(records);
});

// Each storage step writes all batches once into a fresh file database, one transaction a batch: the store's own
// table and insert (insertSqlite, as the server runs it), or a narrow id index alone.
async function storage(synchronous: 'FULL' | 'OFF', table: 'predictions' | 'ids'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-costs-'));
  try {
    const path = join(dir, 'costs.db');
    let write: (records: readonly PredictionRecord[]) => void;
    let close: () => Promise<void>;
    if (table === 'predictions') {
      const store = await openStore({ url: path });
      const database = store.sqlite as BetterSqlite3.Database;
      database.pragma(`synchronous = ${synchronous}`);
      write = database.transaction((records: readonly PredictionRecord[]) => {
        insertSqlite(database, 'elec2', records, 0);
      });
      close = () => store.close();
    } else {
      const database = new BetterSqlite3(path);
      for (const pragma of SQLITE_PRAGMAS) database.pragma(pragma);
      database.pragma(`synchronous = ${synchronous}`);
      database.exec(
        'create table ids (model text not null, id text not null, time bigint not null, primary key (model, id)) without rowid',
      );
      const insert = database.prepare('insert into ids values (?, ?, ?) on conflict do nothing');
      write = database.transaction((records: readonly PredictionRecord[]) => {
        for (const r of records) insert.run('elec2', r.id, r.time);
      });
      close = async () => {
        database.close();
      };
    }
    const started = performance.now();
    for (const records of batches) write(records);
    const micros = ((performance.now() - started) * 1000) / ROWS;
    await close();
    return micros;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
costs.storeRowsFsync = await storage('FULL', 'predictions');
costs.storeRowsNoFsync = await storage('OFF', 'predictions');
costs.storeIdIndexFsync = await storage('FULL', 'ids');
costs.storeIdIndexNoFsync = await storage('OFF', 'ids');

const results: Record<string, { microsPerRow: number; ratioToJsonParse: number }> = {};
for (const [step, micros] of Object.entries(costs)) {
  results[step] = { microsPerRow: micros, ratioToJsonParse: micros / (costs.parse as number) };
  console.log(
    `${step.padEnd(22)} ${micros.toFixed(2)} µs a row (${(micros / (costs.parse as number)).toFixed(2)}x JSON.parse)`,
  );
}
writeResults(
  'ingest-costs',
  { reference: 'JSON.parse of the same payloads, same process run' },
  { batch: BATCH, batches: BATCHES, steps: results },
);
