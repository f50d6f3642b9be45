import { type ColumnDrift, type ColumnDriftOptions, detectDrift } from '@steward/core';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { driftColumns } from './drift-columns.js';
import { windowStart } from './ingestion.js';
import type { RowsRead, ServingReferences } from './serving-references.js';

/** One feature in one window: enough to colour a heatmap cell and to explain it. */
export interface DriftCell {
  score: number;
  threshold: number;
  scoreKind: ColumnDrift['scoreKind'];
  method: string;
  drifted: boolean;
}

export interface DriftTimeline {
  features: string[];
  windows: Array<{
    start: number;
    end: number;
    rows: number;
    /** Null when the window has fewer rows than minRows (too few to judge), or nothing to judge it against. */
    columns: Record<string, DriftCell> | null;
    /** What the window was judged against, when that changes from window to window (`serving`). */
    reference?: string;
  }>;
}

/**
 * What each window is judged against: one set of reference rows, the window before it (`previous`), or the
 * training data of the version serving it (`serving`, see servingReferences).
 */
export type DriftAgainst =
  | ReadonlyArray<Record<string, unknown>>
  | 'previous'
  | { serving: ServingReferences };

const MAX_ROWS = 500_000;

/**
 * Drift of every feature in every window of [from, to) against one reference (or, `'previous'`, each against the
 * last window before it that has predictions, when that one has enough to judge by): the feature × window matrix
 * behind the dashboard's heatmap. Windows are read in one query and judged with the same `detectDrift` the
 * drift checks use, so a cell agrees with what a check on that window would say. A bucket once judged is kept
 * (in this process) while the heads of its window profiles (rows, last write) and those of the bucket it is judged
 * against do not move: a dashboard polling a year of windows reads only the buckets that took rows since.
 */
export async function driftTimeline(
  store: StoreConnection,
  spec: ModelSpec,
  reference: DriftAgainst,
  query: { from: number; to: number; size?: number; minRows?: number },
): Promise<DriftTimeline> {
  const size = query.size ?? spec.window;
  const minRows = query.minRows ?? 30;
  const from = windowStart(query.from, size);
  const features = spec.features.map((f) => f.name);
  const buckets = await bucketSignatures(store, spec.name, from, query.to, size);
  const scope = [
    store.location,
    spec.name,
    JSON.stringify(spec.features),
    size,
    minRows,
    referenceKey(reference),
  ].join('\u0000');
  // A bucket's cells hold while its rows, and the rows it is judged against, have not moved.
  const starts = [...buckets.keys()].sort((a, b) => a - b);
  const signatureOf = (i: number) => {
    const start = starts[i] as number;
    const own = buckets.get(start) as string;
    if (reference === 'previous' && i > 0) return `${own}|${buckets.get(starts[i - 1] as number)}`;
    if (isServing(reference)) return `${own}|${reference.serving.at(start, start + size)?.key ?? 'none'}`;
    return own;
  };
  const stale = starts.findIndex(
    (start, i) => cached.get(`${scope}\u0000${start}`)?.signature !== signatureOf(i),
  );
  if (stale !== -1) {
    // Read from the first bucket that moved (and the one before it, which it is judged against) to the end.
    const readFrom =
      reference === 'previous' && stale > 0 ? (starts[stale - 1] as number) : (starts[stale] as number);
    const { buckets, read } = await readBuckets(store, spec.name, readFrom, query.to, size);
    // Against the serving version: the training rows of the versions the buckets to judge need, read at once.
    const servingRows = isServing(reference)
      ? await reference.serving.rows(
          new Set(
            [...buckets.keys()].flatMap((start) => reference.serving.at(start, start + size)?.key ?? []),
          ),
          read,
        )
      : undefined;
    const judged = judgeBuckets(
      buckets,
      reference,
      features,
      driftColumns(spec, 'jensenshannon'),
      minRows,
      size,
      servingRows,
    );
    starts.forEach((start, i) => {
      const window = judged.get(start);
      if (i >= stale && window) remember(`${scope}\u0000${start}`, { signature: signatureOf(i), window });
    });
  }
  // A bucket whose rows were not read (past MAX_ROWS) stays unjudged, as before.
  const windows = starts.map(
    (start) =>
      cached.get(`${scope}\u0000${start}`)?.window ?? { start, end: start + size, rows: 0, columns: null },
  );
  return { features, windows };
}

