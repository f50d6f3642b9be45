import { randomUUID } from 'node:crypto';
import type { LabelRecord, PredictionRecord, VocabularySets } from '../spec/records.js';
import { windowStart } from '../spec/window-start.js';
import { BatchColumnsCache, foldLabelDeltas, type ShardLog } from '../store/label-states.js';
import { hasWaitingLabels } from '../store/label-upserts.js';
import { type LabelWrite, type LabelWritten, writeLabels as writeLabelsHere } from '../store/label-writes.js';
import { foldsLate, lateShard } from '../store/late-profiles.js';
import type { StoreConnection } from '../store/open-store.js';
import { batchRow, idValuesJson, type RawBatch } from '../store/prediction-batch.js';
import { insertPredictions } from '../store/prediction-writes.js';
import { writeProfiles } from '../store/profile-writes.js';
import { type Clock, systemClock } from '../time/clock.js';
import { WindowProfile, type WindowProfileJSON } from '../window-state/window-profile.js';
import type { LoadedModel } from './model-catalog.js';
import { ServingVocabularies, type VocabularySource } from './serving-vocabularies.js';
import { WindowReadCache } from './window-read-cache.js';

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
/** Label deltas a process writes before it considers folding them into the states. */
const FOLD_AFTER_DELTAS = 64;

const logKey = (model: LoadedModel) => `${model.spec.name}\u0000${model.createdAt}`;
/** A model as label writes and folds take it (on this connection or the writer thread's). */
const labelModelOf = (model: LoadedModel) => ({
  name: model.spec.name,
  window: model.spec.window,
  createdAt: model.createdAt,
  labelHistory: model.spec.features.some((f) => f.fromLabels !== undefined),
});

export { windowStart } from '../spec/window-start.js';

/** A profile a group of batches moved: the window, which of this process's shards, and the profile. */
interface MovedProfile {
  start: number;
  shard: string;
  profile: WindowProfile;
  /** The window's side profile of late rows. */
  late: boolean;
}

interface WaitingBatch {
  records: readonly PredictionRecord[];
  raw: RawBatch | undefined;
  resolve(result: PredictionIngestResult): void;
  reject(error: unknown): void;
}

/**
 * Writes validated batches. Predictions and this process's share of their window profiles are written in one
 * transaction, so the profiles always count exactly the stored rows; each process owns its shard of every
 * profile (no write contention between processes), and readers merge the shards.
 *
 * On a SQLite file the writer thread does both (see SqliteWriter), off the event loop; on PostgreSQL (and SQLite in
 * memory) they are written here, on profiles this process keeps parsed.
 */
export class Ingestion {
  /** This process's profile shard id. */
  readonly shard: string;
  private readonly profiles = new Map<string, WindowProfile>();
  /** The newest window this process has written, per model (older ones take late rows: see late-profiles.ts). */
  private readonly newest = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** This process's shard of each model's label states: its last delta, what waits to be folded. */
  private readonly shardLogs = new Map<
    string,
    ShardLog & { pending: { deltas: number; entries: number }; lastFold: number; folding?: boolean }
  >();
  /** Batches waiting to be written on the store's own connection, by model (see writeHereGrouped). */
  private readonly waitingBatches = new Map<string, WaitingBatch[]>();
  /**
   * Batches parsed for the label lookups of ids stored before migration 014 (labels mostly follow recent
   * predictions), as many as the SQLite writer thread keeps: with 512, a PostgreSQL server whose labels reached over
   * a few minutes of batches parsed most of them again at every label write (before 014 held the values by the ids).
   */
  private readonly batches = new BatchColumnsCache(2048);

  /** The serving versions' words, for the text columns' out-of-vocabulary counts (none: words go unchecked). */
  private readonly vocabularies: ServingVocabularies | undefined;

  constructor(
    private readonly store: StoreConnection,
    shard: string = randomUUID(),
    private readonly clock: Clock = systemClock,
    vocabularies?: VocabularySource,
  ) {
    this.shard = shard;
    this.vocabularies = vocabularies ? new ServingVocabularies(vocabularies) : undefined;
  }

