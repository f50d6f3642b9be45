import type { Kysely } from 'kysely';
import type { ModelSpec } from '../spec/model-spec.js';
import { parseModelSpec } from '../spec/model-spec.js';
import type { ClassValue, JoinedPrediction } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import { WindowLabels } from '../window-state/window-labels.js';
import { WindowProfile } from '../window-state/window-profile.js';
import { ID_TABLES, readLabelStates, writeLabelState } from './label-states.js';
import { queryPredictions } from './prediction-reads.js';
import { writeProfiles } from './profile-writes.js';
import type { Database, Db } from './schema.js';

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

/** The shard a rebuild writes: it replaces every process's shards of the model. */
export const REBUILT_SHARD = 'rebuilt';

// Raw rows are read this much time at once.
const SPAN = 7 * 86_400_000;

/** Visits a model's stored time range a span of whole windows at a time. */
async function forEachSpan(db: Db, spec: ModelSpec, visit: (from: number, to: number) => Promise<void>) {
  const range = await db
    .selectFrom('prediction_batches')
    .select((eb) => [eb.fn.min('min_time').as('from'), eb.fn.max('max_time').as('to')])
    .where('model', '=', spec.name)
    .executeTakeFirst();
  if (range?.from === null || range?.from === undefined || range.to === null) return;
  const step = spec.window * Math.max(1, Math.floor(SPAN / spec.window));
  for (let from = windowStart(Number(range.from), spec.window); from <= Number(range.to); from += step)
    await visit(from, from + step);
}

/** The label state of each window of `rows`, as the rows' labels make it. */
function labelStatesOf(spec: ModelSpec, rows: readonly JoinedPrediction[]): Map<number, WindowLabels> {
  const states = new Map<number, WindowLabels>();
  for (const r of rows) {
    if (r.label === null) continue;
    const start = windowStart(r.time, spec.window);
    let state = states.get(start);
    if (!state) {
      state = new WindowLabels();
      states.set(start, state);
    }
    state.add({ label: r.label as ClassValue, output: r.output, score: r.score, proba: r.proba });
  }
  return states;
}

/**
 * Checks a model's window profiles (prediction counts) and label states (every labelled prediction, with its
 * label) against a recomputation from the stored rows.
 */
export async function checkModelStates(db: Kysely<Database>, spec: ModelSpec): Promise<ModelCheck> {
  const check: ModelCheck = { model: spec.name, windows: 0, differences: [] };
  await forEachSpan(db, spec, async (from, to) => {
    const rows = await queryPredictions(db, spec.name, { from, to });
    const counts = new Map<number, number>();
    for (const r of rows) {
      const start = windowStart(r.time, spec.window);
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    const labels = labelStatesOf(spec, rows);
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
  });
  return check;
}

/**
 * Recomputes a model's window label states from its stored predictions and labels, replacing every shard. For a
 * store that had labels before states existed, and for `steward doctor --repair`: run it while no server writes
 * the model.
 */
export async function rebuildLabelStates(
  db: Kysely<Database>,
  spec: ModelSpec,
  now: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Labels whose prediction is stored are counted below: they no longer wait.
    await trx
      .updateTable('labels')
      .set({ waiting: 0 })
      .where('model', '=', spec.name)
      .where('waiting', '=', 1)
      .where((eb) =>
        eb.or(
          ID_TABLES.map((table) =>
            eb.exists(
              eb
                .selectFrom(table)
                .select('id')
                .whereRef(`${table}.model`, '=', 'labels.model')
                .whereRef(`${table}.id`, '=', 'labels.prediction_id'),
            ),
          ),
        ),
      )
      .execute();
    for (const table of ['window_labels', 'window_label_deltas', 'window_label_shards'] as const)
      await trx.deleteFrom(table).where('model', '=', spec.name).execute();
    let windows = 0;
    await forEachSpan(trx, spec, async (from, to) => {
      const rows = await queryPredictions(trx, spec.name, { from, to, labelled: true });
      const states = labelStatesOf(spec, rows);
      for (const [start, state] of states)
        await writeLabelState(trx, spec.name, start, REBUILT_SHARD, state, now);
      windows += states.size;
    });
    return windows;
  });
}

/** After migrating: builds the states of every model that has labels but none yet (a store older than states). */
export async function buildMissingLabelStates(db: Kysely<Database>, now: number): Promise<string[]> {
  const built: string[] = [];
  for (const row of await db.selectFrom('models').select(['name', 'spec']).execute()) {
    // A label counted in no state (none waits for its prediction): a store from before the states.
    const labelled = await db
      .selectFrom('labels')
      .select('model')
      .where('model', '=', row.name)
      .where('waiting', '=', 0)
      .limit(1)
      .executeTakeFirst();
    if (!labelled) continue;
    const state = await db
      .selectFrom('window_labels')
      .select('model')
      .where('model', '=', row.name)
      .limit(1)
      .executeTakeFirst();
    if (state) continue;
    await rebuildLabelStates(db, parseModelSpec(JSON.parse(row.spec)), now);
    built.push(row.name);
  }
  return built;
}

/** Rebuilds a model's profiles and label states from the stored rows (run it while no server writes the model). */
export async function repairModelStates(db: Kysely<Database>, spec: ModelSpec, now: number): Promise<void> {
  await rebuildLabelStates(db, spec, now);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('profiles').where('model', '=', spec.name).execute();
    await forEachSpan(trx, spec, async (from, to) => {
      const profiles = new Map<number, WindowProfile>();
      for (const r of await queryPredictions(trx, spec.name, { from, to, features: true })) {
        const start = windowStart(r.time, spec.window);
        let profile = profiles.get(start);
        if (!profile) {
          profile = new WindowProfile(spec);
          profiles.set(start, profile);
        }
        profile.add({ ...r, features: r.features as Record<string, never> });
      }
      await writeProfiles(
        trx,
        [...profiles].map(([start, profile]) => ({
          model: spec.name,
          window_start: start,
          shard: REBUILT_SHARD,
          count: profile.count,
          profile: JSON.stringify(profile),
          updated_at: now,
        })),
      );
    });
  });
}

function canonical(state: WindowLabels): string {
  return JSON.stringify(
    state.toJSON().entries.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}
