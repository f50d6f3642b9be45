import type { Kysely } from 'kysely';
import type { ModelSpec } from '../spec/model-spec.js';
import { windowStart } from '../spec/window-start.js';
import type { Database, ProfilesTable } from '../store/schema.js';
import { WindowLabels } from '../window-state/window-labels.js';
import type { WindowMetrics } from '../window-state/window-metrics.js';
import { WindowProfile, type WindowProfileJSON } from '../window-state/window-profile.js';
import { LabelStateCache } from './label-state-cache.js';

/** A window as reads show it: every process's shards merged. Shared by later reads: do not change it. */
export interface MergedWindow {
  count: number;
  /** Left out by reads that ask for none. */
  profile?: WindowProfile;
  labelled: number;
  metrics: WindowMetrics;
}

export const LARGE_WINDOW_ENTRIES = 10_000;
export const LARGE_WINDOW_ROWS = 10_000;

interface Shard<T> {
  signature: string;
  value: T;
  /** When it was parsed or built (wall time: a cache's age). */
  at: number;
}

/** A window's profile shards (key, signature), its base windows, and its prediction count from the rows. */
interface Group {
  profiles: Array<[string, string]>;
  bases: Set<number>;
  count: number;
}

/** A profile row without its profile: what tells whether the parsed copy is current. */
type ProfileHead = Pick<ProfilesTable, 'window_start' | 'shard' | 'count' | 'updated_at'>;

/**
 * What a merged window was built from: its shards' keys and signatures in key order. Reads call it for every window
 * they return, so it is a plain join (keys and signatures hold no \u0001 or \u0002), not JSON.
 */
function profileSignature(g: Group): string {
  if (g.profiles.length === 1) {
    const [key, signature] = g.profiles[0] as [string, string];
    return `${key}\u0001${signature}`;
  }
  g.profiles.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return g.profiles.map(([key, signature]) => `${key}\u0001${signature}`).join('\u0002');
}

/** A window's metrics with the label versions they were computed from. */
interface Metrics {
  signature: string;
  labelled: number;
  metrics: WindowMetrics;
  /** Distinct labelled entries they were computed over (what computing them again costs). */
  entries: number;
  computedAt: number;
}

/** A base window's merged label state as the read took it. */
type LabelState = NonNullable<ReturnType<LabelStateCache['window']>>;

const MAX_ENTRIES = 4096;
export interface WindowReadOptions {
  /**
   * A window's profile and metrics may be this old (ms) instead of being parsed and recomputed again after every
   * batch or label that moved them: on a busy model labels land in dozens of windows a second, and recomputing them
   * for every dashboard poll was most of what a busy server did. Default 0 (what is stored); checks read with 0.
   */
  maxAgeMs?: number;
  /**
   * The same for a large window (more than LARGE_WINDOW_ENTRIES distinct labelled predictions, or LARGE_WINDOW_ROWS
   * rows for its profile), whatever the load: recomputing one costs tens of milliseconds. Default 0.
   */
  largeMaxAgeMs?: number;
  /** False: no profiles (counts come from the profile rows); metrics reads need none. */
  profiles?: boolean;
  /**
   * Now, on the clock the store's rows are timed by (default: the wall clock). Ages are measured on it, so a
   * replay on a simulated clock, whose time jumps ahead at every step, never reads a window older than allowed.
   */
  now?: number;
}

/**
 * What a process keeps parsed for reads, per model spec: every shard of a base window's profile, the windows' label
 * states (see LabelStateCache) and every merged window, each with the signature of what it was built from. A
 * profile shard's row changes its signature with every write (its count and time), a label state its version, so a
 * read fetches and parses only what moved since it last looked; a dashboard polling the same days parses next to
 * nothing.
 */
export class WindowReadCache {
  private static readonly bySpec = new WeakMap<ModelSpec, WindowReadCache>();
  /** The label states of the model's windows, as this process has read and written them. */
  readonly labels: LabelStateCache;
  private readonly profiles = new Map<string, Shard<WindowProfile>>();
  private readonly merged = new Map<string, Shard<WindowProfile>>();
  private readonly metrics = new Map<string, Metrics>();
  /** The last heads read under load, and the range it covered (see profileHeads). */
  private heads?: { from: number; to: number; at: number; rows: readonly ProfileHead[] };
  private labelsRead?: { from: number; to: number; at: number; evictions: number };

  private constructor(private readonly spec: ModelSpec) {
    this.labels = new LabelStateCache(spec.name);
  }

  static of(spec: ModelSpec): WindowReadCache {
    let cache = WindowReadCache.bySpec.get(spec);
    if (!cache) {
      cache = new WindowReadCache(spec);
      WindowReadCache.bySpec.set(spec, cache);
    }
    return cache;
  }

