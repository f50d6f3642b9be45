import { type VersionVocabulary, vocabularySets } from '../registry/vocabulary.js';
import type { PredictionRecord, VocabularySets } from '../spec/records.js';
import type { LoadedModel } from './model-catalog.js';

/** Reads a version's vocabulary (null when it has none on record): the registry's, in a server. */
export type VocabularySource = (model: string, version: number) => Promise<VersionVocabulary | null>;

// A vocabulary is a set of up to 2^18 words per text column (tens of MB): a process serves few versions at once.
const KEPT = 4;
const RECHECK_MISSING_MS = 30_000;

interface Entry {
  loading: Promise<void>;
  /** Once loaded: the version's words, or null when it has none on record. */
  sets?: VocabularySets | null;
  /** When a version without words was last asked. */
  missingAt?: number;
}

/**
 * The vocabularies of the versions that serve a text model, as ingestion's profiles look them up: loaded before a
 * batch is profiled. A version's words never change once on record, so a loaded set never goes stale; a version
 * without them is asked again after a while (an uploaded one may get them later).
 */
export class ServingVocabularies {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly source: VocabularySource) {}

  /** Loads the vocabularies of the versions `records` name (a model without text columns needs none). */
  async load(model: LoadedModel, records: readonly PredictionRecord[]): Promise<void> {
    if (!model.spec.features.some((f) => f.type === 'text')) return;
    const versions = new Set<number>();
    for (const r of records) {
      const v = versionNumber(r.version);
      if (v !== undefined) versions.add(v);
    }
    await Promise.all([...versions].map((v) => this.entry(model, v).loading));
  }

  /** The words of the version that served a record, for the versions `load` loaded (others: undefined). */
  lookup(model: LoadedModel): (record: PredictionRecord) => VocabularySets | undefined {
    const prefix = keyPrefix(model);
    return (record) => {
      const v = versionNumber(record.version);
      return v === undefined ? undefined : (this.entries.get(prefix + v)?.sets ?? undefined);
    };
  }

  private entry(model: LoadedModel, version: number): Entry {
    const key = keyPrefix(model) + version;
    const known = this.entries.get(key);
    this.entries.delete(key);
    const stale = known?.sets === null && Date.now() - (known.missingAt as number) > RECHECK_MISSING_MS;
    if (known && !stale) {
      this.entries.set(key, known);
      return known;
    }
    const entry: Entry = {
      loading: this.source(model.spec.name, version)
        .then((v) => (v ? vocabularySets(v) : null))
        // Monitoring must not refuse rows because a vocabulary could not be read: their words go unchecked.
        .catch(() => null)
        .then((sets) => {
          entry.sets = sets;
          if (!sets) entry.missingAt = Date.now();
        }),
    };
    this.entries.set(key, entry);
    while (this.entries.size > KEPT) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}

const keyPrefix = (model: LoadedModel) => `${model.spec.name}\u0000${model.createdAt}\u0000`;

function versionNumber(version: string | null): number | undefined {
  if (version === null) return undefined;
  const v = Number(version.startsWith('v') ? version.slice(1) : version);
  return Number.isInteger(v) && v > 0 ? v : undefined;
}
