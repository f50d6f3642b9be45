// Drift against what the model learned: each window compared with the training data of the version production
// served then (its lineage's training window, read back from the store), not with one reference for all time.
import type { Registry } from '../registry/registry.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions, servedVersions } from '../store/prediction-reads.js';

/** What one window is judged against, without its rows: enough to tell whether a judged window still holds. */
export interface ServingReference {
  /** Names the rows for caches: the version and its training window, or the uploaded reference. */
  key: string;
  /** The version production served at the window's middle; null before any was promoted. */
  version: number | null;
  /** Where the rows come from, for people: "v7's training data (…)" or "the uploaded reference "training"". */
  label: string;
}

/** Rows a caller read already: every stored prediction of [from, to), oldest first. */
export interface RowsRead {
  from: number;
  to: number;
  rows: ReadonlyArray<{ time: number; features: Record<string, unknown> }>;
}

export interface ServingReferences {
  /** The reference of the window [start, end), or undefined when there is none to compare with. */
  at(start: number, end: number): ServingReference | undefined;
  /**
   * The rows of these references (by key): kept ones, those within `read`, and the others in one read of the store.
   */
  rows(
    keys: ReadonlySet<string>,
    read?: RowsRead,
  ): Promise<Map<string, ReadonlyArray<Record<string, unknown>>>>;
}

/** A training window's rows are thinned to this many, evenly spread (drift tests saturate long before). */
export const MAX_REFERENCE_ROWS = 5_000;
const MAX_ALIAS_CHANGES = 10_000;
// Training rows kept per process: a heatmap polled again reads none (its judged windows hold), a first view reads
// them all in one query.
const MAX_CACHED_REFERENCES = 128;
const cachedRows = new Map<string, ReadonlyArray<Record<string, unknown>>>();

/** Production's version from each change on (`at`), oldest first. */
async function productionChanges(
  registry: Registry,
  model: string,
): Promise<Array<{ at: number; version: number | null }>> {
  const changes: Array<{ at: number; version: number | null }> = [];
  let before: number | undefined;
  while (changes.length < MAX_ALIAS_CHANGES) {
    const page = await registry.aliasHistory(model, { limit: 1000, ...(before ? { before } : {}) });
    for (const c of page) if (c.alias === 'production') changes.push({ at: c.at, version: c.toVersion });
    if (page.length < 1000) break;
    before = page.at(-1)?.id;
  }
  return changes.reverse();
}

/**
 * When production served which version, oldest first: its alias history; or, when every change came after the
 * newest window in the range (data replayed from the past under the wall clock), the versions the predictions
 * themselves name, each from its first prediction in the range on.
 */
async function servingTimeline(
  store: StoreConnection,
  registry: Registry,
  model: string,
  from: number,
  to: number,
): Promise<Array<{ at: number; version: number | null }>> {
  const changes = await productionChanges(registry, model);
  const newest = await store.db
    .selectFrom('profiles')
    .select((eb) => eb.fn.max('window_start').as('start'))
    .where('model', '=', model)
    .where('window_start', '>=', from)
    .where('window_start', '<', to)
    .executeTakeFirst();
  const dataTo = newest?.start === null || newest?.start === undefined ? to : Number(newest.start);
  if (changes.length > 0 && (changes[0] as { at: number }).at <= dataTo) return changes;
  return (await servedVersions(store.db, model, from, to))
    .filter((v) => v.version !== null && Number.isInteger(Number(v.version)))
    .map((v) => ({ at: v.first, version: Number(v.version) }));
}

/** Each version's training window (from its lineage), for the versions asked for. */
async function trainingWindows(
  registry: Registry,
  model: string,
  versions: ReadonlySet<number>,
): Promise<Map<number, { from: number; to: number }>> {
  const windows = new Map<number, { from: number; to: number }>();
  let before: number | undefined;
  let left = versions.size;
  while (left > 0) {
    const page = await registry.list(model, { limit: 1000, ...(before ? { before } : {}) });
    for (const v of page) {
      if (!versions.has(v.version)) continue;
      left--;
      const w = v.lineage.trainingWindow;
      const span = w && { from: Date.parse(w.from), to: Date.parse(w.to) };
      if (span && Number.isFinite(span.from) && Number.isFinite(span.to) && span.to > span.from)
        windows.set(v.version, span);
    }
    if (page.length < 1000) break;
    before = page.at(-1)?.version;
  }
  return windows;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every `step`-th row, so that at most MAX_REFERENCE_ROWS remain, spread evenly. */
function thinned<T>(rows: readonly T[]): T[] {
  const step = Math.max(1, rows.length / MAX_REFERENCE_ROWS);
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += step) out.push(rows[Math.floor(i)] as T);
  return out;
}