  /**
   * Stores a batch of predictions with this process's share of their windows' profiles; labels that came before
   * their predictions are then counted into the windows' states. `raw`: the body the records were validated from,
   * when they decode from it (`BatchResult.verbatim`).
   */
  async predictions(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw?: RawBatch,
  ): Promise<PredictionIngestResult> {
    await this.vocabularies?.load(model, records);
    if (this.store.writer?.available) {
      // The writer thread runs requests in the order they came: a match posted right behind the batch (usually in
      // its transaction group) sees the batch's rows and every label written before it. One turn of the thread
      // instead of two (the batch, then a look for waiting labels, then the match).
      const ids = records.map((r) => r.id);
      const [stored, matched] = await Promise.allSettled([
        this.storePredictions(model, records, raw),
        this.writeLabels(model, { kind: 'match', ids }, this.clock.now()),
      ]);
      if (stored.status === 'rejected') throw stored.reason;
      if (matched.status === 'rejected') throw matched.reason;
      return stored.value;
    }
    const stored = await this.storePredictions(model, records, raw);
    if (stored.inserted > 0)
      await this.matchWaitingLabels(
        model,
        records.map((r) => r.id),
      );
    return stored;
  }

  private async storePredictions(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw?: RawBatch,
  ): Promise<PredictionIngestResult> {
    const writer = this.store.writer;
    if (!writer?.available) return this.writeHereGrouped(model, records, raw);
    const inserted = await writer.write({
      batch: {
        model: model.spec.name,
        ...batchRow(records, raw),
        values: idValuesJson(records),
        count: records.length,
        now: this.clock.now(),
      },
      spec: model.spec,
      createdAt: model.createdAt,
      shard: this.shard,
      partials: batchProfiles(model, records, this.vocabularies?.lookup(model)),
    });
    return { inserted, duplicates: records.length - inserted };
  }

  /**
   * Stores labels and, in the same transaction, appends what they change to the states of the windows their
   * predictions are in (this process's shard). One label batch of a model at a time in this process, so the shard's
   * deltas commit in order.
   */
  async labels(model: LoadedModel, records: readonly LabelRecord[]): Promise<LabelIngestResult> {
    const now = this.clock.now();
    const matched = await this.labelsSerialised(model.spec.name, () =>
      this.writeLabels(model, { kind: 'labels', records }, now),
    );
    // On the store's own connection (PostgreSQL), a label written while its prediction's transaction was still open
    // waits though the prediction is stored by now: neither transaction saw the other's rows, and the predictions'
    // match looked before this one committed. Looking again after this commit closes that race within a process
    // (the maintenance loop matches what other processes leave). The writer thread runs both in one order: no race.
    if (matched < records.length && !this.store.writer?.available) {
      const late = await this.matchWaitingLabels(
        model,
        records.map((r) => r.predictionId),
      );
      return { accepted: records.length, matched: matched + late };
    }
    return { accepted: records.length, matched };
  }

  /**
   * Counts the labels that were waiting for these predictions (or for any stored one) into their windows' states.
   * Runs after predictions are stored, and from the maintenance loop for whatever that missed (a crash between).
   */
  async matchWaitingLabels(model: LoadedModel, ids?: readonly string[]): Promise<number> {
    // Of these ids: while any label of the model waits (one sent ahead of its prediction), a look at the whole model
    // would start a match for every batch.
    if (!(await hasWaitingLabels(this.store.db, model.spec.name, ids))) return 0;
    return this.labelsSerialised(model.spec.name, () =>
      this.writeLabels(model, ids ? { kind: 'match', ids } : { kind: 'match' }, this.clock.now()),
    );
  }

  /**
   * Folds this process's label deltas of these models into their windows' states (the maintenance loop calls it;
   * label writes fold on their own once enough has piled up).
   */
  async foldLabelDeltas(models: readonly LoadedModel[]): Promise<void> {
    for (const model of models) {
      const log = this.shardLogs.get(logKey(model));
      if (log && log.pending.deltas > 0) await this.labelsSerialised(model.spec.name, () => this.fold(model));
    }
  }

