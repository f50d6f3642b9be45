import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ModelSpec } from './model-spec.js';
import { WindowLabels, type WindowLabelsJSON } from './window-labels.js';
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

const MAX_ENTRIES = 4096;

/**
 * What a process keeps parsed for reads, per model spec: every shard of a base window (its profile, its label
 * state) and every merged window, each with the signature of the rows it was built from. A shard's row changes its
 * signature with every write (a profile's count and time, a label state's revision), so a read fetches and parses
 * only the shards that moved since it last looked; a dashboard polling the same days parses next to nothing.
 */
export class WindowReadCache {
  private static readonly bySpec = new WeakMap<ModelSpec, WindowReadCache>();
  private readonly profiles = new Map<string, Shard<WindowProfile>>();
  private readonly labels = new Map<string, Shard<WindowLabels>>();
  private readonly merged = new Map<string, Shard<MergedWindow>>();

  private constructor(private readonly spec: ModelSpec) {}

  static of(spec: ModelSpec): WindowReadCache {
    let cache = WindowReadCache.bySpec.get(spec);
    if (!cache) {
      cache = new WindowReadCache(spec);
      WindowReadCache.bySpec.set(spec, cache);
    }
    return cache;
  }

  /**
   * A label state this process just wrote, with its row's new revision: a read then needs no parse. A write that
   * fails to commit leaves the row at its older revision, which does not match, so the copy is never used.
   */
  rememberLabels(start: number, shard: string, revision: number, state: WindowLabels): void {
    remember(this.labels, `${start}\u0000${shard}`, { signature: String(revision), value: state.clone() });
  }

  /** The windows of `size` starting in [from, to) that hold predictions, merged, oldest first. */
  async windows(
    db: Kysely<Database>,
    from: number,
    to: number,
    size: number,
    metrics: boolean,
  ): Promise<Array<{ start: number } & MergedWindow>> {
    const name = this.spec.name;
    const profileRows = await db
      .selectFrom('profiles')
      .select(['window_start', 'shard', 'count', 'updated_at'])
      .where('model', '=', name)
      .where('window_start', '>=', from)
      .where('window_start', '<', to)
      .execute();
    const labelRows = metrics
      ? await db
          .selectFrom('window_labels')
          .select(['window_start', 'shard', 'revision'])
          .where('model', '=', name)
          .where('window_start', '>=', from)
          .where('window_start', '<', to)
          .execute()
      : [];
    const groups = new Map<number, { profiles: Array<[string, string]>; labels: Array<[string, string]> }>();
    const group = (base: number) => {
      const start = windowStart(base, size);
      let g = groups.get(start);
      if (!g) {
        g = { profiles: [], labels: [] };
        groups.set(start, g);
      }
      return g;
    };
    for (const r of profileRows)
      group(Number(r.window_start)).profiles.push([
        `${r.window_start}\u0000${r.shard}`,
        `${r.count}:${r.updated_at}`,
      ]);
    for (const r of labelRows)
      group(Number(r.window_start)).labels.push([`${r.window_start}\u0000${r.shard}`, String(r.revision)]);

    // Shards to fetch: those whose parsed copy is missing or older than the row.
    const stale = (cache: Map<string, Shard<unknown>>, [key, signature]: [string, string]) =>
      cache.get(key)?.signature !== signature;
    const wantProfiles = new Set<number>();
    const wantLabels = new Set<number>();
    const out: Array<{ start: number } & MergedWindow> = [];
    const signatureOf = (g: { profiles: Array<[string, string]>; labels: Array<[string, string]> }) =>
      JSON.stringify([g.profiles.sort(), g.labels.sort(), metrics]);
    for (const [start, g] of groups) {
      if (g.profiles.length === 0) continue;
      if (this.merged.get(`${start}\u0000${size}`)?.signature === signatureOf(g)) continue;
      for (const p of g.profiles)
        if (stale(this.profiles, p)) wantProfiles.add(Number(p[0].split('\u0000')[0]));
      for (const l of g.labels) if (stale(this.labels, l)) wantLabels.add(Number(l[0].split('\u0000')[0]));
    }
    await this.fetchProfiles(
      db,
      [...wantProfiles],
      new Map(profileRows.map((r) => [`${r.window_start}\u0000${r.shard}`, `${r.count}:${r.updated_at}`])),
    );
    await this.fetchLabels(
      db,
      [...wantLabels],
      new Map(labelRows.map((r) => [`${r.window_start}\u0000${r.shard}`, String(r.revision)])),
    );

    for (const start of [...groups.keys()].sort((a, b) => a - b)) {
      const g = groups.get(start) as { profiles: Array<[string, string]>; labels: Array<[string, string]> };
      if (g.profiles.length === 0) continue;
      const key = `${start}\u0000${size}`;
      const signature = signatureOf(g);
      let window = this.merged.get(key);
      if (window?.signature !== signature) {
        // One shard (one writer process, the model's own window size): it is the window, no merge needed.
        const profiles = g.profiles.map(([k]) => (this.profiles.get(k) as Shard<WindowProfile>).value);
        const profile =
          profiles.length === 1
            ? (profiles[0] as WindowProfile)
            : profiles.reduce((into, p) => into.merge(p), new WindowProfile(this.spec));
        const states = g.labels.map(([k]) => (this.labels.get(k) as Shard<WindowLabels>).value);
        const labels =
          states.length === 1
            ? (states[0] as WindowLabels)
            : states.reduce((into, l) => into.merge(l), new WindowLabels());
        window = {
          signature,
          value: {
            count: profile.count,
            profile,
            labelled: labels.labelled,
            metrics: metrics && !labels.empty ? labels.metrics(this.spec) : {},
          },
        };
        remember(this.merged, key, window);
      }
      out.push({ start, ...window.value });
    }
    return out;
  }

  private fetchProfiles(db: Kysely<Database>, starts: number[], signatures: Map<string, string>) {
    return this.fetch(db, 'profiles', starts, signatures, this.profiles, (row) =>
      WindowProfile.fromJSON(this.spec, JSON.parse(row.profile as string) as WindowProfileJSON),
    );
  }

  private fetchLabels(db: Kysely<Database>, starts: number[], signatures: Map<string, string>) {
    return this.fetch(db, 'window_labels', starts, signatures, this.labels, (row) =>
      WindowLabels.fromJSON(JSON.parse(row.state as string) as WindowLabelsJSON),
    );
  }

  /** Reads and parses the shards of the windows starting at `starts` whose rows the read saw (with a signature). */
  private async fetch<T>(
    db: Kysely<Database>,
    table: 'profiles' | 'window_labels',
    starts: number[],
    signatures: Map<string, string>,
    into: Map<string, Shard<T>>,
    parse: (row: Record<string, unknown>) => T,
  ): Promise<void> {
    for (let i = 0; i < starts.length; i += 500) {
      const rows = (await db
        .selectFrom(table)
        .selectAll()
        .where('model', '=', this.spec.name)
        .where('window_start', 'in', starts.slice(i, i + 500))
        .execute()) as Array<Record<string, unknown>>;
      for (const row of rows) {
        const key = `${row.window_start}\u0000${row.shard}`;
        const signature = signatures.get(key);
        if (signature !== undefined) remember(into, key, { signature, value: parse(row) });
      }
    }
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