/** The buckets of [from, to) that hold predictions, each with a signature of its window profiles' heads. */
async function bucketSignatures(
  store: StoreConnection,
  model: string,
  from: number,
  to: number,
  size: number,
): Promise<Map<number, string>> {
  const heads = await store.db
    .selectFrom('profiles')
    .select(['window_start', 'shard', 'count', 'updated_at'])
    .where('model', '=', model)
    .where('window_start', '>=', from)
    .where('window_start', '<', to)
    .orderBy('window_start')
    .orderBy('shard')
    .execute();
  const signatures = new Map<number, string>();
  for (const head of heads) {
    if (Number(head.count) === 0) continue;
    const start = windowStart(Number(head.window_start), size);
    const sig = `${head.window_start}:${head.shard}:${head.count}:${head.updated_at}`;
    signatures.set(start, signatures.has(start) ? `${signatures.get(start)},${sig}` : sig);
  }
  return signatures;
}

/** The rows of [from, to) by bucket, and as read (oldest first; `complete` unless cut at MAX_ROWS). */
async function readBuckets(
  store: StoreConnection,
  model: string,
  from: number,
  to: number,
  size: number,
): Promise<{ buckets: Map<number, Array<Record<string, never>>>; read: RowsRead }> {
  const rows = await queryPredictions(store.db, model, { from, to, features: true, limit: MAX_ROWS });
  const read = { from, to: rows.length === MAX_ROWS ? (rows.at(-1)?.time ?? from) : to, rows };
  const buckets = new Map<number, Array<Record<string, never>>>();
  for (const row of rows) {
    const start = windowStart(row.time, size);
    const bucket = buckets.get(start) ?? [];
    bucket.push(row.features as Record<string, never>);
    buckets.set(start, bucket);
  }
  return { buckets, read };
}

const isServing = (reference: DriftAgainst): reference is { serving: ServingReferences } =>
  typeof reference === 'object' && 'serving' in reference;

function judgeBuckets(
  buckets: Map<number, Array<Record<string, never>>>,
  reference: DriftAgainst,
  features: string[],
  perColumn: Record<string, ColumnDriftOptions>,
  minRows: number,
  size: number,
  servingRows?: Map<string, ReadonlyArray<Record<string, unknown>>>,
): Map<number, DriftTimeline['windows'][number]> {
  const windows = new Map<number, DriftTimeline['windows'][number]>();
  let before: Array<Record<string, never>> | undefined;
  for (const [start, current] of [...buckets].sort((a, b) => a[0] - b[0])) {
    // Against the previous window: the one just before, when it holds enough rows to judge by.
    const serving = isServing(reference) ? reference.serving.at(start, start + size) : undefined;
    const against =
      reference === 'previous'
        ? before !== undefined && before.length >= minRows
          ? before
          : undefined
        : isServing(reference)
          ? (servingRows?.get(serving?.key ?? '') as Array<Record<string, never>> | undefined)
          : (reference as Array<Record<string, never>>);
    before = current;
    const label = serving ? { reference: serving.label } : {};
    if (current.length < minRows || against === undefined) {
      windows.set(start, { start, end: start + size, rows: current.length, columns: null, ...label });
      continue;
    }
    const report = detectDrift(against, current, { columns: features, perColumn });
    windows.set(start, {
      start,
      end: start + size,
      rows: current.length,
      columns: Object.fromEntries(
        report.columns.map((c) => [
          c.column,
          {
            score: c.score,
            threshold: c.threshold,
            scoreKind: c.scoreKind,
            method: c.methodLabel,
            drifted: c.drifted,
          },
        ]),
      ),
      ...label,
    });
  }
  return windows;
}

interface CachedWindow {
  signature: string;
  window: DriftTimeline['windows'][number];
}

// Judged buckets, the most recently used last; a dashboard polls the same heatmap every few seconds.
const cached = new Map<string, CachedWindow>();
const MAX_CACHED = 20_000;

function remember(key: string, value: CachedWindow): void {
  cached.delete(key);
  cached.set(key, value);
  while (cached.size > MAX_CACHED) cached.delete(cached.keys().next().value as string);
}

/**
 * What a reference is, for the cache: `previous`, `serving` (each bucket's signature names its version), or a hash
 * of its rows (a re-uploaded reference is another).
 */
function referenceKey(reference: DriftAgainst): string {
  if (reference === 'previous') return 'previous';
  if (isServing(reference)) return 'serving';
  const text = JSON.stringify(reference);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `rows:${reference.length}:${text.length}:${(hash >>> 0).toString(16)}`;
}
