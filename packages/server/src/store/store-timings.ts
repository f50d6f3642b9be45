import type { LogEvent } from 'kysely';

/** What a statement does, from its first word: the label the store's timings are kept under. */
export type StatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'other';

/** Receives the store's timings: each statement's round trip, and each wait for a pooled connection. */
export interface StoreObserver {
  statement(kind: StatementKind, seconds: number, failed: boolean): void;
  connectionWait?(seconds: number): void;
}

const KINDS = new Set<StatementKind>(['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback']);

/** The statement's first word (a `with` query, a savepoint: `other`). */
export function statementKind(sql: string): StatementKind {
  const word = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase();
  return KINDS.has(word as StatementKind) ? (word as StatementKind) : 'other';
}

/**
 * The observers of one store. Kysely's `log` hook times every statement it runs (begin and commit included) from
 * the call to the result; the PostgreSQL pool's `connect` is timed separately, since a statement waits there first
 * when every pooled connection is busy.
 */
export class StoreTimings {
  private readonly observers = new Set<StoreObserver>();

  /** Starts passing timings to `observer`; the function returned stops it. */
  observe(observer: StoreObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** For Kysely's `log` option. */
  readonly log = (event: LogEvent): void => {
    if (this.observers.size === 0) return;
    const kind = statementKind(event.query.sql);
    const seconds = event.queryDurationMillis / 1000;
    for (const observer of this.observers) observer.statement(kind, seconds, event.level === 'error');
  };

  connectionWait(seconds: number): void {
    for (const observer of this.observers) observer.connectionWait?.(seconds);
  }
}