  /**
   * A label write (on the SQLite writer thread when there is one, else on the store's connection); the reads' cache
   * takes its delta once committed, and enough piled-up deltas are folded.
   */
  private async writeLabels(model: LoadedModel, write: LabelWrite, now: number): Promise<number> {
    const name = model.spec.name;
    const key = logKey(model);
    let log = this.shardLogs.get(key);
    if (!log) {
      log = { windows: new Set(), pending: { deltas: 0, entries: 0 }, lastFold: 0 };
      this.shardLogs.set(key, log);
    }
    const labelModel = labelModelOf(model);
    let written: LabelWritten;
    try {
      const writer = this.store.writer;
      written = writer?.available
        ? await writer.labels({ model: labelModel, shard: this.shard, write, now })
        : await writeLabelsHere(this.store.db, labelModel, this.shard, log, write, now, {
            batches: this.batches,
            ...(this.store.sqlite ? { sqlite: this.store.sqlite } : {}),
          });
    } catch (error) {
      // It may hold a number or windows of what was rolled back.
      this.shardLogs.delete(key);
      throw error;
    }
    const { count, n, deltas } = written;
    if (n === undefined) return count;
    log.n = n;
    for (const [start, delta] of deltas) {
      log.windows.add(start);
      log.pending.entries += delta.size;
    }
    log.pending.deltas++;
    WindowReadCache.of(model.spec).labels.applyOwn(this.shard, n, deltas);
    // Folding costs the size of the states it rewrites: wait until the deltas are worth a good part of that.
    if (!log.folding && log.pending.deltas >= FOLD_AFTER_DELTAS && 4 * log.pending.entries >= log.lastFold) {
      log.folding = true;
      const folding = log;
      void this.labelsSerialised(name, () => this.fold(model))
        .catch(() => {
          // The deltas stay and count in every read; the next fold takes them.
        })
        .finally(() => {
          folding.folding = false;
        });
    }
    return count;
  }

  /** Folds this process's deltas of a model into its windows' states (run it in the model's label queue). */
  private async fold(model: LoadedModel): Promise<void> {
    const log = this.shardLogs.get(logKey(model));
    if (!log?.n || log.pending.deltas === 0) return;
    const through = log.n;
    const now = this.clock.now();
    const writer = this.store.writer;
    let entries: number;
    if (writer?.available)
      entries = await writer.fold({ model: labelModelOf(model), shard: this.shard, now });
    else {
      const labels = WindowReadCache.of(model.spec).labels;
      const folded = await this.store.db
        .transaction()
        .execute((trx) =>
          foldLabelDeltas(trx, model.spec.name, this.shard, through, now, (start, epoch) =>
            labels.current(start, this.shard, epoch, through),
          ),
        );
      entries = folded.reduce((sum, f) => sum + f.entries, 0);
    }
    log.pending = { deltas: 0, entries: 0 };
    log.lastFold = entries;
  }

  /**
   * A model's label writes and folds one at a time in this process, so its shard's deltas commit in order. The
   * SQLite writer thread runs its requests in the order they came: they go straight to it.
   */
  private labelsSerialised<T>(model: string, task: () => Promise<T>): Promise<T> {
    if (this.store.writer?.available) return task();
    return this.serialised(`labels\u0000${model}`, task);
  }

  /**
   * Batches of a model written on the store's own connection (PostgreSQL, SQLite in memory) one group at a time:
   * those that came in while the last group was written go together, in one transaction with one profile write a
   * window (a busy event loop makes every round trip to the database slow, so fewer is faster). If the group fails,
   * its batches are written one by one, so only a batch that fails alone is refused.
   */
  private writeHereGrouped(
    model: LoadedModel,
    records: readonly PredictionRecord[],
    raw: RawBatch | undefined,
  ): Promise<PredictionIngestResult> {
    const key = logKey(model);
    return new Promise((resolve, reject) => {
      let group = this.waitingBatches.get(key);
      if (!group) {
        group = [];
        this.waitingBatches.set(key, group);
        const taken = group;
        void this.serialised(model.spec.name, async () => {
          if (this.waitingBatches.get(key) === taken) this.waitingBatches.delete(key);
          await this.writeGroup(model, taken);
        });
      }
      group.push({ records, raw, resolve, reject });
    });
  }

