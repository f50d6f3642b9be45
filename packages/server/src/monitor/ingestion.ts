import { randomUUID } from 'node:crypto';
import type { StoreConnection } from '../store/open-store.js';
import { insertPredictions, readProfiles, upsertLabels, writeProfile } from '../store/predictions.js';
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

  predictions(model: LoadedModel, records: readonly PredictionRecord[]): Promise<PredictionIngestResult> {
    return this.serialised(model.spec.name, () => this.writePredictions(model, records));
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
  ): Promise<PredictionIngestResult> {
    const name = model.spec.name;
    const windowMs = model.spec.window;
    const now = Date.now();
    const updated = new Map<string, WindowProfile>();
    // Cached profiles are updated in place; if the transaction fails they are dropped and re-read from the store.
    const touched: string[] = [];
    const write = this.store.db.transaction().execute(async (trx) => {
      const inserted = await insertPredictions(trx, name, records, now, this.store.sqlite);
      const byWindow = new Map<number, PredictionRecord[]>();
      for (const r of records) {
        if (!inserted.has(r.id)) continue;
        const start = windowStart(r.time, windowMs);
        const list = byWindow.get(start);
        if (list) list.push(r);
        else byWindow.set(start, [r]);
      }
      for (const [start, rows] of byWindow) {
        const key = `${name}\u0000${model.createdAt}\u0000${start}`;
        const profile = this.profiles.get(key) ?? (await this.loadOwnProfile(trx, model, start));
        touched.push(key);
        for (const r of rows) profile.add(r);
        await writeProfile(trx, {
          model: name,
          window_start: start,
          shard: this.shard,
          count: profile.count,
          profile: JSON.stringify(profile),
          updated_at: now,
        });
        updated.set(key, profile);
      }
      return inserted.size;
    });
    let insertedCount: number;
    try {
      insertedCount = await write;
    } catch (error) {
      for (const key of touched) this.profiles.delete(key);
      throw error;
    }
    for (const [key, profile] of updated) {
      this.profiles.delete(key);
      this.profiles.set(key, profile);
    }
    while (this.profiles.size > PROFILE_CACHE_SIZE)
      this.profiles.delete(this.profiles.keys().next().value as string);
    return { inserted: insertedCount, duplicates: records.length - insertedCount };
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
