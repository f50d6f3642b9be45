// A version's vocabulary: the words of each text column it learnt from, kept beside its artifact so that every
// window can count the words its serving version never saw (the out-of-vocabulary share of the window profiles).
import { buildAnalyzer } from '@steward/core';
import type { VocabularySets } from '../spec/records.js';

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
    const counts = countWords(rows.map((row) => row[column]));
    // A base's words count as seen, ranked after every new one.
    for (const word of base?.columns[column] ?? []) if (!counts.has(word)) counts.set(word, 0);
    out.columns[column] = keptWords(counts, (a, b) => (a < b ? -1 : 1));
    out.distinct[column] = Math.max(counts.size, base?.distinct[column] ?? 0);
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
    const counts = countWords(entries);
    out.columns[column] = keptWords(counts);
    out.distinct[column] = counts.size;
  }
  return out;
}

/** How often each word of these texts occurs (values that are not text are skipped). */
function countWords(texts: Iterable<unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    for (const word of profileWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** The VOCABULARY_WORDS_KEPT most frequent words, ties by `tie` (default: in the order first seen). */
function keptWords(counts: ReadonlyMap<string, number>, tie?: (a: string, b: string) => number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (tie ? tie(a[0], b[0]) : 0))
    .slice(0, VOCABULARY_WORDS_KEPT)
    .map(([word]) => word);
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
