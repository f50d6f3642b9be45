import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { monitoringMigration } from './migrations/001-monitoring.js';
import { registryMigration } from './migrations/002-registry.js';
import { servingMigration } from './migrations/003-serving.js';
import { updatesMigration } from './migrations/004-updates.js';
import { rolloutsMigration } from './migrations/005-rollouts.js';
import { alertAcknowledgementMigration } from './migrations/006-alert-acknowledgement.js';
import { predictionBatchesMigration } from './migrations/007-prediction-batches.js';
import { waitingLabelsMigration } from './migrations/008-waiting-labels.js';
import { windowLabelsMigration } from './migrations/009-window-labels.js';
import { windowLabelDeltasMigration } from './migrations/010-window-label-deltas.js';
import { labelHistoryMigration } from './migrations/011-label-history.js';
import { estimatedWindowsMigration } from './migrations/012-estimated-windows.js';
import { labelPreviousMigration } from './migrations/013-label-previous.js';
import { predictionIdValuesMigration } from './migrations/014-prediction-id-values.js';
import type { Database } from './schema.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-connection.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';
import { SqliteWriter } from './sqlite-writer.js';
import { buildMissingLabelStates } from './store-doctor.js';
import { StoreTimings } from './store-timings.js';

export { SQLITE_PRAGMAS };

export type StoreDialect = 'sqlite' | 'postgres';

/** An open store: a typed Kysely handle on a migrated schema, SQLite or PostgreSQL. */
export interface StoreConnection {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Where the data lives: a file path for SQLite, the URL without password for PostgreSQL. */
  readonly location: string;
  /** SQLite only: the database handle itself, for the prepared statements of the ingestion hot path. */
  readonly sqlite?: SqliteDatabase;
  /** SQLite files only: the thread that writes ingested batches (started on first write). */
  readonly writer?: SqliteWriter;
  /** The PostgreSQL schema in use, if one was chosen. */
  readonly schema?: string;
  /** Each statement's round trip and each wait for a pooled connection, for whoever observes them (`/metrics`). */
  readonly timings: StoreTimings;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…` / `postgresql://…`, a SQLite file path, or `:memory:`. Default `STEWARD_DB` or `./.steward/steward.db`. */
  url?: string;
  /** PostgreSQL schema to use (created if missing); lets tests and tenants share one database. */
  schema?: string;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

/** The default database: `STEWARD_DB`, else `./.steward/steward.db` under the working directory. */
export function defaultStoreUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEWARD_DB && env.STEWARD_DB.length > 0 ? env.STEWARD_DB : resolve('.steward', 'steward.db');
}

/** Opens (creating if needed) and migrates the store. */
export async function openStore(options: OpenStoreOptions = {}): Promise<StoreConnection> {
  const url = options.url ?? defaultStoreUrl();
  const connection = /^postgres(ql)?:\/\//.test(url) ? await openPostgres(url, options) : openSqlite(url);
  try {
    await migrate(connection);
    await buildMissingLabelStates(connection.db, Date.now());
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

function openSqlite(path: string): StoreConnection {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const timings = new StoreTimings();
  const { database, db } = openSqliteDatabase(path, timings.log);
  const writer = path === ':memory:' ? undefined : new SqliteWriter(path);
  return {
    db,
    dialect: 'sqlite',
    location: path,
    sqlite: database,
    timings,
    ...(writer ? { writer } : {}),
    close: async () => {
      await writer?.close();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<StoreConnection> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`PostgreSQL schema name must match [a-z_][a-z0-9_]*, got "${schema}"`);
  }
  if (schema !== undefined) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    // BIGINT (oid 20) holds epoch milliseconds and counts: both fit a double exactly.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  const timings = new StoreTimings();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: timedPool(pool, timings) }),
    log: timings.log,
  });
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') + (schema ? ` (schema ${schema})` : '');
  return {
    db,
    dialect: 'postgres',
    location,
    timings,
    ...(schema ? { schema } : {}),
    close: () => db.destroy(),
  };
}

/** The pool with its `connect` timed: Kysely takes a connection from it for every query or transaction. */
function timedPool(pool: pg.Pool, timings: StoreTimings): pg.Pool {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  return Object.assign(pool, {
    connect: async () => {
      const started = performance.now();
      const client = await connect();
      timings.connectionWait((performance.now() - started) / 1000);
      return client;
    },
  });
}

async function migrate(connection: StoreConnection): Promise<void> {
  const migrations: Record<string, Migration> = {
    '001-monitoring': monitoringMigration(connection.dialect),
    '002-registry': registryMigration(connection.dialect),
    '003-serving': servingMigration(connection.dialect),
    '004-updates': updatesMigration(),
    '005-rollouts': rolloutsMigration(connection.dialect),
    '006-alert-acknowledgement': alertAcknowledgementMigration(),
    '007-prediction-batches': predictionBatchesMigration(connection.dialect),
    '008-waiting-labels': waitingLabelsMigration(),
    '009-window-labels': windowLabelsMigration(),
    '010-window-label-deltas': windowLabelDeltasMigration(),
    '011-label-history': labelHistoryMigration(),
    '012-estimated-windows': estimatedWindowsMigration(),
    '013-label-previous': labelPreviousMigration(),
    '014-prediction-id-values': predictionIdValuesMigration(),
  };
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Kysely finds its bookkeeping tables by name in any schema unless told which one.
  const migrator = new Migrator({
    db: connection.db,
    provider,
    ...(connection.schema ? { migrationTableSchema: connection.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    // A connection refused, a login failed…: the driver's error as it is, with its code, for the caller to explain.
    if (typeof (error as { code?: unknown }).code === 'string' || error instanceof AggregateError)
      throw error;
    throw new Error(`store migration failed: ${(error as Error).message ?? String(error)}`);
  }
}
