import {
  DatabaseSync,
  type DatabaseSyncInstance,
  type EnhancedDatabaseSync,
  enhance,
  type StatementSyncInstance,
} from '@photostructure/sqlite';
import {
  CompiledQuery,
  type Driver,
  Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement as KyselySqliteStatement,
  type LogEvent,
  SqliteDialect,
} from 'kysely';
import type { Database } from './schema.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';

/**
 * A SQLite connection: node:sqlite's API (from `@photostructure/sqlite`, whose binaries come in the npm package, so
 * installing compiles nothing), with better-sqlite3's `transaction`, `pragma`, `pluck` and `raw` on top.
 */
export type SqliteDatabase = EnhancedDatabaseSync<DatabaseSyncInstance>;
export type SqliteStatement = ReturnType<SqliteDatabase['prepare']>;

/** `prepare` run once a connection: the statements a hot path keeps, each connection its own. */
export function preparedOnce<T>(prepare: (database: SqliteDatabase) => T): (database: SqliteDatabase) => T {
  const prepared = new WeakMap<SqliteDatabase, T>();
  return (database) => {
    let statements = prepared.get(database);
    if (statements === undefined) {
      statements = prepare(database);
      prepared.set(database, statements);
    }
    return statements;
  };
}

/** Opens a SQLite file (created if missing); an unopenable path fails with code `SQLITE_CANTOPEN`. */
export function openSqliteFile(path: string): SqliteDatabase {
  try {
    return enhance(new DatabaseSync(path));
  } catch (error) {
    throw driverError(error);
  }
}

/** A SQLite connection with the store's settings, and Kysely on it (the server's, and the writer thread's own). */
export function openSqliteDatabase(
  path: string,
  log?: (event: LogEvent) => void,
): { database: SqliteDatabase; db: Kysely<Database> } {
  const database = openSqliteFile(path);
  try {
    for (const pragma of SQLITE_PRAGMAS) database.exec(`pragma ${pragma}`);
  } catch (error) {
    database.close();
    throw driverError(error);
  }
  return {
    database,
    db: new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: kyselyDatabase(database) }),
      ...(log ? { log } : {}),
    }),
  };
}

// SQLite's primary result codes (the low byte of an extended one) that a user can act on, by name.
const RESULT_CODES: Record<number, string> = {
  5: 'SQLITE_BUSY',
  14: 'SQLITE_CANTOPEN',
  19: 'SQLITE_CONSTRAINT',
};

/** node:sqlite reports every failure as ERR_SQLITE_ERROR with a numeric `errcode`: name the ones we explain. */
function driverError(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown }).errcode;
  if (typeof errcode !== 'number') return error;
  const name = RESULT_CODES[errcode & 0xff];
  if (name) Object.assign(error as object, { code: name });
  return error;
}

/**
 * Kysely's SQLite dialect expects better-sqlite3's statements: parameters as one array, and `reader` for whether
 * the statement returns rows. Statements are kept by their SQL (the last 500): Kysely prepares every query it runs,
 * and preparing costs more than running most of ours. Queries on a connection are serialised, so a statement is
 * used by one query at a time.
 */
export function kyselyDatabase(database: SqliteDatabase): KyselySqliteDatabase {
  const statements = new Map<string, KyselySqliteStatement>();
  const wrap = (statement: StatementSyncInstance): KyselySqliteStatement => ({
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...(parameters as never[])),
    run: (parameters) => statement.run(...(parameters as never[])),
    iterate: (parameters) => statement.iterate(...(parameters as never[])),
  });
  return {
    close: () => database.close(),
    prepare(source) {
      let statement = statements.get(source);
      if (statement) {
        statements.delete(source);
      } else {
        try {
          statement = wrap(database.prepare(source));
        } catch (error) {
          throw driverError(error);
        }
      }
      statements.set(source, statement);
      if (statements.size > 500) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

/**
 * SQLite transactions that begin as writers (BEGIN IMMEDIATE): a deferred one that reads and then writes while the
 * writer thread (another connection) commits gets SQLITE_BUSY at once (its snapshot is stale), whatever the busy
 * timeout; one that takes the write lock first waits its turn.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}
