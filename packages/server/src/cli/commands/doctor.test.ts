import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ingestion } from '../../monitor/ingestion.js';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { openStore } from '../../store/open-store.js';
import { ELEC2_MODEL, elec2Predictions } from '../../testing/elec2.js';
import { steward } from '../test-helpers.js';

describe('steward doctor', () => {
  it('finds windows whose profiles or label states differ from their rows, and rebuilds them', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'steward-doctor-')), 's.db');
    const store = await openStore({ url: db });
    const { model } = await new ModelCatalog(store).put(ELEC2_MODEL);
    const rows = elec2Predictions().slice(0, 48 * 5);
    const records = model.validator.predictions(
      rows.map(({ label: _l, ...p }) => p),
      Date.now(),
    );
    const labels = model.validator.labels(
      rows.map((r) => ({ predictionId: r.id, label: r.label })),
      Date.now(),
    );
    if (!records.ok || !labels.ok) throw new Error('invalid');
    const ingestion = new Ingestion(store);
    await ingestion.predictions(model, records.records);
    await ingestion.labels(model, labels.records);
    // The labels' deltas folded into the windows' states (what a running server does as they pile up).
    await ingestion.foldLabelDeltas([model]);
    expect(await store.db.selectFrom('window_label_deltas').select('n').execute()).toEqual([]);
    await store.close();

    expect((await steward('doctor', '--db', db)).stdout).toBe(
      'model elec2: 5 windows agree with their rows\n',
    );
    // Damage: a day's label state lost, another day's profile counted twice.
    const damaged = await openStore({ url: db });
    const days = await damaged.db
      .selectFrom('window_labels')
      .select('window_start')
      .orderBy('window_start')
      .execute();
    await damaged.db
      .deleteFrom('window_labels')
      .where('window_start', '=', days[1]?.window_start as number)
      .execute();
    await damaged.db
      .updateTable('profiles')
      .set((eb) => ({ count: eb('count', '*', 2) }))
      .where('window_start', '=', days[3]?.window_start as number)
      .execute();
    await damaged.close();

    const found = await steward('doctor', '--db', db);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(
      /^model elec2: 2 of 5 windows differ from their rows \(first: 1996-06-05T00:00:00\.000Z, labels: 0 stored, 48 in the rows\)\n$/,
    );
    expect(found.stderr).toBe(
      'steward: windows differ from their rows — run `steward doctor --repair` with the servers stopped\n',
    );
    const repaired = await steward('doctor', '--db', db, '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('model elec2: rebuilt; 0 windows differ now');
    expect((await steward('doctor', '--db', db)).stdout).toBe(
      'model elec2: 5 windows agree with their rows\n',
    );
  });
});