/**
 * The references of the windows in [from, to): the training data of the version production served at a window's
 * middle. A version with no training window in its lineage (uploaded from outside), or the time before any
 * promotion, is judged against `uploaded` (the model's stored reference) when there is one.
 */
export async function servingReferences(
  store: StoreConnection,
  registry: Registry,
  spec: ModelSpec,
  from: number,
  to: number,
  uploaded?: { name: string; rows: ReadonlyArray<Record<string, unknown>> },
): Promise<ServingReferences> {
  const changes = await servingTimeline(store, registry, spec.name, from, to);
  // The versions that served some of [from, to): the one in place at `from`, and every one promoted before `to`.
  const inRange = new Set<number>();
  let atFrom: number | null = null;
  for (const c of changes) {
    if (c.at <= from) atFrom = c.version;
    else if (c.at < to && c.version !== null) inRange.add(c.version);
  }
  if (atFrom !== null) inRange.add(atFrom);
  const windows = await trainingWindows(registry, spec.name, inRange);
  const fallback = uploaded && `uploaded:${uploaded.name}:${uploaded.rows.length}`;
  const referenceOf = (version: number | null): ServingReference | undefined => {
    const span = version === null ? undefined : windows.get(version);
    if (span)
      return {
        key: `v${version}:${span.from}:${span.to}`,
        version,
        label: `v${version}'s training data (${day(span.from)} – ${day(span.to)})`,
      };
    return uploaded && fallback
      ? { key: fallback, version, label: `the uploaded reference "${uploaded.name}"` }
      : undefined;
  };
  const spans = new Map([...windows].map(([version, span]) => [`v${version}:${span.from}:${span.to}`, span]));
  const scope = `${store.location}\u0000${spec.name}\u0000`;
  return {
    at(start, end) {
      const middle = start + (end - start) / 2;
      let version: number | null = null;
      for (const c of changes) {
        if (c.at > middle) break;
        version = c.version;
      }
      return referenceOf(version);
    },
    async rows(keys, read) {
      const out = new Map<string, ReadonlyArray<Record<string, unknown>>>();
      const missing: Array<[string, { from: number; to: number }]> = [];
      for (const key of keys) {
        if (key === fallback && uploaded) out.set(key, uploaded.rows);
        const held = cachedRows.get(scope + key);
        if (held) out.set(key, held);
        const span = spans.get(key);
        if (!out.has(key) && span) missing.push([key, span]);
      }
      if (missing.length === 0) return out;
      // What the caller read covers most training windows (the weeks before each promotion); the others come from
      // one read of the store spanning them all.
      const outside = missing.filter(([, s]) => !read || s.from < read.from || s.to > read.to);
      const fetched =
        outside.length === 0
          ? []
          : await queryPredictions(store.db, spec.name, {
              from: Math.min(...outside.map(([, s]) => s.from)),
              to: Math.max(...outside.map(([, s]) => s.to)),
              features: true,
            });
      for (const [key, span] of missing) {
        const source = read && span.from >= read.from && span.to <= read.to ? read.rows : fetched;
        const rows = thinned(between(source, span)).map((r) => r.features);
        out.set(key, rows);
        cachedRows.delete(scope + key);
        cachedRows.set(scope + key, rows);
      }
      while (cachedRows.size > MAX_CACHED_REFERENCES)
        cachedRows.delete(cachedRows.keys().next().value as string);
      return out;
    },
  };
}

/** The rows of `span` among rows ordered by time. */
function between<T extends { time: number }>(rows: readonly T[], span: { from: number; to: number }): T[] {
  const firstAtOrAfter = (t: number) => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((rows[mid] as T).time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return rows.slice(firstAtOrAfter(span.from), firstAtOrAfter(span.to));
}
