import type { Kysely } from 'kysely';
import { foldedIn, labelStateRows, readLabelDeltas } from '../store/label-states.js';
import type { Database } from '../store/schema.js';
import { WindowLabels, type WindowLabelsJSON } from '../window-state/window-labels.js';

/** One shard's state of a window as this process holds it: the state row (folded through `baseN`) plus deltas. */
interface ShardState {
  epoch: string;
  baseN: number;
  state: WindowLabels;
}

/** A base window: its shards' states and, with more than one shard, their sum kept alongside. */
interface Window {
  shards: Map<string, ShardState>;
  merged?: WindowLabels;
  /** Moves with every change, so derived values (metrics) know when to be recomputed. */
  version: number;
}

const MAX_WINDOWS = 2048;

/** Rounds of re-reading a state that a concurrent fold moved past what a read fetched. */
const MAX_ATTEMPTS = 4;

/**
 * The label states of a model's base windows as this process reads them: every shard's state row, plus the shard's
 * deltas numbered after it. A read fetches only what moved since the last: each shard's new deltas (a few rows),
 * and the state rows of windows it did not hold or that were rebuilt. The process's own writes are applied as they
 * commit, so a lone server (SQLite) fetches no deltas at all.
 *
 * Invariant: every state held of shard S has every delta of S numbered up to `pulled[S]` in it (either folded in its
 * row or applied here); deltas are applied to a state only above its row's `baseN`, so none counts twice.
 */
export class LabelStateCache {
  private readonly windows = new Map<number, Window>();
  private readonly pulled = new Map<string, number>();
  /** Versions count up across windows, so a window dropped and read again never repeats one. */
  private versions = 0;
  /** Windows let go so far: a read that relies on an earlier refresh checks that none went since. */
  evictions = 0;

  constructor(private readonly model: string) {}

  /** The merged state of a base window and its version, after a `refresh` that covered it. */
  window(start: number): { state: WindowLabels; version: number } | undefined {
    const w = this.windows.get(start);
    if (!w || w.shards.size === 0) return undefined;
    const state = w.merged ?? (w.shards.values().next().value as ShardState).state;
    return { state, version: w.version };
  }

