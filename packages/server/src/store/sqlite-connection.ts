import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Driver, Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { SQLITE_PRAGMAS } from './sqlite-pragmas.js';

/** A SQLite connection with the store's settings, and Kysely on it (the server's, and the writer thread's own). */
export function openSqliteDatabase(path: string): { database: BetterSqlite3.Database; db: Kysely<Database> } {
  const database = new BetterSqlite3(path);
  for (const pragma of SQLITE_PRAGMAS) database.pragma(pragma);
  cachePreparedStatements(database);
  return { database, db: new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) }) };
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

/**
 * Keeps the last 500 prepared statements by their SQL: Kysely prepares every query it runs, and preparing costs more
 * than running most of ours. Statements are reused one at a time (queries on a connection are serialised).
 */
function cachePreparedStatements(database: BetterSqlite3.Database): void {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, BetterSqlite3.Statement>();
  database.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (statement) {
      statements.delete(source);
    } else {
      statement = prepare(source);
    }
    statements.set(source, statement);
    if (statements.size > 500) statements.delete(statements.keys().next().value as string);
    return statement;
  }) as typeof database.prepare;
}
