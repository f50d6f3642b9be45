import type { ModelSpec } from '../spec/model-spec.js';
import { windowStart } from '../spec/window-start.js';
import { WindowProfile, type WindowProfileJSON } from '../window-state/window-profile.js';
import { foldsLate, LATE_SUFFIX, lateShard } from './late-profiles.js';
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
  spec: ProfiledBatch['spec'];
  model: string;
  start: number;
  shard: string;
  now: number;
  /** The window's own profile's cache key, when this is its side profile of late rows. */
  mainKey?: string;
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
  /** The newest window each shard of each model has written (see late-profiles.ts). */
  private readonly newest = new Map<string, number>();
  private readonly transaction: (request: ProfiledBatch) => { inserted: number; skipped: Set<number> };
  private readonly ownProfile: SqliteStatement;
  private readonly dropProfile: SqliteStatement;

  constructor(private readonly database: SqliteDatabase) {
    this.ownProfile = database
      .prepare('select profile from profiles where model = ? and window_start = ? and shard = ?')
      .pluck();
    this.dropProfile = database.prepare(
      'delete from profiles where model = ? and window_start = ? and shard = ?',
    );
    // In a savepoint of the group's transaction: a batch that fails is rolled back alone.
    this.transaction = database.transaction((request: ProfiledBatch) => this.store(request));
  }

  write(request: ProfiledBatch): { inserted: number; skipped: Set<number> } {
    return this.transaction(request);
  }

  /** Writes the profiles the group's batches moved, folding side profiles of late rows that grew large enough. */
  flush(): void {
    for (const [key, late] of [...this.dirty]) {
      if (!late.mainKey) continue;
      const shard = late.shard.slice(0, -LATE_SUFFIX.length);
      const main = this.profileOf(late.mainKey, late.spec, shard, late.start);
      if (!foldsLate(late.profile.count, main.count)) continue;
      main.merge(late.profile);
      this.dirty.set(late.mainKey, { ...late, profile: main, shard, mainKey: undefined });
      this.dirty.delete(key);
      this.profiles.delete(key);
      this.dropProfile.run(late.model, late.start, late.shard);
    }
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
    this.newest.clear();
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
    const shardKey = `${spec.name}\u0000${createdAt}\u0000${shard}`;
    const newest = Math.max(this.newest.get(shardKey) ?? Number.NEGATIVE_INFINITY, ...byWindow.keys());
    this.newest.set(shardKey, newest);
    for (const [start, partial] of byWindow) {
      const mainKey = `${shardKey}\u0000${start}`;
      const late = start < newest;
      const target = late ? lateShard(shard) : shard;
      const key = late ? `${shardKey}${LATE_SUFFIX}\u0000${start}` : mainKey;
      const profile = this.profileOf(key, spec, target, start).merge(partial);
      this.dirty.set(key, {
        profile,
        spec,
        model: spec.name,
        start,
        shard: target,
        now: batch.now,
        ...(late ? { mainKey } : {}),
      });
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
