// Where an ingested prediction's time goes: each step of the server's path timed alone, in this process, on the
// batches bench/ingest/run.ts posts, in µs a row and as a multiple of JSON.parse (the reference). The storage steps
// insert into a file database with the store's schema and settings, with and without fsync: one batch record and a
// `(model, id)` key entry a prediction. Results: bench/results/ingest-costs.json.
//   npx tsx bench/ingest/row-costs.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionRecord } from '../../packages/server/src/spec/records.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { insertSqlite } from '../../packages/server/src/store/prediction-writes.js';
import type { SqliteDatabase } from '../../packages/server/src/store/sqlite-connection.js';
import { WindowProfile } from '../../packages/server/src/window-state/window-profile.js';
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

// Each storage step writes all batches once into a fresh file database, one transaction a batch, with the store's
// own schema, settings and insert (insertSqlite): the request body kept as received (as the server stores bodies
// whose rows give every field), or the validated records encoded again (rows without an id, a time or a feature).
async function storage(synchronous: 'FULL' | 'OFF', body: 'raw' | 'records'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-costs-'));
  try {
    const store = await openStore({ url: join(dir, 'costs.db') });
    const database = store.sqlite as SqliteDatabase;
    database.pragma(`synchronous = ${synchronous}`);
    const write = database.transaction((b: number) => {
      const raw = body === 'raw' ? { text: payloads[b] as string, format: 'json' as const } : undefined;
      insertSqlite(database, 'elec2', batches[b] as PredictionRecord[], 0, raw);
    });
    const started = performance.now();
    for (let b = 0; b < batches.length; b++) write(b);
    const micros = ((performance.now() - started) * 1000) / ROWS;
    await store.close();
    return micros;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
costs.storeBodyFsync = await storage('FULL', 'raw');
costs.storeBodyNoFsync = await storage('OFF', 'raw');
costs.storeRecordsFsync = await storage('FULL', 'records');

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
