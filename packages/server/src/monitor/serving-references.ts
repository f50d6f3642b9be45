// Drift against what the model learned: each window compared with the training data of the version production
// served then (its lineage's training window, read back from the store), not with one reference for all time.
import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/version-records.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions, servedVersions } from '../store/prediction-reads.js';

/** What one window is judged against. */
export interface ServingReference {
  /** Names the rows for caches: the version and its training window, or the uploaded reference. */
  key: string;
  /** The version production served at the window's middle; null before any was promoted. */
  version: number | null;
  /** Where the rows come from, for people: "v7's training data (…)" or "the uploaded reference "training"". */
  label: string;
  rows: ReadonlyArray<Record<string, unknown>>;
}

/** Per window [start, end): its reference, or undefined when there is none to compare with. */
export type ServingReferenceOf = (start: number, end: number) => ServingReference | undefined;

/** A training window's rows are thinned to this many, evenly spread (drift tests saturate long before). */
export const MAX_REFERENCE_ROWS = 5_000;
const MAX_ALIAS_CHANGES = 10_000;

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

const trainingRows = new Map<string, ReadonlyArray<Record<string, unknown>>>();
const MAX_CACHED_VERSIONS = 64;

/** A version's training rows (its lineage's training window), thinned; kept per process, they do not change. */
async function rowsOfTrainingWindow(
  store: StoreConnection,
  model: string,
  window: { from: number; to: number },
  key: string,
): Promise<ReadonlyArray<Record<string, unknown>>> {
  const cacheKey = `${store.location}\u0000${key}`;
  const held = trainingRows.get(cacheKey);
  if (held) return held;
  const rows = await queryPredictions(store.db, model, { ...window, features: true });
  const step = Math.max(1, rows.length / MAX_REFERENCE_ROWS);
  const thinned: Array<Record<string, unknown>> = [];
  for (let i = 0; i < rows.length; i += step)
    thinned.push((rows[Math.floor(i)] as (typeof rows)[number]).features);
  trainingRows.set(cacheKey, thinned);
  while (trainingRows.size > MAX_CACHED_VERSIONS)
    trainingRows.delete(trainingRows.keys().next().value as string);
  return thinned;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * When production served which version, oldest first: its alias history; or, when every change came after the range
 * (data replayed from the past under the wall clock), the versions the predictions themselves name, each from its
 * first prediction in the range on.
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

/**
 * The reference of every window in [from, to): the training data of the version production served at the window's
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
): Promise<ServingReferenceOf> {
  const changes = await servingTimeline(store, registry, spec.name, from, to);
  const fallback = (version: number | null): ServingReference | undefined =>
    uploaded && {
      key: `uploaded:${uploaded.name}:${uploaded.rows.length}`,
      version,
      label: `the uploaded reference "${uploaded.name}"`,
      rows: uploaded.rows,
    };
  // The versions that served some of [from, to): the one in place at `from`, and every one promoted before `to`.
  const inRange = new Set<number>();
  let atFrom: number | null = null;
  for (const c of changes) {
    if (c.at <= from) atFrom = c.version;
    else if (c.at < to && c.version !== null) inRange.add(c.version);
  }
  if (atFrom !== null) inRange.add(atFrom);
  const references = new Map<number, ServingReference | undefined>();
  for (const version of inRange) {
    const record: ModelVersion | undefined = await registry.get(spec.name, version);
    const window = record?.lineage.trainingWindow;
    const span = window && { from: Date.parse(window.from), to: Date.parse(window.to) };
    if (!span || !Number.isFinite(span.from) || !Number.isFinite(span.to)) {
      references.set(version, fallback(version));
      continue;
    }
    const key = `v${version}:${span.from}:${span.to}`;
    const rows = await rowsOfTrainingWindow(store, spec.name, span, `${spec.name}\u0000${key}`);
    references.set(
      version,
      rows.length > 0
        ? { key, version, label: `v${version}'s training data (${day(span.from)} – ${day(span.to)})`, rows }
        : fallback(version),
    );
  }
  return (start, end) => {
    const middle = start + (end - start) / 2;
    let version: number | null = null;
    for (const c of changes) {
      if (c.at > middle) break;
      version = c.version;
    }
    return version === null ? fallback(null) : references.get(version);
  };
}
