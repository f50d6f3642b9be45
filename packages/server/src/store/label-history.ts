// The labels a model's label features read (`fromLabels`): written with each label batch, read by serving.

import type { ClassValue, KnownLabel } from '../spec/records.js';
import { type LabelChange, predictionsById } from './label-states.js';
import { INSERT_CHUNK } from './prediction-writes.js';
import type { Db } from './schema.js';

/** Records the new labels of a write (a correction replaces the label and when it was known). */
export async function writeLabelHistory(
  db: Db,
  model: string,
  changes: readonly LabelChange[],
): Promise<void> {
  const byId = new Map<string, LabelChange>();
  for (const change of changes) if (change.after !== null) byId.set(change.prediction.id, change);
  const rows = [...byId.values()]
    .map((c) => ({
      model,
      prediction_id: c.prediction.id,
      prediction_time: c.prediction.time,
      label: JSON.stringify(c.after),
      known_at: c.knownAt,
    }))
    .sort((a, b) => (a.prediction_id < b.prediction_id ? -1 : a.prediction_id > b.prediction_id ? 1 : 0));
  for (let start = 0; start < rows.length; start += INSERT_CHUNK)
    await db
      .insertInto('label_history')
      .values(rows.slice(start, start + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['model', 'prediction_id']).doUpdateSet((eb) => ({
          label: eb.ref('excluded.label'),
          known_at: eb.ref('excluded.known_at'),
        })),
      )
      .execute();
}

/**
 * The labels the label features of rows timed `from`–`to` can read: the `newest` latest known by `from` (of
 * predictions before it), every label known between `from` and `to` or of a prediction in that span, and, for each
 * `samePeriod` reach, the labels of predictions between `from − period − within` and `to − period`.
 * computeLabelFeatures picks, row by row, the ones known by then.
 */
export async function readKnownLabels(
  db: Db,
  model: string,
  span: { from: number; to: number },
  needs: { newest: number; reaches: ReadonlyArray<{ period: number; within: number }> },
): Promise<KnownLabel[]> {
  const { from, to } = span;
  const base = () =>
    db
      .selectFrom('label_history')
      .select(['prediction_id', 'prediction_time', 'label', 'known_at'])
      .where('model', '=', model);
  const reads = [
    base().where('known_at', '>', from).where('known_at', '<=', to).execute(),
    base()
      .where('prediction_time', '>=', from)
      .where('prediction_time', '<', to)
      .where('known_at', '<=', to)
      .execute(),
    ...needs.reaches.map(({ period, within }) =>
      base()
        .where('prediction_time', '>=', from - period - within)
        .where('prediction_time', '<=', to - period)
        .where('known_at', '<=', to)
        .execute(),
    ),
  ];
  if (needs.newest > 0)
    reads.push(
      base()
        .where('prediction_time', '<', from)
        .where('known_at', '<=', from)
        .orderBy('prediction_time', 'desc')
        .limit(needs.newest)
        .execute(),
    );
  const labels = new Map<string, KnownLabel>();
  for (const rows of await Promise.all(reads))
    for (const row of rows)
      labels.set(row.prediction_id, {
        time: Number(row.prediction_time),
        knownAt: Number(row.known_at),
        value: JSON.parse(row.label) as ClassValue,
      });
  return [...labels.values()];
}

/**
 * Fills the label history from the labels already stored (a model that declares label features after it has
 * labels): each label counts from the later of its time and its ingestion. Returns how many it recorded.
 */
export async function backfillLabelHistory(db: Db, model: string): Promise<number> {
  let after = '';
  let recorded = 0;
  for (;;) {
    const rows = await db
      .selectFrom('labels')
      .select(['prediction_id', 'label', 'time', 'ingested_at'])
      .where('model', '=', model)
      .where('waiting', '=', 0)
      .where('prediction_id', '>', after)
      .orderBy('prediction_id')
      .limit(INSERT_CHUNK * 10)
      .execute();
    if (rows.length === 0) return recorded;
    after = (rows[rows.length - 1] as (typeof rows)[number]).prediction_id;
    const predictions = await predictionsById(
      db,
      model,
      rows.map((r) => r.prediction_id),
    );
    const changes: LabelChange[] = [];
    for (const row of rows) {
      const prediction = predictions.get(row.prediction_id);
      if (!prediction) continue;
      changes.push({
        prediction,
        before: null,
        after: JSON.parse(row.label) as ClassValue,
        knownAt: Math.max(Number(row.time), Number(row.ingested_at)),
      });
    }
    await writeLabelHistory(db, model, changes);
    recorded += changes.length;
  }
}
