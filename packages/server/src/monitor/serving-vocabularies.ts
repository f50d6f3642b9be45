import { type VersionVocabulary, type VocabularySets, vocabularySets } from '../registry/vocabulary.js';
import type { PredictionRecord } from '../spec/records.js';
import type { LoadedModel } from './model-catalog.js';

/** Reads a version's vocabulary (null when it has none on record): the registry's, in a server. */
export type VocabularySource = (model: string, version: number) => Promise<VersionVocabulary | null>;

// A vocabulary is a set of up to 2^18 words per text column (tens of MB): a process serves few versions at once.
const KEPT = 4;
const RECHECK_MISSING_MS = 30_000;

/**
 * The vocabularies of the versions that serve a text model, as ingestion's profiles look them up: loaded before a
 * batch is profiled. A version's words never change once on record, so a loaded set never goes stale; a version
 * without them is asked again after a while (an uploaded one may get them later).
 */
export class ServingVocabularies {
  private readonly kept = new Map<string, Promise<VocabularySets | null>>();
  private readonly ready = new Map<string, VocabularySets | null>();
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly source: VocabularySource) {}

  /** Loads the vocabularies of the versions `records` name (a model without text columns needs none). */
  async load(model: LoadedModel, records: readonly PredictionRecord[]): Promise<void> {
    if (!model.spec.features.some((f) => f.type === 'text')) return;
    const versions = new Set<number>();
    for (const r of records) {
      const v = versionNumber(r.version);
      if (v !== undefined) versions.add(v);
    }
    await Promise.all([...versions].map((v) => this.entry(model, v)));
  }

  /** The words of the version that served a record, for the versions `load` loaded (others: undefined). */
  lookup(model: LoadedModel): (record: PredictionRecord) => VocabularySets | undefined {
    const prefix = `${model.spec.name}\u0000${model.createdAt}\u0000`;
    return (record) => {
      const v = versionNumber(record.version);
      return v === undefined ? undefined : (this.ready.get(prefix + v) ?? undefined);
    };
  }

  private entry(model: LoadedModel, version: number): Promise<VocabularySets | null> {
    const key = `${model.spec.name}\u0000${model.createdAt}\u0000${version}`;
    let pending = this.kept.get(key);
    // A version without words may get them later (PUT …/vocabulary after upload): asked again after a while.
    const missing = this.missingSince.get(key);
    if (pending && missing !== undefined && Date.now() - missing > RECHECK_MISSING_MS) {
      this.kept.delete(key);
      this.ready.delete(key);
      this.missingSince.delete(key);
      pending = undefined;
    }
    if (pending) {
      this.kept.delete(key);
      this.kept.set(key, pending);
      return pending;
    }
    pending = this.source(model.spec.name, version)
      .then((v) => (v ? vocabularySets(v) : null))
      // Monitoring must not refuse rows because a vocabulary could not be read: their words go unchecked.
      .catch(() => null)
      .then((sets) => {
        if (this.kept.has(key)) this.ready.set(key, sets);
        if (!sets) this.missingSince.set(key, Date.now());
        return sets;
      });
    this.kept.set(key, pending);
    while (this.kept.size > KEPT) {
      const oldest = this.kept.keys().next().value as string;
      this.kept.delete(oldest);
      this.ready.delete(oldest);
      this.missingSince.delete(oldest);
    }
    return pending;
  }
}

function versionNumber(version: string | null): number | undefined {
  if (version === null) return undefined;
  const v = Number(version.startsWith('v') ? version.slice(1) : version);
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
