// Where an ingested prediction's time goes: each step of the server's path timed alone, in this process, on the
// batches bench/ingest/run.ts posts, in µs a row and as a multiple of JSON.parse (the reference). The storage steps
// insert into a file database (WAL) with and without fsync, the current one-row-a-prediction table beside a narrow
// `(model, id)` index of the kind a log-structured store would keep. Results: bench/results/ingest-costs.json.
//   npx tsx bench/ingest/row-costs.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { compileValidator, type PredictionRecord } from '../../packages/server/src/monitor/ingest-rows.js';
import { modelSpec } from '../../packages/server/src/monitor/model-spec.js';
import { WindowProfile } from '../../packages/server/src/monitor/window-profile.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { ELEC2_MODEL, elec2Predictions } from '../../packages/server/src/testing/elec2.js';
import { best, writeResults } from '../lib.js';

const BATCH = 1000;
const BATCHES = 100;
const ROWS = BATCH * BATCHES;
const STREAM_START = Date.UTC(2026, 0, 1);
const source = elec2Predictions();
const payloads = Array.from({ length: BATCHES }, (_, b) =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => {
      const { label: _label, ...p } = source[(b * BATCH + i) % source.length] as (typeof source)[number];
      return { ...p, id: `b${b}-${i}`, time: STREAM_START + (b * BATCH + i) * 1000 };
    }),
  ),
);
const spec = modelSpec.parse(ELEC2_MODEL);
const validator = compileValidator(spec);
const parsed = payloads.map((p) => JSON.parse(p) as unknown[]);
const batches = parsed.map((rows) => {
  const result = validator.predictions(rows, Date.now());
  if (!result.ok) throw new Error(`bench data invalid: ${JSON.stringify(result.errors[0])}`);
  return result.records;
});

const microsPerRow = (run: () => unknown) => (best(3, run).seconds * 1e6) / ROWS;
const costs: Record<string, number> = {};
costs.parse = microsPerRow(() => {
  for (const p of payloads) JSON.parse(p);
});
costs.validate = microsPerRow(() => {
  for (const rows of parsed) validator.predictions(rows, Date.now());
});
costs.profile = microsPerRow(() => {
  const profile = new WindowProfile(spec);
  for (const records of batches) for (const r of records) profile.add(r);
});
costs.stringifyBatch = microsPerRow(() => {
  for (const records of batches) JSON.stringify(records);
});

// Each storage step writes all batches once into a fresh database, one transaction a batch.
function storage(synchronous: 'FULL' | 'OFF', table: 'predictions' | 'ids'): number {
  const dir = mkdtempSync(join(tmpdir(), 'steward-costs-'));
  try {
    const database = new BetterSqlite3(join(dir, 'costs.db'));
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${synchronous}`);
    database.exec(
      table === 'predictions'
        ? `create table predictions (model text not null, id text not null, time bigint not null, version text,
             segment text, features text not null, output text not null, score real, proba text,
             ingested_at bigint not null, primary key (model, id));
           create index predictions_by_time on predictions (model, time)`
        : 'create table ids (model text not null, id text not null, time bigint not null, primary key (model, id)) without rowid',
    );
    const insert =
      table === 'predictions'
        ? database.prepare(
            'insert into predictions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (model, id) do nothing',
          )
        : database.prepare('insert into ids values (?, ?, ?) on conflict do nothing');
    const row = (r: PredictionRecord): unknown[] =>
      table === 'predictions'
        ? [
            'elec2',
            r.id,
            r.time,
            r.version,
            r.segment,
            JSON.stringify(r.features),
            JSON.stringify(r.output),
            r.score,
            null,
            0,
          ]
        : ['elec2', r.id, r.time];
    const started = performance.now();
    for (const records of batches) {
      database.transaction(() => {
        for (const r of records) insert.run(...row(r));
      })();
    }
    const micros = ((performance.now() - started) * 1000) / ROWS;
    database.close();
    return micros;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
costs.storeRowsFsync = storage('FULL', 'predictions');
costs.storeRowsNoFsync = storage('OFF', 'predictions');
costs.storeIdIndexFsync = storage('FULL', 'ids');
costs.storeIdIndexNoFsync = storage('OFF', 'ids');

// The store the server opens must still have the schema these steps copy.
const check = await openStore({ url: ':memory:' });
const columns = check.sqlite?.prepare('select name from pragma_table_info(?)').all('predictions') as Array<{
  name: string;
}>;
await check.close();
if (
  columns.map((c) => c.name).join(',') !==
  'model,id,time,version,segment,features,output,score,proba,ingested_at'
)
  throw new Error('the predictions table changed: update the storage steps of this bench');

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
