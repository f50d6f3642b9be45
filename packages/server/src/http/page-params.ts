import type { FastifyReply } from 'fastify';
import { ApiError } from './api-error.js';
import { intParam } from './time-param.js';

/** The largest page any list answers. */
export const MAX_PAGE = 1000;

/** The OpenAPI description of a paged list of `items` (`limit` defaulting to `fallback`). */
export function pageDescription(items: string, fallback: number): string {
  return `A page of at most \`limit\` ${items} (default ${fallback}, at most ${MAX_PAGE}). When there may be more, the \`x-next-cursor\` header holds the cursor of the next page: pass it back as \`cursor\`.`;
}

/** A list's `limit`: a positive integer up to MAX_PAGE, `fallback` when absent. */
export function pageLimit(text: string | undefined, fallback: number): number {
  const limit = intParam('limit', text) ?? fallback;
  if (limit > MAX_PAGE)
    throw new ApiError(400, 'bad_query', `limit must be at most ${MAX_PAGE}, got ${limit}`, [
      { field: 'limit', message: `at most ${MAX_PAGE}` },
    ]);
  return limit;
}

/** A list's `cursor` read by `decode` (undefined when absent); a 400 naming it when it is not one. */
export function pageCursor<C>(
  text: string | undefined,
  decode: (text: string) => C | undefined,
): C | undefined {
  if (text === undefined || text === '') return undefined;
  const cursor = decode(text);
  if (cursor === undefined)
    throw new ApiError(400, 'bad_query', 'cursor must be the x-next-cursor header of the page before', [
      { field: 'cursor', message: 'not a cursor' },
    ]);
  return cursor;
}

/** A full page may have more after it: its last item's cursor goes in the `x-next-cursor` header. */
export function nextCursor<T>(
  reply: FastifyReply,
  items: T[],
  limit: number,
  encode: (last: T) => string,
): T[] {
  const last = items.at(-1);
  if (items.length === limit && last !== undefined) reply.header('x-next-cursor', encode(last));
  return items;
}

/** `time~id` cursors: lists ordered by a time, then an id (several rows may share a time). */
export function encodeTimeCursor(time: number, id: string | number): string {
  return `${time}~${id}`;
}

export function decodeTimeCursor(text: string): { time: number; id: string } | undefined {
  const match = /^(\d+)~([\w-]{1,64})$/.exec(text);
  return match ? { time: Number(match[1]), id: match[2] as string } : undefined;
}
