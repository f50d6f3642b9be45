import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { LabelStateCache } from './label-state-cache.js';
import type { ModelSpec } from './model-spec.js';
import { WindowLabels } from './window-labels.js';
import type { WindowMetrics } from './window-metrics.js';
import { WindowProfile, type WindowProfileJSON } from './window-profile.js';
import { windowStart } from './window-start.js';

/** A window as reads show it: every process's shards merged. Shared by later reads: do not change it. */
export interface MergedWindow {
  count: number;
  profile: WindowProfile;
  labelled: number;
  metrics: WindowMetrics;
}

interface Shard<T> {
  signature: string;
  value: T;
}

/** A window's metrics with the label versions they were computed from. */
interface Metrics {
  signature: string;
  labelled: number;
  metrics: WindowMetrics;
  /** Distinct labelled entries the metrics were computed over (what a recomputation costs). */
  entries: number;
  computedAt: number;
}

const MAX_ENTRIES = 4096;
/**
 * Windows holding more distinct labelled predictions than this have their metrics recomputed at most once every
 * `maxMetricsAgeMs` of a read that allows it (the API's), instead of on every read after a label landed.
 */
export const LARGE_WINDOW_ENTRIES = 10_000;

export interface WindowReadOptions {
  /** Metrics of a large window may be this old (ms); checks read with 0 (always current). */
  maxMetricsAgeMs?: number;
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
  private readonly merged = new Map<string, Shard<{ count: number; profile: WindowProfile }>>();
  private readonly metrics = new Map<string, Metrics>();

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
    const name = this.spec.name;
    const profileRows = await db
      .selectFrom('profiles')
      .select(['window_start', 'shard', 'count', 'updated_at'])
      .where('model', '=', name)
      .where('window_start', '>=', from)
      .where('window_start', '<', to)
      .execute();
    if (metrics) await this.labels.refresh(db, from, to);
    const groups = new Map<number, { profiles: Array<[string, string]>; bases: Set<number> }>();
    for (const r of profileRows) {
      const base = Number(r.window_start);
      const start = windowStart(base, size);
      let g = groups.get(start);
      if (!g) {
        g = { profiles: [], bases: new Set() };
        groups.set(start, g);
      }
      g.profiles.push([`${base}\u0000${r.shard}`, `${r.count}:${r.updated_at}`]);
      g.bases.add(base);
    }

    // Profile shards to fetch: those whose parsed copy is missing or older than the row.
    const wantProfiles = new Set<number>();
    const profileSignature = (g: { profiles: Array<[string, string]> }) => JSON.stringify(g.profiles.sort());
    for (const [start, g] of groups) {
      if (this.merged.get(`${start}\u0000${size}`)?.signature === profileSignature(g)) continue;
      for (const [key, signature] of g.profiles)
        if (this.profiles.get(key)?.signature !== signature) wantProfiles.add(Number(key.split('\u0000')[0]));
    }
    await this.fetchProfiles(
      db,
      [...wantProfiles],
      new Map(profileRows.map((r) => [`${r.window_start}\u0000${r.shard}`, `${r.count}:${r.updated_at}`])),
    );

    const out: Array<{ start: number } & MergedWindow> = [];
    const now = Date.now();
    for (const start of [...groups.keys()].sort((a, b) => a - b)) {
      const g = groups.get(start) as { profiles: Array<[string, string]>; bases: Set<number> };
      const key = `${start}\u0000${size}`;
      const signature = profileSignature(g);
      let window = this.merged.get(key);
      if (window?.signature !== signature) {
        // One shard (one writer process, the model's own window size): it is the window, no merge needed.
        const profiles = g.profiles.map(([k]) => (this.profiles.get(k) as Shard<WindowProfile>).value);
        const profile =
          profiles.length === 1
            ? (profiles[0] as WindowProfile)
            : profiles.reduce((into, p) => into.merge(p), new WindowProfile(this.spec));
        window = { signature, value: { count: profile.count, profile } };
        remember(this.merged, key, window);
      }
      const labels = metrics ? this.metricsOf(key, g.bases, now, options.maxMetricsAgeMs ?? 0) : undefined;
      out.push({
        start,
        ...window.value,
        labelled: labels?.labelled ?? 0,
        metrics: labels?.metrics ?? {},
      });
    }
    return out;
  }

  /** A window's metrics from its base windows' label states: kept while they have not moved (or may be old). */
  private metricsOf(key: string, bases: ReadonlySet<number>, now: number, maxAgeMs: number): Metrics {
    const states = [...bases]
      .sort((a, b) => a - b)
      .map((b) => this.labels.window(b))
      .filter((w) => w !== undefined);
    const signature = states.map((w) => w.version).join(',');
    const kept = this.metrics.get(key);
    if (
      kept &&
      (kept.signature === signature ||
        (kept.entries > LARGE_WINDOW_ENTRIES && now - kept.computedAt < maxAgeMs))
    )
      return kept;
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

  private async fetchProfiles(db: Kysely<Database>, starts: number[], signatures: Map<string, string>) {
    for (let i = 0; i < starts.length; i += 500) {
      const rows = await db
        .selectFrom('profiles')
        .selectAll()
        .where('model', '=', this.spec.name)
        .where('window_start', 'in', starts.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        const key = `${row.window_start}\u0000${row.shard}`;
        const signature = signatures.get(key);
        if (signature !== undefined)
          remember(this.profiles, key, {
            signature,
            value: WindowProfile.fromJSON(this.spec, JSON.parse(row.profile) as WindowProfileJSON),
          });
      }
    }
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
