import type { Page, PageQuery } from '@steward/client';

/**
 * The first `pages` pages of a list (newest first), read one after the other: a list the user has extended with
 * "Show older" stays extended when it is polled again.
 */
export async function firstPages<T>(
  pages: number,
  fetch: (page: PageQuery) => Promise<Page<T>>,
  limit: number,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < pages; n++) {
    const page = await fetch({ limit, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next;
    if (!cursor) break;
  }
  return { items, more: cursor !== undefined };
}
