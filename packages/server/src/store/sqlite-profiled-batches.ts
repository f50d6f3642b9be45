import type BetterSqlite3 from 'better-sqlite3';
import type { ModelSpec } from '../monitor/model-spec.js';
import { WindowProfile, type WindowProfileJSON } from '../monitor/window-profile.js';
import { windowStart } from '../monitor/window-start.js';
import { decodeBatch } from './prediction-batch.js';
import { insertBatchSqlite, type SqliteBatch, writeProfileSqlite } from './sqlite-batches.js';

/** A batch as the writer thread takes it: the batch record, and whose profiles its rows go into. */
export interface ProfiledBatch {
  batch: SqliteBatch;
  spec: Pick<ModelSpec, 'name' | 'task' | 'features' | 'window'>;
  /** Tells a model re-created under the same name from the old one. */
  createdAt: number;
  /** The profile shard of the process that received the batch. */
  shard: string;
  /**
   * The batch's rows profiled by window (start, WindowProfileJSON text), as the receiving thread built them while
   * validating: merged into the windows' profiles, so the body is not parsed again. Ignored when some rows are not
   * stored (ids already stored): those batches are profiled from the body.
   */
  partials?: Array<[number, string]>;
}

const CACHE_SIZE = 512;

/**
 * Stores a batch and, in the same transaction, its new rows in the shard's profiles of their windows (retried rows,
 * whose ids were stored already, are skipped). The profiles a batch moves are kept parsed for the next batches; a
 * transaction that fails drops the model's, so they never hold a row that was not stored.
 */
export class ProfiledBatchWriter {
  private readonly profiles = new Map<string, WindowProfile>();
  private readonly transaction: (request: ProfiledBatch) => { inserted: number; skipped: Set<number> };
  private readonly group: (
    requests: readonly ProfiledBatch[],
  ) => Array<{ inserted: number; skipped: Set<number> }>;
  private readonly ownProfile: BetterSqlite3.Statement;

  constructor(private readonly database: BetterSqlite3.Database) {
    this.ownProfile = database
      .prepare('select profile from profiles where model = ? and window_start = ? and shard = ?')
      .pluck();
    this.transaction = database.transaction((request: ProfiledBatch) => this.store(request));
    this.group = database.transaction((requests: readonly ProfiledBatch[]) =>
      requests.map((request) => this.store(request)),
    );
  }

  write(request: ProfiledBatch): { inserted: number; skipped: Set<number> } {
    try {
      return this.transaction(request);
    } catch (error) {
      this.forget(request);
      throw error;
    }
  }

  /**
   * Several batches in one transaction (one commit, one fsync, for what came in while the last commit ran): each
   * batch's rows stored (0 where the batch fails on its own), or, when the group fails, each written alone.
   */
  writeAll(requests: readonly ProfiledBatch[]): Array<{ inserted: number } | { error: unknown }> {
    if (requests.length === 1) return [this.attempt(requests[0] as ProfiledBatch)];
    try {
      return this.group(requests).map((stored) => ({ inserted: stored.inserted }));
    } catch {
      for (const request of requests) this.forget(request);
      return requests.map((request) => this.attempt(request));
    }
  }

  private attempt(request: ProfiledBatch): { inserted: number } | { error: unknown } {
    try {
      return { inserted: this.write(request).inserted };
    } catch (error) {
      return { error };
    }
  }

  private forget(request: ProfiledBatch): void {
    const prefix = `${request.spec.name}\u0000`;
    for (const key of [...this.profiles.keys()]) if (key.startsWith(prefix)) this.profiles.delete(key);
  }

  private store({ batch, spec, createdAt, shard, partials }: ProfiledBatch): {
    inserted: number;
    skipped: Set<number>;
  } {
    const stored = insertBatchSqlite(this.database, batch);
    if (stored.inserted === 0) return stored;
    const byWindow = new Map<number, WindowProfile>();
    if (partials && stored.skipped.size === 0) {
      for (const [start, text] of partials)
        byWindow.set(
          start,
          this.profileOf(spec, createdAt, shard, start).merge(
            WindowProfile.fromJSON(spec, JSON.parse(text) as WindowProfileJSON),
          ),
        );
    } else {
      const records = decodeBatch({ format: batch.format, body: batch.body, skip: null });
      records.forEach((record, i) => {
        if (stored.skipped.has(i)) return;
        const start = windowStart(record.time, spec.window);
        let profile = byWindow.get(start);
        if (!profile) {
          profile = this.profileOf(spec, createdAt, shard, start);
          byWindow.set(start, profile);
        }
        profile.add(record);
      });
    }
    for (const [start, profile] of byWindow)
      writeProfileSqlite(this.database, {
        model: spec.name,
        window_start: start,
        shard,
        count: profile.count,
        profile: JSON.stringify(profile),
        updated_at: batch.now,
      });
    return stored;
  }

  private profileOf(
    spec: ProfiledBatch['spec'],
    createdAt: number,
    shard: string,
    start: number,
  ): WindowProfile {
    const key = `${spec.name}\u0000${createdAt}\u0000${shard}\u0000${start}`;
    let profile = this.profiles.get(key);
    if (profile) this.profiles.delete(key);
    else {
      const text = this.ownProfile.get(spec.name, start, shard) as string | undefined;
      profile =
        text === undefined
          ? new WindowProfile(spec)
          : WindowProfile.fromJSON(spec, JSON.parse(text) as WindowProfileJSON);
    }
    this.profiles.set(key, profile);
    while (this.profiles.size > CACHE_SIZE) this.profiles.delete(this.profiles.keys().next().value as string);
    return profile;
  }
}
