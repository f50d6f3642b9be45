// What reading predictions back costs now that they are stored a batch to a record: 10^6 Elec2 predictions stored
// as the server stores them (request bodies, in one SQLite file), a label for one in ten, then the store's reads
// over all of them: the labelled rows (what window metrics and checks read), every row, and every row with its
// features (drift, data quality). Reference: JSON.parse of the same payloads in the same process (the bodies must
// at least be parsed again). Results: bench/results/ingest-reads.json.
//   npx tsx bench/ingest/reads.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionRecord } from '../../packages/server/src/spec/records.js';
import { upsertLabels } from '../../packages/server/src/store/label-upserts.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { type PredictionQuery, queryPredictions } from '../../packages/server/src/store/prediction-reads.js';
import { insertSqlite } from '../../packages/server/src/store/prediction-writes.js';
import type { SqliteDatabase } from '../../packages/server/src/store/sqlite-connection.js';
import { best, writeResults } from '../lib.js';
import { BATCH, validatedBatches, workload } from './workload.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 1000);
const { payloads, rows } = workload(BATCHES, 'ordered');
const batches = validatedBatches(payloads);

const parse = best(3, () => {
  for (const p of payloads) JSON.parse(p);
});
const parseMicros = (parse.seconds * 1e6) / rows;
console.log(`JSON.parse of the payloads: ${parseMicros.toFixed(2)} µs a prediction (the reference)`);

const dir = mkdtempSync(join(tmpdir(), 'steward-reads-'));
const store = await openStore({ url: join(dir, 'reads.db') });
try {
  const database = store.sqlite as SqliteDatabase;
  const write = database.transaction((b: number) => {
    insertSqlite(database, 'elec2', batches[b] as PredictionRecord[], 0, {
      text: payloads[b] as string,
      format: 'json',
    });
  });
  for (let b = 0; b < BATCHES; b++) write(b);
  const labels = batches
    .flat()
    .filter((_, i) => i % 10 === 0)
    .map((r) => ({ predictionId: r.id, label: 1, time: r.time }));
  await store.db.transaction().execute((trx) => upsertLabels(trx, 'elec2', labels, 0, { sqlite: database }));

  const results: Record<
    string,
    { rows: number; seconds: number; microsPerStored: number; ratioToJsonParse: number }
  > = {};
  const reads: Record<string, Partial<PredictionQuery>> = {
    labelled: { labelled: true },
    all: {},
    allWithFeatures: { features: true },
  };
  for (const [name, options] of Object.entries(reads)) {
    let seconds = Number.POSITIVE_INFINITY;
    let count = 0;
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      count = (
        await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER, ...options })
      ).length;
      seconds = Math.min(seconds, (performance.now() - started) / 1000);
    }
    const micros = (seconds * 1e6) / rows;
    results[name] = { rows: count, seconds, microsPerStored: micros, ratioToJsonParse: micros / parseMicros };
    console.log(
      `${name.padEnd(16)} ${count} rows in ${seconds.toFixed(2)} s: ${micros.toFixed(2)} µs a stored prediction (${(micros / parseMicros).toFixed(2)}x JSON.parse)`,
    );
  }
  writeResults(
    'ingest-reads',
    { reference: 'JSON.parse of the same payloads, same process run' },
    { batch: BATCH, stored: rows, labelled: labels.length, reads: results },
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
