import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type StoreConnection } from '../store/open-store.js';

export interface TestStore {
  readonly name: 'sqlite' | 'postgres';
  /** Why the store is skipped, when it is. */
  readonly skip: string | undefined;
  /** A fresh, empty, migrated store (a temporary file, or a new schema in the test database). */
  open(): Promise<StoreConnection>;
  /** The URL and schema `open` used last, for a second process on the same data. */
  readonly lastUrl: { url: string; schema?: string } | undefined;
}

const pgUrl = process.env.STEWARD_TEST_PG;

export const PG_SKIP_REASON = pgUrl
  ? undefined
  : 'skipped: STEWARD_TEST_PG is unset (set it to a PostgreSQL URL to run the store tests there too)';

function sqliteStore(): TestStore {
  const store = {
    name: 'sqlite' as const,
    skip: undefined,
    lastUrl: undefined as TestStore['lastUrl'],
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'steward-store-'));
      const url = join(dir, 'steward.db');
      store.lastUrl = { url };
      const connection = await openStore({ url });
      return {
        ...connection,
        close: async () => {
          await connection.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
  return store;
}

function postgresStore(): TestStore {
  const store = {
    name: 'postgres' as const,
    skip: PG_SKIP_REASON,
    lastUrl: undefined as TestStore['lastUrl'],
    async open() {
      const url = pgUrl as string;
      const schema = `steward_test_${randomBytes(6).toString('hex')}`;
      store.lastUrl = { url, schema };
      const connection = await openStore({ url, schema, poolSize: 4 });
      return {
        ...connection,
        close: async () => {
          await connection.close();
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        },
      };
    },
  };
  return store;
}

/** Both stores: the same suite runs on SQLite always and on PostgreSQL when STEWARD_TEST_PG is set. */
export function testStores(): TestStore[] {
  return [sqliteStore(), postgresStore()];
}
