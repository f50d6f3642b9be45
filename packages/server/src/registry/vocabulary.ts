// A version's vocabulary: the words of each text column it learnt from, kept beside its artifact so that every
// window can count the words its serving version never saw (the out-of-vocabulary share of the window profiles).
import { buildAnalyzer } from '@steward/core';

/** Words kept per column, the most frequent first; rarer training words then count as unseen (documented). */
export const VOCABULARY_WORDS_KEPT = 2 ** 18;

/** The words window profiles count (window-state/window-profile.ts): scikit-learn's default tokens, lower-cased. */
export const profileWords = buildAnalyzer();

/** Each text column's training words, most frequent first. */
export interface VersionVocabulary {
  version: 1;
  columns: Record<string, string[]>;
  /** Per column: distinct words seen in training, kept or not. */
  distinct: Record<string, number>;
}

/** What a version's lineage says of its vocabulary (the words themselves are an artifact). */
export interface VocabularyLineage {
  sha256: string;
  /** Words kept per column. */
  words: Record<string, number>;
  /** Distinct training words per column (more than `words` when the rarest were cut). */
  distinct: Record<string, number>;
}

/** A version's words as the profiles look them up. */
export type VocabularySets = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The vocabulary of a version trained on `rows`: each text column's words, and when the version went on from
 * another (a fine-tune or incremental update), that one's words too, which it learnt before.
 */
export function buildVocabulary(
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, unknown>>,
  base?: VersionVocabulary,
): VersionVocabulary {
  const out: VersionVocabulary = { version: 1, columns: {}, distinct: {} };
  for (const column of columns) {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const text = row[column];
      if (typeof text !== 'string') continue;
      for (const word of profileWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    // A base's words count as seen, ranked after none of the new ones they tie with.
    const inherited = base?.columns[column] ?? [];
    for (let i = 0; i < inherited.length; i++) {
      const word = inherited[i] as string;
      if (!counts.has(word)) counts.set(word, 0);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.columns[column] = ranked.slice(0, VOCABULARY_WORDS_KEPT).map(([word]) => word);
    out.distinct[column] = Math.max(ranked.length, base?.distinct[column] ?? 0);
  }
  return out;
}

/**
 * A vocabulary sent with an uploaded version: per text column, its training words or texts (each entry is split into
 * words the way the profiles split them), the most frequent first, ties in the order sent.
 */
export function vocabularyFromEntries(
  columns: Readonly<Record<string, readonly string[]>>,
): VersionVocabulary {
  const out: VersionVocabulary = { version: 1, columns: {}, distinct: {} };
  for (const [column, entries] of Object.entries(columns)) {
    const counts = new Map<string, number>();
    for (const entry of entries)
      for (const word of profileWords(entry)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1]);
    out.columns[column] = ranked.slice(0, VOCABULARY_WORDS_KEPT).map(([word]) => word);
    out.distinct[column] = ranked.length;
  }
  return out;
}

export function vocabularyLineage(sha256: string, vocabulary: VersionVocabulary): VocabularyLineage {
  return {
    sha256,
    words: Object.fromEntries(Object.entries(vocabulary.columns).map(([c, w]) => [c, w.length])),
    distinct: { ...vocabulary.distinct },
  };
}

export function encodeVocabulary(vocabulary: VersionVocabulary): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(vocabulary));
}

export function decodeVocabulary(bytes: Uint8Array): VersionVocabulary {
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<VersionVocabulary>;
  if (parsed.version !== 1 || typeof parsed.columns !== 'object' || parsed.columns === null)
    throw new Error('not a version vocabulary (expected { version: 1, columns: { … } })');
  return { version: 1, columns: parsed.columns, distinct: parsed.distinct ?? {} };
}

export function vocabularySets(vocabulary: VersionVocabulary): VocabularySets {
  return new Map(Object.entries(vocabulary.columns).map(([column, words]) => [column, new Set(words)]));
}