  /** The windows of `size` starting in [from, to) that hold predictions, merged, oldest first. */
  async windows(
    db: Kysely<Database>,
    from: number,
    to: number,
    size: number,
    metrics: boolean,
    options: WindowReadOptions = {},
  ): Promise<Array<{ start: number } & MergedWindow>> {
    const maxAgeMs = options.maxAgeMs ?? 0;
    const largeMaxAgeMs = Math.max(maxAgeMs, options.largeMaxAgeMs ?? 0);
    const withProfiles = options.profiles !== false;
    const now = options.now ?? Date.now();
    const profileRows = await this.profileHeads(db, from, to, now, maxAgeMs);
    if (metrics) await this.refreshLabels(db, from, to, now, maxAgeMs);
    const groups = new Map<number, Group>();
    const labelStates = new Map<number, LabelState | undefined>();
    for (const r of profileRows) {
      const base = Number(r.window_start);
      const start = windowStart(base, size);
      let g = groups.get(start);
      if (!g) {
        g = { profiles: [], bases: new Set(), count: 0 };
        groups.set(start, g);
      }
      const key = `${base}\u0000${r.shard}`;
      let signature = `${r.count}:${r.updated_at}`;
      // A profile parsed a moment ago stands for the row while it may be that old.
      const held = this.profiles.get(key);
      const age = Number(r.count) >= LARGE_WINDOW_ROWS ? largeMaxAgeMs : maxAgeMs;
      if (held && now - held.at < age) signature = held.signature;
      g.profiles.push([key, signature]);
      g.bases.add(base);
      // Taken now, before this read waits again: another read's refresh may let the cache's copy go meanwhile.
      if (metrics && !labelStates.has(base)) labelStates.set(base, this.labels.window(base));
      g.count += Number(r.count);
    }

    // Each window's signature, computed once per read; what this read merges from, held here (a long read may
    // push its earliest entries out of the caches before it merges them).
    const signatures = new Map<number, string>();
    const mergedHeld = new Map<number, Shard<WindowProfile>>();
    const shardsHeld = new Map<string, Shard<WindowProfile>>();
    if (withProfiles) {
      // Profile shards to fetch: those whose parsed copy is missing or older than the row.
      const want = new Set<number>();
      for (const [start, g] of groups) {
        const merged = profileSignature(g);
        signatures.set(start, merged);
        const held = this.merged.get(`${start}\u0000${size}`);
        if (held?.signature === merged) {
          mergedHeld.set(start, held);
          continue;
        }
        for (const [key, signature] of g.profiles) {
          const shard = this.profiles.get(key);
          if (shard?.signature === signature) shardsHeld.set(key, shard);
          else want.add(Number(key.split('\u0000')[0]));
        }
      }
      // The fetch reads every shard row of those base windows as they stand, which is what they merge from: a
      // shard the heads listed may be gone by now (a window's side profile of late rows is deleted once folded into
      // the main one, and heads may be a second old), and the main one then holds its rows.
      const fetched = await this.fetchProfiles(db, [...want], now);
      for (const [start, g] of groups) {
        if (mergedHeld.has(start) || ![...g.bases].some((b) => want.has(b))) continue;
        g.profiles = g.profiles.filter(([key]) => !want.has(Number(key.split('\u0000')[0])));
        for (const base of g.bases)
          for (const [key, shard] of fetched.get(base) ?? []) {
            g.profiles.push([key, shard.signature]);
            shardsHeld.set(key, shard);
          }
        signatures.set(start, profileSignature(g));
      }
    }

    const out: Array<{ start: number } & MergedWindow> = [];
    for (const start of [...groups.keys()].sort((a, b) => a - b)) {
      const g = groups.get(start) as Group;
      const key = `${start}\u0000${size}`;
      let profile: WindowProfile | undefined;
      if (withProfiles) {
        const signature = signatures.get(start) as string;
        let window = mergedHeld.get(start);
        if (!window && g.profiles.length === 0) continue;
        if (!window) {
          // One shard (one writer process, the model's own window size): it is the window, no merge needed.
          const profiles = g.profiles.map(([k]) => (shardsHeld.get(k) as Shard<WindowProfile>).value);
          const merged =
            profiles.length === 1
              ? (profiles[0] as WindowProfile)
              : profiles.reduce((into, p) => into.merge(p), new WindowProfile(this.spec));
          window = { signature, value: merged, at: now };
          remember(this.merged, key, window);
        }
        profile = window.value;
      }
      const labels = metrics
        ? this.metricsOf(key, g.bases, labelStates, now, maxAgeMs, largeMaxAgeMs)
        : undefined;
      out.push({
        start,
        count: profile?.count ?? g.count,
        ...(profile ? { profile } : {}),
        labelled: labels?.labelled ?? 0,
        metrics: labels?.metrics ?? {},
      });
    }
    return out;
  }

