import type { Page, PageQuery } from '@steward/client';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';

export interface PageFlags {
  limit: string;
  all?: boolean;
  before?: string;
}

/** `--limit`, `--all` and `--before` on a command that lists newest first. */
export function withPaging(command: Command, defaultLimit: number): Command {
  return command
    .option('--limit <n>', `how many (default ${defaultLimit}; --all for every one)`, String(defaultLimit))
    .option('--all', 'every one, page by page')
    .option('--before <cursor>', 'start after this cursor (printed under a listing that has more)');
}

/**
 * Reads pages until `--limit` items (or, with `--all`, the last page); the cursor of what comes next, when there is
 * more.
 */
export async function readPages<T>(
  flags: PageFlags,
  fetch: (page: PageQuery) => Promise<Page<T>>,
): Promise<{ items: T[]; next: string | undefined }> {
  const limit = Number(flags.limit);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new CliError(`--limit must be a positive integer, got ${flags.limit}`);
  const items: T[] = [];
  let cursor = flags.before;
  do {
    const page = await fetch({
      limit: flags.all ? 1000 : Math.min(limit - items.length, 1000),
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && (flags.all || items.length < limit));
  return { items, next: cursor };
}

/** The line under a listing that has more: the command to see the next page. */
export function moreLine(command: string, next: string | undefined): string {
  return next ? `more: ${command} --before ${next}\n` : '';
}
