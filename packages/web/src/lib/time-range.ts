/**
 * The time range every chart of a model shows, kept in the page's address (`?range=week`, or
 * `?range=2024-01-01T00:00..2024-02-01T00:00` for a custom one) so that tabs, reloads and shared links keep it.
 */
export type RangeName = 'day' | 'week' | 'month' | 'all';
export type TimeRange = { kind: RangeName } | { kind: 'custom'; from: number; to: number };

/** The span of each named range, counted back from the newest prediction (not the wall clock: demos replay years). */
export const RANGE_SPANS: Record<Exclude<RangeName, 'all'>, number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

export const RANGE_TITLES: Record<TimeRange['kind'], string> = {
  day: 'the last day',
  week: 'the last week',
  month: 'the last 30 days',
  all: 'everything',
  custom: 'a chosen range',
};

export const EVERYTHING: TimeRange = { kind: 'all' };
const FAR_FUTURE = Date.UTC(9999, 0);

/** A range as the address keeps it: a name, or two UTC minutes joined by `..`. */
export function formatRange(range: TimeRange): string {
  if (range.kind !== 'custom') return range.kind;
  const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  return `${minute(range.from)}..${minute(range.to)}`;
}

/** Reads a range from the address; anything it does not recognise is everything. */
export function parseRange(text: string | null | undefined): TimeRange {
  if (!text) return EVERYTHING;
  if (text === 'day' || text === 'week' || text === 'month' || text === 'all') return { kind: text };
  const [from, to] = text.split('..').map((t) => Date.parse(/Z$/.test(t) ? t : `${t}Z`));
  if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    return EVERYTHING;
  return { kind: 'custom', from, to };
}

/**
 * The range in epoch ms [from, to) for reads: a named one ends at the newest prediction (`newest`, undefined when
 * there is none yet, which shows everything).
 */
export function resolveRange(range: TimeRange, newest: number | undefined): { from: number; to: number } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  if (range.kind === 'all' || newest === undefined) return { from: 0, to: FAR_FUTURE };
  return { from: newest - RANGE_SPANS[range.kind] + 1, to: FAR_FUTURE };
}

/** A chart selection (epoch seconds, either order) as a custom range, whole minutes wide at least. */
export function rangeFromSelection(a: number, b: number): TimeRange {
  const from = Math.floor(Math.min(a, b) / 60) * 60_000;
  const to = Math.max(from + 60_000, Math.ceil(Math.max(a, b) / 60) * 60_000);
  return { kind: 'custom', from, to };
}

/** Splits `#/path?query` into its path and query parameters. */
export function splitHash(hash: string): { path: string; params: URLSearchParams } {
  const at = hash.indexOf('?');
  return at < 0
    ? { path: hash, params: new URLSearchParams() }
    : { path: hash.slice(0, at), params: new URLSearchParams(hash.slice(at + 1)) };
}

/** The address `hash` with its range set to `range` (everything: no parameter). */
export function withRange(hash: string, range: TimeRange): string {
  const { path, params } = splitHash(hash);
  if (range.kind === 'all') params.delete('range');
  else params.set('range', formatRange(range));
  const query = params.toString().replaceAll('%3A', ':');
  return query ? `${path}?${query}` : path;
}