  /**
   * The profile rows' heads (count, time) of base windows starting in [from, to). While reads may be `maxAgeMs` old,
   * one query serves every read within the range it covered for that long: a busy dashboard's polls all ask for
   * the last hours up to now, and the heads query was a quarter of a busy server's time.
   */
  private async profileHeads(
    db: Kysely<Database>,
    from: number,
    to: number,
    now: number,
    maxAgeMs: number,
  ): Promise<readonly ProfileHead[]> {
    const inRange = (r: ProfileHead) => Number(r.window_start) >= from && Number(r.window_start) < to;
    if (this.heads && covers(this.heads, from, to, now, maxAgeMs)) return this.heads.rows.filter(inRange);
    const until = reach(to, now, maxAgeMs);
    const rows = await db
      .selectFrom('profiles')
      .select(['window_start', 'shard', 'count', 'updated_at'])
      .where('model', '=', this.spec.name)
      .where('window_start', '>=', from)
      .where('window_start', '<', until)
      .execute();
    if (maxAgeMs > 0) this.heads = { from, to: until, at: now, rows };
    return until === to ? rows : rows.filter(inRange);
  }

  /** The label states of [from, to) brought up to the store, or left as a refresh that covered them `maxAgeMs` ago. */
  private async refreshLabels(
    db: Kysely<Database>,
    from: number,
    to: number,
    now: number,
    maxAgeMs: number,
  ): Promise<void> {
    if (
      this.labelsRead &&
      this.labelsRead.evictions === this.labels.evictions &&
      covers(this.labelsRead, from, to, now, maxAgeMs)
    )
      return;
    const until = reach(to, now, maxAgeMs);
    await this.labels.refresh(db, from, until);
    this.labelsRead = { from, to: until, at: now, evictions: this.labels.evictions };
  }

  /** A window's metrics from its base windows' label states: kept while they have not moved (or may be old). */
  private metricsOf(
    key: string,
    bases: ReadonlySet<number>,
    labelStates: ReadonlyMap<number, LabelState | undefined>,
    now: number,
    maxAgeMs: number,
    largeMaxAgeMs: number,
  ): Metrics {
    const states = [...bases]
      .sort((a, b) => a - b)
      .map((b) => labelStates.get(b))
      .filter((w) => w !== undefined);
    const signature = states.map((w) => w.version).join(',');
    const kept = this.metrics.get(key);
    const age = kept && kept.entries >= LARGE_WINDOW_ENTRIES ? largeMaxAgeMs : maxAgeMs;
    if (kept && (kept.signature === signature || now - kept.computedAt < age)) return kept;
    const labels =
      states.length === 1
        ? (states[0] as { state: WindowLabels }).state
        : states.reduce((into, w) => into.merge(w.state), new WindowLabels());
    const computed: Metrics = {
      signature,
      labelled: labels.labelled,
      metrics: labels.empty ? {} : labels.metrics(this.spec),
      entries: labels.size,
      computedAt: now,
    };
    remember(this.metrics, key, computed);
    return computed;
  }

  /** Reads and parses every shard row of the base windows `starts`, by base window and shard key. */
  private async fetchProfiles(
    db: Kysely<Database>,
    starts: readonly number[],
    now: number,
  ): Promise<Map<number, Map<string, Shard<WindowProfile>>>> {
    const fetched = new Map<number, Map<string, Shard<WindowProfile>>>();
    for (let i = 0; i < starts.length; i += 500) {
      const rows = await db
        .selectFrom('profiles')
        .selectAll()
        .where('model', '=', this.spec.name)
        .where('window_start', 'in', starts.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const base = Number(row.window_start);
        const key = `${base}\u0000${row.shard}`;
        const signature = `${row.count}:${row.updated_at}`;
        const held = this.profiles.get(key);
        const shard =
          held?.signature === signature
            ? held
            : {
                signature,
                value: WindowProfile.fromJSON(this.spec, JSON.parse(row.profile) as WindowProfileJSON),
                at: now,
              };
        let byKey = fetched.get(base);
        if (!byKey) {
          byKey = new Map();
          fetched.set(base, byKey);
        }
        byKey.set(key, shard);
        remember(this.profiles, key, shard);
      }
    }
    return fetched;
  }
}

/** A read of [from, to) made at `at` still stands for [from, to) at `now`, reads being allowed `maxAgeMs` of age. */
function covers(
  read: { from: number; to: number; at: number },
  from: number,
  to: number,
  now: number,
  maxAgeMs: number,
): boolean {
  return now - read.at < maxAgeMs && from >= read.from && to <= read.to;
}

// Under load a read reaches past now, so that the next polls (whose `to` is their own now) fall in its range.
const reach = (to: number, now: number, maxAgeMs: number) =>
  maxAgeMs > 0 ? Math.max(to, now + maxAgeMs) : to;

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
