import { parseDuration } from '../spec/duration.js';
import { ApiError } from './api-error.js';

/** A time query parameter: epoch milliseconds or an ISO 8601 time. */
export function timeParam(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new ApiError(
      400,
      'bad_query',
      `${name} must be an ISO 8601 time or epoch milliseconds, got "${value}"`,
      [{ field: name, message: 'not a time' }],
    );
  return ms;
}

export function durationParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (ms === undefined || ms <= 0)
    throw new ApiError(400, 'bad_query', `${name} must be a duration such as 1h or 1d, got "${value}"`, [
      { field: name, message: 'not a duration' },
    ]);
  return ms;
}

export function intParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ApiError(400, 'bad_query', `${name} must be a positive integer, got "${value}"`, [
      { field: name, message: 'not a positive integer' },
    ]);
  return n;
}

const WEEK = 7 * 86_400_000;

/** `from` and `to` query parameters: default the week before `now`; `to` must come after `from`. */
export function timeRange(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = timeParam('to', query.to, now);
  const from = timeParam('from', query.from, to - WEEK);
  if (!(to > from))
    throw new ApiError(400, 'bad_query', 'to must be after from', [{ field: 'to', message: 'before from' }]);
  return { from, to };
}
