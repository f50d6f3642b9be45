import { buildAnalyzer } from '../learn/text/analyzers.js';

const analyze = buildAnalyzer();
const cache = new WeakMap<readonly string[], string[][]>();

/**
 * The words of each text (scikit-learn's default tokens, lower-cased), as the text drift distance and the
 * out-of-vocabulary share both read them: kept per sample array, so a column's texts are split once per report.
 */
export function textWords(texts: readonly string[]): string[][] {
  let words = cache.get(texts);
  if (!words) {
    words = texts.map(analyze);
    cache.set(texts, words);
  }
  return words;
}