  /** Brings the states of the base windows starting in [from, to) up to what the store holds. */
  async refresh(db: Kysely<Database>, from: number, to: number): Promise<void> {
    for (const [shard, after] of [...this.pulled]) {
      const deltas = await readLabelDeltas(db, this.model, shard, after, undefined, (start) =>
        this.windows.has(start),
      );
      // A gap: deltas were folded into rows this process has not read; read the shard's states again.
      if (deltas.length > 0 && (deltas[0] as { n: number }).n !== after + 1) {
        this.dropShard(shard);
        continue;
      }
      for (const d of deltas) this.apply(shard, d.n, d.windows);
      if (deltas.length > 0) this.pulled.set(shard, (deltas.at(-1) as { n: number }).n);
    }
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await this.catchUp(db, from, to)) return;
      }
    } finally {
      this.trim(from, to);
    }
    throw new Error(`the label states of model ${this.model} kept moving while being read; try again`);
  }

  /** Reads the state rows in range that are missing, rebuilt, or folded past what was pulled. False: read again. */
  private async catchUp(db: Kysely<Database>, from: number, to: number): Promise<boolean> {
    const heads = await labelStateRows(db, this.model, from, to).execute();
    const present = new Map<number, Set<string>>();
    const stale = new Map<number, Set<string>>();
    for (const h of heads) {
      const start = Number(h.window_start);
      let shards = present.get(start);
      if (!shards) {
        shards = new Set();
        present.set(start, shards);
      }
      shards.add(h.shard);
      const held = this.windows.get(start)?.shards.get(h.shard);
      if (!held || held.epoch !== h.epoch || (this.pulled.get(h.shard) ?? -1) < foldedIn(h)) {
        let s = stale.get(start);
        if (!s) {
          s = new Set();
          stale.set(start, s);
        }
        s.add(h.shard);
      }
    }
    // Shards whose rows are gone (a rebuild, a deleted model) no longer count.
    for (const [start, w] of this.windows) {
      if (start < from || start >= to) continue;
      for (const shard of [...w.shards.keys()])
        if (!present.get(start)?.has(shard)) this.setShard(start, shard);
    }
    if (stale.size === 0) return true;
    const fresh = new Map<string, Map<number, ShardState>>();
    const starts = [...stale.keys()];
    for (let i = 0; i < starts.length; i += 500) {
      const rows = await labelStateRows(db, this.model, from, to)
        .select('w.state')
        .where('w.window_start', 'in', starts.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const start = Number(row.window_start);
        if (!stale.get(start)?.has(row.shard)) continue;
        const entry: ShardState = {
          epoch: row.epoch,
          baseN: foldedIn(row),
          state: WindowLabels.fromJSON(JSON.parse(row.state) as WindowLabelsJSON),
        };
        this.setShard(start, row.shard, entry);
        let byStart = fresh.get(row.shard);
        if (!byStart) {
          byStart = new Map();
          fresh.set(row.shard, byStart);
        }
        byStart.set(start, entry);
      }
    }
    let consistent = true;
    for (const [shard, entries] of fresh) {
      const pulled = this.pulled.get(shard);
      const after = Math.min(...[...entries.values()].map((e) => e.baseN));
      if (pulled !== undefined && after >= pulled) continue;
      const deltas = await readLabelDeltas(db, this.model, shard, after, pulled, (start) =>
        entries.has(start),
      );
      if (deltas.length > 0 ? (deltas[0] as { n: number }).n !== after + 1 : pulled !== undefined) {
        // Folded away between reading the rows and the deltas: read those rows again.
        for (const start of entries.keys()) this.setShard(start, shard);
        consistent = false;
        continue;
      }
      for (const d of deltas)
        for (const [start, change] of d.windows) {
          const e = entries.get(start);
          if (e && d.n > e.baseN) this.change(start, e, change);
        }
      if (pulled === undefined)
        this.pulled.set(shard, Math.max(...[...entries.values()].map((e) => e.baseN), deltas.at(-1)?.n ?? 0));
    }
    return consistent;
  }

  /**
   * A delta this process's shard just committed: applied now when the states held are at the delta before it (else
   * the next read pulls it).
   */
  applyOwn(shard: string, n: number, windows: ReadonlyMap<number, WindowLabels>): void {
    if (this.pulled.get(shard) !== n - 1) return;
    this.apply(shard, n, windows);
    this.pulled.set(shard, n);
  }

  /** The state held of a window's shard when it has every delta up to `n` in it and comes from row `epoch`. */
  current(start: number, shard: string, epoch: string, n: number): WindowLabels | undefined {
    const e = this.windows.get(start)?.shards.get(shard);
    if (!e || e.epoch !== epoch || (this.pulled.get(shard) ?? -1) < n) return undefined;
    return e.state;
  }

  private apply(shard: string, n: number, windows: ReadonlyMap<number, WindowLabels>): void {
    for (const [start, change] of windows) {
      const e = this.windows.get(start)?.shards.get(shard);
      if (e && n > e.baseN) this.change(start, e, change);
    }
  }

  private change(start: number, e: ShardState, change: WindowLabels): void {
    const w = this.windows.get(start) as Window;
    e.state.merge(change);
    w.merged?.merge(change);
    w.version = ++this.versions;
  }

  /** Sets (or with no entry, removes) a shard's state of a window, keeping the merged state the sum of the shards. */
  private setShard(start: number, shard: string, entry?: ShardState): void {
    let w = this.windows.get(start);
    if (!w) {
      if (!entry) return;
      w = { shards: new Map(), version: 0 };
    }
    this.windows.delete(start);
    this.windows.set(start, w);
    const old = w.shards.get(shard);
    if (entry) w.shards.set(shard, entry);
    else w.shards.delete(shard);
    if (w.shards.size <= 1) delete w.merged;
    else if (w.merged) {
      if (old) w.merged.merge(old.state, -1);
      if (entry) w.merged.merge(entry.state);
    } else {
      w.merged = new WindowLabels();
      for (const s of w.shards.values()) w.merged.merge(s.state);
    }
    w.version = ++this.versions;
  }

  /**
   * Lets the least recently moved windows go, down to MAX_WINDOWS, but none in [keepFrom, keepTo): a read of more
   * windows than that keeps them all until it has merged them.
   */
  private trim(keepFrom: number, keepTo: number): void {
    if (this.windows.size <= MAX_WINDOWS) return;
    for (const start of this.windows.keys()) {
      if (this.windows.size <= MAX_WINDOWS) break;
      if (start >= keepFrom && start < keepTo) continue;
      this.windows.delete(start);
      this.evictions++;
    }
  }

  private dropShard(shard: string): void {
    for (const start of [...this.windows.keys()]) this.setShard(start, shard);
    this.pulled.delete(shard);
  }
}
