import type { Kysely } from 'kysely';
import type { ClassValue } from '../monitor/ingest-rows.js';
import type { ModelSpec } from '../monitor/model-spec.js';
import { WindowLabels } from '../monitor/window-labels.js';
import { WindowProfile } from '../monitor/window-profile.js';
import { windowStart } from '../monitor/window-start.js';
import { REBUILT_SHARD, readLabelStates, rebuildLabelStates } from './label-states.js';
import { queryPredictions, writeProfile } from './predictions.js';
import type { Database } from './schema.js';

export interface WindowDifference {
  window: number;
  what: 'predictions' | 'labels';
  stored: number;
  recomputed: number;
}

export interface ModelCheck {
  model: string;
  windows: number;
  differences: WindowDifference[];
}

// Raw rows are read this much time at once.
const SPAN = 7 * 86_400_000;

/**
 * Checks a model's window profiles (prediction counts) and label states (every labelled prediction, with its
 * label) against a recomputation from the stored rows.
 */
export async function checkModelStates(db: Kysely<Database>, spec: ModelSpec): Promise<ModelCheck> {
  const range = await db
    .selectFrom('prediction_batches')
    .select((eb) => [eb.fn.min('min_time').as('from'), eb.fn.max('max_time').as('to')])
    .where('model', '=', spec.name)
    .executeTakeFirst();
  const check: ModelCheck = { model: spec.name, windows: 0, differences: [] };
  if (range?.from === null || range?.from === undefined || range.to === null) return check;
  const step = spec.window * Math.max(1, Math.floor(SPAN / spec.window));
  for (let from = windowStart(Number(range.from), spec.window); from <= Number(range.to); from += step) {
    const to = from + step;
    const rows = await queryPredictions(db, spec.name, { from, to });
    const counts = new Map<number, number>();
    const labels = new Map<number, WindowLabels>();
    for (const r of rows) {
      const start = windowStart(r.time, spec.window);
      counts.set(start, (counts.get(start) ?? 0) + 1);
      if (r.label === null) continue;
      let state = labels.get(start);
      if (!state) {
        state = new WindowLabels();
        labels.set(start, state);
      }
      state.add({ label: r.label as ClassValue, output: r.output, score: r.score, proba: r.proba });
    }
    const profileCounts = new Map<number, number>();
    for (const p of await db
      .selectFrom('profiles')
      .select(['window_start', 'count'])
      .where('model', '=', spec.name)
      .where('window_start', '>=', from)
      .where('window_start', '<', to)
      .execute())
      profileCounts.set(
        Number(p.window_start),
        (profileCounts.get(Number(p.window_start)) ?? 0) + Number(p.count),
      );
    const stored = await readLabelStates(db, spec.name, from, to);
    for (const start of new Set([
      ...counts.keys(),
      ...profileCounts.keys(),
      ...labels.keys(),
      ...stored.keys(),
    ])) {
      check.windows++;
      const count = counts.get(start) ?? 0;
      if ((profileCounts.get(start) ?? 0) !== count)
        check.differences.push({
          window: start,
          what: 'predictions',
          stored: profileCounts.get(start) ?? 0,
          recomputed: count,
        });
      const want = labels.get(start) ?? new WindowLabels();
      const have = stored.get(start) ?? new WindowLabels();
      if (canonical(want) !== canonical(have))
        check.differences.push({
          window: start,
          what: 'labels',
          stored: have.labelled,
          recomputed: want.labelled,
        });
    }
  }
  return check;
}

/** Rebuilds a model's profiles and label states from the stored rows (run it while no server writes the model). */
export async function repairModelStates(db: Kysely<Database>, spec: ModelSpec, now: number): Promise<void> {
  await rebuildLabelStates(db, spec, now);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('profiles').where('model', '=', spec.name).execute();
    const range = await trx
      .selectFrom('prediction_batches')
      .select((eb) => [eb.fn.min('min_time').as('from'), eb.fn.max('max_time').as('to')])
      .where('model', '=', spec.name)
      .executeTakeFirst();
    if (range?.from === null || range?.from === undefined || range.to === null) return;
    const step = spec.window * Math.max(1, Math.floor(SPAN / spec.window));
    for (let from = windowStart(Number(range.from), spec.window); from <= Number(range.to); from += step) {
      const profiles = new Map<number, WindowProfile>();
      for (const r of await queryPredictions(trx, spec.name, { from, to: from + step, features: true })) {
        const start = windowStart(r.time, spec.window);
        let profile = profiles.get(start);
        if (!profile) {
          profile = new WindowProfile(spec);
          profiles.set(start, profile);
        }
        profile.add({ ...r, features: r.features as Record<string, never> });
      }
      for (const [start, profile] of profiles)
        await writeProfile(trx, {
          model: spec.name,
          window_start: start,
          shard: REBUILT_SHARD,
          count: profile.count,
          profile: JSON.stringify(profile),
          updated_at: now,
        });
    }
  });
}

function canonical(state: WindowLabels): string {
  return JSON.stringify(
    state.toJSON().entries.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}