  private async writeGroup(model: LoadedModel, group: readonly WaitingBatch[]): Promise<void> {
    if (group.length > 1) {
      try {
        const inserted = await this.writeHere(model, group);
        for (const [i, b] of group.entries()) {
          const stored = inserted[i] as number;
          b.resolve({ inserted: stored, duplicates: b.records.length - stored });
        }
        return;
      } catch {
        // One of them may fail alone: see which.
      }
    }
    for (const b of group) {
      try {
        const [inserted] = (await this.writeHere(model, [b])) as [number];
        b.resolve({ inserted, duplicates: b.records.length - inserted });
      } catch (error) {
        b.reject(error);
      }
    }
  }

  /** One transaction on the store's own connection: the batches, then the profiles they moved; rows stored each. */
  private async writeHere(model: LoadedModel, batches: readonly WaitingBatch[]): Promise<number[]> {
    const name = model.spec.name;
    const now = this.clock.now();
    try {
      return await this.store.db.transaction().execute(async (trx) => {
        const inserted: number[] = [];
        const moved = new Map<string, MovedProfile>();
        for (const { records, raw } of batches) {
          const stored = await insertPredictions(trx, name, records, now, {
            ...(raw ? { raw } : {}),
            ...(this.store.sqlite ? { sqlite: this.store.sqlite } : {}),
          });
          inserted.push(stored.inserted);
          await this.addToProfiles(trx, model, records, stored.skipped, moved);
        }
        const folded = await this.foldLateProfiles(trx, model, moved);
        // Each window the group moved, encoded once.
        await writeProfiles(
          trx,
          [...moved.values()].map(({ start, shard, profile }) => ({
            model: name,
            window_start: start,
            shard,
            count: profile.count,
            profile: JSON.stringify(profile),
            updated_at: now,
          })),
        );
        if (folded.length > 0)
          await trx
            .deleteFrom('profiles')
            .where('model', '=', name)
            .where('shard', '=', lateShard(this.shard))
            .where('window_start', 'in', folded)
            .execute();
        return inserted;
      });
    } catch (error) {
      // Some cached profiles may hold rows that were not stored.
      this.dropProfiles(name);
      throw error;
    }
  }

  private profileKey(model: LoadedModel, start: number, late: boolean): string {
    return `${model.spec.name}\u0000${model.createdAt}\u0000${start}${late ? '\u0000late' : ''}`;
  }

  /**
   * Adds the rows not skipped to this process's profiles of their windows and records them in `moved` (the profiles
   * the group moved so far: those stand for the windows even if the cache let them go, as their rows are not
   * written yet); others come from the cache, or are read from `db`. Rows of windows older than the newest this
   * process wrote go to the window's side profile of late rows.
   */
  private async addToProfiles(
    db: StoreConnection['db'],
    model: LoadedModel,
    records: readonly PredictionRecord[],
    skipped: ReadonlySet<number>,
    moved: Map<string, MovedProfile>,
  ): Promise<void> {
    const byStart = new Map<number, PredictionRecord[]>();
    for (let i = 0; i < records.length; i++) {
      if (skipped.has(i)) continue;
      const r = records[i] as PredictionRecord;
      const start = windowStart(r.time, model.spec.window);
      const rows = byStart.get(start);
      if (rows) rows.push(r);
      else byStart.set(start, [r]);
    }
    const newestKey = `${model.spec.name}\u0000${model.createdAt}`;
    const newest = Math.max(this.newest.get(newestKey) ?? Number.NEGATIVE_INFINITY, ...byStart.keys());
    this.newest.set(newestKey, newest);
    const targets = [...byStart.keys()].map((start) => {
      const late = start < newest;
      return { start, late, key: this.profileKey(model, start, late) };
    });
    const loaded = await this.profilesOf(db, model, targets, moved);
    const vocabulary = this.vocabularies?.lookup(model);
    for (const { start, late, key } of targets) {
      const profile = loaded.get(key) as WindowProfile;
      for (const r of byStart.get(start) as PredictionRecord[]) profile.add(r, vocabulary?.(r));
      moved.set(key, { start, shard: late ? lateShard(this.shard) : this.shard, profile, late });
    }
  }

