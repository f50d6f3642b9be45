import { StewardInputError } from '../../errors.js';

// Python's `\w` and `\s` on str patterns (scikit-learn's tokenizers run in Python), which JavaScript's do not match:
// a word character is a letter, a number or `_` (combining marks are not), whitespace is what str.isspace() says.
const WORD = '[\\p{L}\\p{N}_]';
const SPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const SPACE_RUNS = new RegExp(`${SPACE}${SPACE}+`, 'gu');
const SPACES = new RegExp(`${SPACE}+`, 'u');

/**
 * scikit-learn's default token pattern, `(?u)\b\w\w+\b`: runs of two or more word characters. Without the word
 * boundaries: a scan that starts inside a run only does so after the run's first character failed to start a
 * match, which happens only for runs of one character, so the matches are the same (and found faster).
 */
export const DEFAULT_TOKEN_PATTERN = new RegExp(`${WORD}{2,}`, 'gu');

export interface AnalyzerOptions {
  /** 'word' (default): tokens and their n-grams; 'char': character n-grams; 'char_wb': within words, space-padded. */
  analyzer?: 'word' | 'char' | 'char_wb';
  /** Smallest and largest n of the n-grams (default [1, 1]). */
  ngramRange?: readonly [number, number];
  /** Lowercase before anything else (default true). */
  lowercase?: boolean;
  /** What a token is, for 'word' (default `DEFAULT_TOKEN_PATTERN`); with one capture group, the group is the token. */
  tokenPattern?: RegExp;
  /** Tokens dropped before the n-grams are made ('word' only). */
  stopWords?: readonly string[];
}

/**
 * The function that turns a document into the features a vectorizer counts, exactly as scikit-learn's
 * `build_analyzer()` with the same options: Unicode-aware tokens, word n-grams joined by a space, character n-grams
 * over code points after runs of whitespace became one space.
 *
 * @example buildAnalyzer({ ngramRange: [1, 2] })('Free money, FREE!'); // ["free","money","free","free money","money free"]
 */
export function buildAnalyzer(options: AnalyzerOptions = {}): (document: string) => string[] {
  const kind = options.analyzer ?? 'word';
  if (!['word', 'char', 'char_wb'].includes(kind))
    throw new StewardInputError(
      `analyzer must be 'word', 'char' or 'char_wb', got ${String(kind)}`,
      'analyzer',
    );
  const [minN, maxN] = options.ngramRange ?? [1, 1];
  if (!(Number.isInteger(minN) && Number.isInteger(maxN) && minN >= 1 && maxN >= minN))
    throw new StewardInputError(
      `ngramRange must be two integers 1 ≤ min ≤ max, got [${minN}, ${maxN}]`,
      'ngramRange',
    );
  const lowercase = options.lowercase ?? true;
  const prepare = (document: string) => {
    if (typeof document !== 'string')
      throw new StewardInputError(`documents must be strings, got ${typeof document}`, 'documents');
    return lowercase ? document.toLowerCase() : document;
  };
  if (kind === 'char') return (document) => charNgrams(prepare(document), minN, maxN);
  if (kind === 'char_wb') return (document) => charWbNgrams(prepare(document), minN, maxN);
  const tokenize = tokenizer(options.tokenPattern ?? DEFAULT_TOKEN_PATTERN);
  const stop = options.stopWords ? new Set(options.stopWords) : undefined;
  return (document) => {
    let tokens = tokenize(prepare(document));
    if (stop) tokens = tokens.filter((t) => !stop.has(t));
    return wordNgrams(tokens, minN, maxN);
  };
}

function tokenizer(pattern: RegExp): (text: string) => string[] {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  const groups = new RegExp(`${pattern.source}|`, pattern.flags.replace('g', '')).exec('')?.length ?? 1;
  if (groups > 2)
    throw new StewardInputError(
      `tokenPattern has ${groups - 1} capture groups: give it at most one (the token)`,
      'tokenPattern',
    );
  if (groups === 1) return (text) => text.match(global) ?? [];
  return (text) => Array.from(text.matchAll(global), (m) => m[1] ?? '');
}

function wordNgrams(tokens: string[], minN: number, maxN: number): string[] {
  if (maxN === 1) return tokens;
  const out = minN === 1 ? [...tokens] : [];
  for (let n = Math.max(minN, 2); n <= Math.min(maxN, tokens.length); n++)
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

function charNgrams(text: string, minN: number, maxN: number): string[] {
  const chars = Array.from(text.replace(SPACE_RUNS, ' '));
  const out: string[] = [];
  for (let n = minN; n <= Math.min(maxN, chars.length); n++)
    for (let i = 0; i + n <= chars.length; i++)
      out.push(n === 1 ? (chars[i] as string) : chars.slice(i, i + n).join(''));
  return out;
}

function charWbNgrams(text: string, minN: number, maxN: number): string[] {
  const out: string[] = [];
  for (const word of text.replace(SPACE_RUNS, ' ').split(SPACES)) {
    if (word === '') continue;
    const w = [' ', ...Array.from(word), ' '];
    for (let n = minN; n <= maxN; n++) {
      let offset = 0;
      out.push(w.slice(offset, offset + n).join(''));
      while (offset + n < w.length) {
        offset++;
        out.push(w.slice(offset, offset + n).join(''));
      }
      // A word shorter than n counts once, not once per n.
      if (offset === 0) break;
    }
  }
  return out;
}
