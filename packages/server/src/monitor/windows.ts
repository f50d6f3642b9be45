import { DomainError } from '../spec/domain-error.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { computeMetrics, type WindowMetrics } from '../window-state/window-metrics.js';
import { WindowProfile } from '../window-state/window-profile.js';
import { windowStart } from './ingestion.js';
import { WindowReadCache } from './window-read-cache.js';

export interface WindowSummary {
  start: number;
  end: number;
  /** Predictions in the window. */
  count: number;
  /** Of those, how many have a label. */
  labelled: number;
  metrics: WindowMetrics;
  /** Left out when the query asks for none. */
  profile?: WindowProfile;
}

export interface TimeWindowQuery {
  from: number;
  to: number;
  /** Window length in ms: the model's window (default) or a multiple of it. */
  size?: number;
  /** Skip the per-window metrics (reads only the profiles). */
  metrics?: boolean;
  /** How old a window's profile and metrics may be (ms, default 0: what is stored); see WindowReadOptions. */
  maxAgeMs?: number;
  /** How old a large window's may be (ms, default 0); see WindowReadOptions. */
  largeMaxAgeMs?: number;
  /** False: no profiles (metrics reads): counts still come. */
  profiles?: boolean;
  /** Now on the store's clock, which ages are measured on (see WindowReadOptions). */
  now?: number;
}

/** Clear errors for window queries; the HTTP layer answers 400 with the message. */
export class WindowQueryError extends DomainError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(400, 'bad_query', message, [{ field, message }]);
  }
}

const MAX_WINDOWS = 10_000;

/**
 * Tumbling time windows over [from, to): profiles merged from every process's shard (base windows merged into
 * larger ones), metrics from the labelled predictions. Empty windows are left out.
 */
export async function timeWindows(
  store: StoreConnection,
  spec: ModelSpec,
  query: TimeWindowQuery,
): Promise<WindowSummary[]> {
  const base = spec.window;
  const size = query.size ?? base;
  if (!(size >= base && size % base === 0)) {
    throw new WindowQueryError(
      `size must be a multiple of the model's window (${base} ms), got ${size}`,
      'size',
    );
  }
  if (!(query.to > query.from)) throw new WindowQueryError('to must be after from', 'to');
  const from = windowStart(query.from, size);
  const merged = await WindowReadCache.of(spec).windows(
    store.db,
    from,
    query.to,
    size,
    query.metrics !== false,
    {
      ...(query.maxAgeMs !== undefined ? { maxAgeMs: query.maxAgeMs } : {}),
      ...(query.largeMaxAgeMs !== undefined ? { largeMaxAgeMs: query.largeMaxAgeMs } : {}),
      ...(query.profiles !== undefined ? { profiles: query.profiles } : {}),
      ...(query.now !== undefined ? { now: query.now } : {}),
    },
  );
  return merged.map((w) => ({ ...w, end: w.start + size }));
}

/**
 * Windows of `count` consecutive predictions (by time, then id) starting at `from`; the last may be partial.
 * Built from the stored rows, so they are the same whichever process ingested what.
 */
export async function countWindows(
  store: StoreConnection,
  spec: ModelSpec,
  query: { from: number; to: number; count: number },
): Promise<WindowSummary[]> {
  if (!(Number.isInteger(query.count) && query.count > 0))
    throw new WindowQueryError('count must be a positive integer', 'count');
  const rows = await queryPredictions(store.db, spec.name, {
    from: query.from,
    to: query.to,
    features: true,
    limit: query.count * MAX_WINDOWS,
  });
  const windows: WindowSummary[] = [];
  for (let s = 0; s < rows.length; s += query.count) {
    const chunk = rows.slice(s, s + query.count);
    const profile = new WindowProfile(spec);
    for (const r of chunk) {
      profile.add({ ...r, features: r.features as Record<string, never> });
    }
    const labelled = chunk.filter((r) => r.label !== null);
    windows.push({
      start: (chunk[0] as (typeof chunk)[number]).time,
      end: (chunk.at(-1) as (typeof chunk)[number]).time + 1,
      count: chunk.length,
      labelled: labelled.length,
      metrics: computeMetrics(spec, labelled),
      profile,
    });
  }
  return windows;
}