  /**
   * Folds the side profiles the group moved that grew large enough into their windows' own (moved in their
   * place); returns the windows whose side profile is to be deleted.
   */
  private async foldLateProfiles(
    db: StoreConnection['db'],
    model: LoadedModel,
    moved: Map<string, MovedProfile>,
  ): Promise<number[]> {
    const late = [...moved.values()].filter((m) => m.late);
    if (late.length === 0) return [];
    const own = late.map(({ start }) => ({ start, late: false, key: this.profileKey(model, start, false) }));
    const owners = await this.profilesOf(db, model, own, moved);
    const folded: number[] = [];
    for (const side of late) {
      const key = this.profileKey(model, side.start, false);
      const main = owners.get(key) as WindowProfile;
      if (!foldsLate(side.profile.count, main.count)) continue;
      main.merge(side.profile);
      const lateKey = this.profileKey(model, side.start, true);
      moved.delete(lateKey);
      this.profiles.delete(lateKey);
      moved.set(key, { start: side.start, shard: this.shard, profile: main, late: false });
      folded.push(side.start);
    }
    return folded;
  }

  /** The profiles of `targets` as they stand: moved by this group, cached, or read (new where there is none). */
  private async profilesOf(
    db: StoreConnection['db'],
    model: LoadedModel,
    targets: ReadonlyArray<{ start: number; late: boolean; key: string }>,
    moved: ReadonlyMap<string, MovedProfile>,
  ): Promise<Map<string, WindowProfile>> {
    const out = new Map<string, WindowProfile>();
    const toRead: Array<{ start: number; late: boolean; key: string }> = [];
    for (const t of targets) {
      const held = moved.get(t.key)?.profile ?? this.profiles.get(t.key);
      if (held) out.set(t.key, held);
      else toRead.push(t);
    }
    for (const late of [false, true]) {
      const starts = toRead.filter((t) => t.late === late).map((t) => t.start);
      if (starts.length === 0) continue;
      const read = await this.loadOwnProfiles(db, model, late ? lateShard(this.shard) : this.shard, starts);
      for (const [start, profile] of read) out.set(this.profileKey(model, start, late), profile);
    }
    for (const [key, profile] of out) {
      this.profiles.delete(key);
      this.profiles.set(key, profile);
    }
    while (this.profiles.size > PROFILE_CACHE_SIZE)
      this.profiles.delete(this.profiles.keys().next().value as string);
    return out;
  }

  private dropProfiles(model: string): void {
    const prefix = `${model}\u0000`;
    for (const key of [...this.profiles.keys()]) if (key.startsWith(prefix)) this.profiles.delete(key);
  }

  /** This process's profiles (`shard`) of the windows `starts` (new ones for windows it has none of), in one query. */
  private async loadOwnProfiles(
    db: StoreConnection['db'],
    model: LoadedModel,
    shard: string,
    starts: readonly number[],
  ): Promise<Map<number, WindowProfile>> {
    const profiles = new Map(starts.map((start) => [start, new WindowProfile(model.spec)]));
    for (let i = 0; i < starts.length; i += 500) {
      const rows = await db
        .selectFrom('profiles')
        .select(['window_start', 'profile'])
        .where('model', '=', model.spec.name)
        .where('shard', '=', shard)
        .where('window_start', 'in', starts.slice(i, i + 500))
        .execute();
      for (const row of rows)
        profiles.set(
          Number(row.window_start),
          WindowProfile.fromJSON(model.spec, JSON.parse(row.profile) as WindowProfileJSON),
        );
    }
    return profiles;
  }

  // One batch at a time per model in this process is profiled and written here.
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

/** A batch's rows profiled by window, as text: what the writer thread merges into the windows' profiles. */
function batchProfiles(
  model: LoadedModel,
  records: readonly PredictionRecord[],
  vocabulary?: (record: PredictionRecord) => VocabularySets | undefined,
): Array<[number, string]> {
  const byWindow = new Map<number, WindowProfile>();
  for (const r of records) {
    const start = windowStart(r.time, model.spec.window);
    let profile = byWindow.get(start);
    if (!profile) {
      profile = new WindowProfile(model.spec);
      byWindow.set(start, profile);
    }
    profile.add(r, vocabulary?.(r));
  }
  return [...byWindow].map(([start, profile]) => [start, JSON.stringify(profile)]);
}
