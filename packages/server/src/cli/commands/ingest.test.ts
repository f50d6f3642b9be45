import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type StewardApp } from '../../http/app.js';
import type { StoreConnection } from '../../store/open-store.js';
import { countPredictions } from '../../store/prediction-reads.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Predictions } from '../../testing/elec2.js';
import { type TestStore, testStores } from '../../testing/test-stores.js';
import { steward, tempFile } from '../test-helpers.js';

const rows = elec2Predictions().slice(0, 2500);
const csv = [
  ['id', 'time', ...ELEC2_FEATURES, 'pred', 'score', 'class'].join(','),
  ...rows.map((r) =>
    [
      r.id,
      new Date(r.time).toISOString(),
      ...ELEC2_FEATURES.map((f) => r.features[f]),
      r.output,
      r.score,
      r.label,
    ].join(','),
  ),
].join('\n');

describe('steward ingest', () => {
  let store: StoreConnection;
  let server: StewardApp;
  let url: string;
  beforeEach(async () => {
    store = await (testStores()[0] as TestStore).open();
    server = await createApp({ store, notifier: { log: () => {} } });
    await server.context.catalog.put(ELEC2_MODEL);
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await server.app.close();
    await store.close();
  });

  it('sends a CSV of predictions and labels in batches', async () => {
    const file = tempFile('preds.csv', csv);
    const flags = [
      '--model',
      'elec2',
      '--url',
      url,
      '--batch',
      '1000',
      '--id',
      'id',
      '--time',
      'time',
      '--output',
      'pred',
      '--score',
      'score',
      '--label',
      'class',
    ];
    const result = await steward('ingest', file, ...flags);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('2500 predictions stored (0 already there), 2500 labels (2500 joined)\n');
    const again = await steward('ingest', file, ...flags);
    expect(again.stdout).toMatch(/^0 predictions stored \(2500 already there\)/);
  });

  it('stops at a refused batch and names the file row and field', async () => {
    const broken = csv.split('\n');
    broken[1502] = broken[1502]
      ?.replace(/,1,([0-9.]+),([01])$/, ',7,$1,$2')
      .replace(/,0,([0-9.]+),([01])$/, ',7,$1,$2') as string;
    const file = tempFile('broken.csv', broken.join('\n'));
    const result = await steward(
      'ingest',
      file,
      '--model',
      'elec2',
      '--url',
      url,
      '--id',
      'id',
      '--output',
      'pred',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /prediction rows 1000-1999 refused .*first problem: row 1501 output: 7 is not one of the model's classes \(0, 1\)\. Earlier batches were stored\./,
    );
    expect((await countPredictions(store.db, 'elec2')).predictions).toBe(1000);
  });

  it('refuses a numeric cell that is not a finite number (abc, 1e999), naming line and column, storing nothing', async () => {
    for (const bad of ['abc', '1e999']) {
      const lines = csv.split('\n');
      const cells = (lines[8] as string).split(',');
      cells[3] = bad; // nswprice
      lines[8] = cells.join(',');
      const file = tempFile('bad.csv', lines.join('\n'));
      const result = await steward(
        'ingest',
        file,
        '--model',
        'elec2',
        '--url',
        url,
        '--id',
        'id',
        '--output',
        'pred',
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `steward: line 9, column "nswprice": "${bad}" is not a finite number — fix it, or leave the cell empty for a missing value\n`,
      );
      expect((await countPredictions(store.db, 'elec2')).predictions).toBe(0);
    }
  });

  it('says clearly when the model or a column is missing', async () => {
    const file = tempFile('preds.csv', csv);
    expect((await steward('ingest', file, '--model', 'nope', '--url', url)).stderr).toMatch(
      /model "nope" not found/,
    );
    expect((await steward('ingest', file, '--model', 'elec2', '--url', url)).stderr).toMatch(
      /the CSV has no column "output"/,
    );
  });
});
