import { countLabels } from './binning.js';
import { textWords } from './text-words.js';

/** Data quality beside drift: what changed in a column besides its distribution. */
export interface ColumnQuality {
  /** Share of missing values in each sample, and the change (current − reference). */
  referenceMissingShare: number;
  currentMissingShare: number;
  missingShareChange: number;
  /** Categories present in current but never seen in reference, most frequent first (categorical columns). */
  newCategories?: { category: string; share: number }[];
  /** Share of current values below the reference minimum or above its maximum (numerical columns). */
  outOfRangeShare?: number;
  /**
   * Text columns: the share of current words (lower-cased, two letters or more) that no reference text has, and the
   * most frequent of them: against a model's training texts, the words it never learnt.
   */
  outOfVocabulary?: { share: number; words: { word: string; count: number }[] };
}

export function missingShares(refMissing: number, refRows: number, curMissing: number, curRows: number) {
  const referenceMissingShare = refMissing / refRows;
  const currentMissingShare = curMissing / curRows;
  return {
    referenceMissingShare,
    currentMissingShare,
    missingShareChange: currentMissingShare - referenceMissingShare,
  };
}

/** Share of sorted current values outside [min, max] of sorted reference values. */
export function outOfRangeShare(reference: Float64Array, current: Float64Array): number {
  if (current.length === 0 || reference.length === 0) return 0;
  const min = reference[0];
  const max = reference[reference.length - 1];
  let below = 0;
  while (below < current.length && current[below] < min) below++;
  let above = 0;
  while (above < current.length - below && current[current.length - 1 - above] > max) above++;
  return (below + above) / current.length;
}

export function newCategories(reference: readonly string[], current: readonly string[]) {
  const seen = new Set(reference);
  const counts = countLabels(current.filter((c) => !seen.has(c)));
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([category, n]) => ({ category, share: n / current.length }));
}

/** The share of current words no reference text has, and the ten most frequent of them. */
export function outOfVocabulary(
  reference: readonly string[],
  current: readonly string[],
): NonNullable<ColumnQuality['outOfVocabulary']> {
  const known = new Set<string>();
  for (const words of textWords(reference)) for (const w of words) known.add(w);
  const unseen = new Map<string, number>();
  let total = 0;
  let missing = 0;
  for (const words of textWords(current))
    for (const w of words) {
      total++;
      if (known.has(w)) continue;
      missing++;
      unseen.set(w, (unseen.get(w) ?? 0) + 1);
    }
  return {
    share: total > 0 ? missing / total : 0,
    words: [...unseen]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([word, count]) => ({ word, count })),
  };
}
