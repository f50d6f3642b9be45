import { randomUUID } from 'node:crypto';
import type { StoreConnection } from '../store/open-store.js';
import type { RawBatch } from '../store/prediction-batch.js';
import {
  batchRow,
  insertPredictions,
  readProfiles,
  upsertLabels,
  writeProfile,
} from '../store/predictions.js';
import type { Database } from '../store/schema.js';
import type { SqliteWriter } from '../store/sqlite-writer.js';
import type { LabelRecord, PredictionRecord } from './ingest-rows.js';
import type { LoadedModel } from './model-catalog.js';
import { WindowProfile, type WindowProfileJSON } from './window-profile.js';

export interface PredictionIngestResult {
  /** Rows stored now. */
  inserted: number;
  /** Rows whose id the model already had (a retried batch): skipped, not counted twice. */
  duplicates: number;
}

export interface LabelIngestResult {
  accepted: number;
  /** Labels whose prediction is already stored (the others join when it arrives). */
  matched: number;
}

const PROFILE_CACHE_SIZE = 512;

export function windowStart(time: number, windowMs: number): number {
  return Math.floor(time / windowMs) * windowMs;
}

/**
 * Writes validated batches. Predictions and this process's share of their window profiles are written in one
 * transaction, so the profiles always count exactly the stored rows; each process owns its shard of every
 * profile (no write contention between processes), and readers merge the shards.
 */
export class Ingestion {
  /** This process's profile shard id. */
  readonly shard: string;
  private readonly profiles = new Map<string, WindowProfile>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: StoreConnection,
    shard: string = randomUUID(),
  ) {
    this.shard = shard;
  }

  /** `raw`: the body the records were validated from, when they decode from it (`BatchResult.verbatim`). */
  predictions(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw?: RawBatch,
  ): Promise<PredictionIngestResult> {
    return this.serialised(model.spec.name, () => this.writePredictions(model, records, raw));
  }

  async labels(model: LoadedModel, records: readonly LabelRecord[]): Promise<LabelIngestResult> {
    const now = Date.now();
    const matched = await this.store.db
      .transaction()
      .execute((trx) => upsertLabels(trx, model.spec.name, records, now));
    return { accepted: records.length, matched };
  }

  private async writePredictions(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw: RawBatch | undefined,
  ): Promise<PredictionIngestResult> {
    const writer = this.store.writer;
    if (writer) {
      const stored = await this.writeOnThread(writer, model, records, raw);
      if (stored) return stored;
    }
    return this.writeHere(model, records, raw);
  }

  /**
   * SQLite files: profiles are built here assuming every row is new, and the writer thread commits the batch and
   * them together. A batch with ids already stored (a retry) comes back unwritten and takes `writeHere`.
   */
  private async writeOnThread(
    writer: SqliteWriter,
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw: RawBatch | undefined,
  ): Promise<PredictionIngestResult | undefined> {
    const now = Date.now();
    const touched: string[] = [];
    let updated: Map<string, WindowProfile>;
    try {
      const profiles = await this.addToProfiles(this.store.db, model, records, new Set(), now, touched);
      updated = profiles.updated;
      const row = batchRow(records, raw);
      const outcome = await writer.write(
        {
          model: model.spec.name,
          ...row,
          count: records.length,
          ids: JSON.stringify(records.map((r) => r.id)),
          now,
        },
        profiles.rows,
      );
      if (outcome === 'duplicates') {
        for (const key of touched) this.profiles.delete(key);
        return undefined;
      }
    } catch (error) {
      for (const key of touched) this.profiles.delete(key);
      throw error;
    }
    this.remember(updated);
    return { inserted: records.length, duplicates: 0 };
  }

  /** One transaction on the store's own connection: PostgreSQL, SQLite in memory, and retried batches. */
  private async writeHere(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw: RawBatch | undefined,
  ): Promise<PredictionIngestResult> {
    const name = model.spec.name;
    const now = Date.now();
    let updated = new Map<string, WindowProfile>();
    // Cached profiles are updated in place; if the transaction fails they are dropped and re-read from the store.
    const touched: string[] = [];
    const write = this.store.db.transaction().execute(async (trx) => {
      const { inserted, skipped } = await insertPredictions(trx, name, records, now, {
        ...(raw ? { raw } : {}),
        ...(this.store.sqlite ? { sqlite: this.store.sqlite } : {}),
      });
      const profiles = await this.addToProfiles(trx, model, records, skipped, now, touched);
      for (const row of profiles.rows) await writeProfile(trx, row);
      updated = profiles.updated;
      return inserted;
    });
    let insertedCount: number;
    try {
      insertedCount = await write;
    } catch (error) {
      for (const key of touched) this.profiles.delete(key);
      throw error;
    }
    this.remember(updated);
    return { inserted: insertedCount, duplicates: records.length - insertedCount };
  }

  /** Adds the rows not skipped to this process's profiles of their windows; returns the profile rows to write. */
  private async addToProfiles(
    db: StoreConnection['db'],
    model: LoadedModel,
    records: readonly PredictionRecord[],
    skipped: ReadonlySet<number>,
    now: number,
    touched: string[],
  ): Promise<{ rows: Array<Database['profiles']>; updated: Map<string, WindowProfile> }> {
    const name = model.spec.name;
    const windowMs = model.spec.window;
    const byWindow = new Map<number, PredictionRecord[]>();
    for (let i = 0; i < records.length; i++) {
      if (skipped.has(i)) continue;
      const r = records[i] as PredictionRecord;
      const start = windowStart(r.time, windowMs);
      const list = byWindow.get(start);
      if (list) list.push(r);
      else byWindow.set(start, [r]);
    }
    const rows: Array<Database['profiles']> = [];
    const updated = new Map<string, WindowProfile>();
    for (const [start, windowRows] of byWindow) {
      const key = `${name}\u0000${model.createdAt}\u0000${start}`;
      const profile = this.profiles.get(key) ?? (await this.loadOwnProfile(db, model, start));
      touched.push(key);
      for (const r of windowRows) profile.add(r);
      rows.push({
        model: name,
        window_start: start,
        shard: this.shard,
        count: profile.count,
        profile: JSON.stringify(profile),
        updated_at: now,
      });
      updated.set(key, profile);
    }
    return { rows, updated };
  }

  private remember(updated: ReadonlyMap<string, WindowProfile>): void {
    for (const [key, profile] of updated) {
      this.profiles.delete(key);
      this.profiles.set(key, profile);
    }
    while (this.profiles.size > PROFILE_CACHE_SIZE)
      this.profiles.delete(this.profiles.keys().next().value as string);
  }

  private async loadOwnProfile(
    db: StoreConnection['db'],
    model: LoadedModel,
    start: number,
  ): Promise<WindowProfile> {
    const rows = await readProfiles(db, model.spec.name, start, start + 1, this.shard);
    const row = rows[0];
    return row
      ? WindowProfile.fromJSON(model.spec, JSON.parse(row.profile) as WindowProfileJSON)
      : new WindowProfile(model.spec);
  }

  // One write at a time per model in this process: the cached profile of a window has one writer.
  private serialised<T>(model: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(model) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.queues.set(model, tail);
    void tail.then(() => {
      if (this.queues.get(model) === tail) this.queues.delete(model);
    });
    return next;
  }
}
