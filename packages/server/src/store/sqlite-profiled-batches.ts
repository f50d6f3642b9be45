import type { ModelSpec } from '../spec/model-spec.js';
import { windowStart } from '../spec/window-start.js';
import { WindowProfile, type WindowProfileJSON } from '../window-state/window-profile.js';
import { decodeBatch } from './prediction-batch.js';
import { insertBatchSqlite, type SqliteBatch, writeProfileSqlite } from './sqlite-batches.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-connection.js';

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

/** A window profile moved by a group's batches and not yet written. */
interface Dirty {
  profile: WindowProfile;
  model: string;
  start: number;
  shard: string;
  now: number;
}

/**
 * Stores batches and their new rows in the shard's profiles of their windows (retried rows, whose ids were stored
 * already, are skipped), in the transaction the writer thread holds open for a group of requests. The profiles
 * batches move are kept parsed, and written once a group (`flush`, before the commit): the current window, which
 * every batch moves, is encoded and written once instead of once a batch. A batch that fails leaves them as they
 * were; if the group's transaction is rolled back, `forgetAll`.
 */
export class ProfiledBatchWriter {
  private readonly profiles = new Map<string, WindowProfile>();
  private readonly dirty = new Map<string, Dirty>();
  private readonly transaction: (request: ProfiledBatch) => { inserted: number; skipped: Set<number> };
  private readonly ownProfile: SqliteStatement;

  constructor(private readonly database: SqliteDatabase) {
    this.ownProfile = database
      .prepare('select profile from profiles where model = ? and window_start = ? and shard = ?')
      .pluck();
    // In a savepoint of the group's transaction: a batch that fails is rolled back alone.
    this.transaction = database.transaction((request: ProfiledBatch) => this.store(request));
  }

  write(request: ProfiledBatch): { inserted: number; skipped: Set<number> } {
    return this.transaction(request);
  }

  /** Writes the profiles the group's batches moved. */
  flush(): void {
    for (const { profile, model, start, shard, now } of this.dirty.values())
      writeProfileSqlite(this.database, {
        model,
        window_start: start,
        shard,
        count: profile.count,
        profile: JSON.stringify(profile),
        updated_at: now,
      });
    this.dirty.clear();
  }

  forgetAll(): void {
    this.profiles.clear();
    this.dirty.clear();
  }

  private store({ batch, spec, createdAt, shard, partials }: ProfiledBatch): {
    inserted: number;
    skipped: Set<number>;
  } {
    const stored = insertBatchSqlite(this.database, batch);
    if (stored.inserted === 0) return stored;
    // The batch's own profiles first: building them may fail, and nothing kept has moved yet.
    const byWindow = new Map<number, WindowProfile>();
    if (partials && stored.skipped.size === 0) {
      for (const [start, text] of partials)
        byWindow.set(start, WindowProfile.fromJSON(spec, JSON.parse(text) as WindowProfileJSON));
    } else {
      const records = decodeBatch({ format: batch.format, body: batch.body, skip: null });
      records.forEach((record, i) => {
        if (stored.skipped.has(i)) return;
        const start = windowStart(record.time, spec.window);
        let profile = byWindow.get(start);
        if (!profile) {
          profile = new WindowProfile(spec);
          byWindow.set(start, profile);
        }
        profile.add(record);
      });
    }
    for (const [start, partial] of byWindow) {
      const key = `${spec.name}\u0000${createdAt}\u0000${shard}\u0000${start}`;
      const profile = this.profileOf(key, spec, shard, start).merge(partial);
      this.dirty.set(key, { profile, model: spec.name, start, shard, now: batch.now });
    }
    return stored;
  }

  private profileOf(key: string, spec: ProfiledBatch['spec'], shard: string, start: number): WindowProfile {
    let profile = this.dirty.get(key)?.profile ?? this.profiles.get(key);
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
