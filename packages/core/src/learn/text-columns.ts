import { StewardInputError } from '../errors.js';
import type { Row } from './preprocessing.js';
import { DEFAULT_TOKEN_PATTERN } from './text/analyzers.js';
import { HashingVectorizer } from './text/hashing-vectorizer.js';
import type { RowNorm, SparseMatrix } from './text/sparse-matrix.js';
import { type TfidfOptions, TfidfTransformer } from './text/tfidf-transformer.js';

/**
 * How a pipeline turns each text column into features: hashed n-grams (scikit-learn's `HashingVectorizer`
 * options), optionally weighted by TF-IDF learnt from the training rows. Plain JSON, so a model spec can say it.
 */
export interface TextSteps {
  analyzer?: 'word' | 'char' | 'char_wb';
  ngramRange?: [number, number];
  lowercase?: boolean;
  /** A token, as a regular expression's source (Unicode; default scikit-learn's `(?u)\b\w\w+\b`). */
  tokenPattern?: string;
  stopWords?: string[];
  /** Columns per text column (default 2^18: 262,144). */
  nFeatures?: number;
  /**
   * Count a feature −1 by its hash's sign (default false here, unlike scikit-learn's `HashingVectorizer`): counts
   * stay non-negative, so naive Bayes can learn from them as well as linear models.
   */
  alternateSign?: boolean;
  binary?: boolean;
  /** Each row of a column scaled to unit 'l2' (default) or 'l1' norm, or null to keep the counts. */
  norm?: RowNorm | null;
  /** Weigh the counts by inverse document frequency learnt when the pipeline is fitted (default false). */
  tfidf?: boolean | Omit<TfidfOptions, 'norm'>;
  /**
   * A longer document is cut to its first this many characters (default 100,000, as the server's ingestion limit):
   * a stray 10 MB document costs what a long e-mail costs and cannot slow a batch down.
   */
  maxCharacters?: number;
}

/** What a fitted text column remembers: the TF-IDF document frequencies, when it weighs by them. */
export interface TextState {
  tfidf?: Record<string, unknown>;
}

export const DEFAULT_TEXT_FEATURES = 2 ** 18;
export const DEFAULT_MAX_CHARACTERS = 100_000;

/** One text column's vectorizer and weighting, built from the pipeline's text steps. */
export class TextColumn {
  private readonly vectorizer: HashingVectorizer;
  private readonly maxCharacters: number;
  private tfidf: TfidfTransformer | undefined;

  constructor(
    readonly name: string,
    readonly steps: TextSteps,
  ) {
    const maxCharacters = steps.maxCharacters ?? DEFAULT_MAX_CHARACTERS;
    if (!(Number.isInteger(maxCharacters) && maxCharacters >= 1))
      throw new StewardInputError(
        `textSteps.maxCharacters must be a positive integer, got ${maxCharacters}`,
        'textSteps',
      );
    this.maxCharacters = maxCharacters;
    let tokenPattern: RegExp = DEFAULT_TOKEN_PATTERN;
    if (steps.tokenPattern !== undefined) {
      try {
        tokenPattern = new RegExp(steps.tokenPattern, 'gu');
      } catch (error) {
        throw new StewardInputError(
          `textSteps.tokenPattern is not a regular expression: ${(error as Error).message}`,
          'textSteps',
        );
      }
    }
    const norm = steps.norm === undefined ? 'l2' : steps.norm;
    this.vectorizer = new HashingVectorizer({
      ...(steps.analyzer ? { analyzer: steps.analyzer } : {}),
      ...(steps.ngramRange ? { ngramRange: steps.ngramRange } : {}),
      ...(steps.lowercase !== undefined ? { lowercase: steps.lowercase } : {}),
      ...(steps.stopWords ? { stopWords: steps.stopWords } : {}),
      ...(steps.binary !== undefined ? { binary: steps.binary } : {}),
      tokenPattern,
      nFeatures: steps.nFeatures ?? DEFAULT_TEXT_FEATURES,
      alternateSign: steps.alternateSign ?? false,
      // With TF-IDF the rows are normalised after weighting, as scikit-learn's TfidfVectorizer does.
      norm: steps.tfidf ? null : norm,
    });
    if (steps.tfidf)
      this.tfidf = new TfidfTransformer({ ...(steps.tfidf === true ? {} : steps.tfidf), norm });
  }

  get width(): number {
    return this.vectorizer.options.nFeatures;
  }

  /** Learns the column's weighting from training rows; returns it and the rows' features (hashed once). */
  fit(rows: readonly Row[]): { state: TextState; features: SparseMatrix } {
    const counts = this.vectorizer.transform(this.documents(rows));
    if (!this.tfidf) return { state: {}, features: counts };
    const features = this.tfidf.fitTransform(counts);
    return { state: { tfidf: this.tfidf.toJSON() }, features };
  }

  /** Restores what `fit` learnt. */
  load(state: TextState): void {
    if (!this.tfidf) return;
    if (!state.tfidf)
      throw new StewardInputError(
        `Pipeline model file: text column '${this.name}' weighs by TF-IDF but has no saved idf`,
        'model',
      );
    this.tfidf = TfidfTransformer.fromJSON(state.tfidf);
  }

  transform(rows: readonly Row[]): SparseMatrix {
    const counts = this.vectorizer.transform(this.documents(rows));
    return this.tfidf ? this.tfidf.transform(counts) : counts;
  }

  /** The column's documents: missing is an empty document, a longer one is cut, anything but text is an error. */
  private documents(rows: readonly Row[]): string[] {
    return rows.map((row, i) => {
      const v = row[this.name];
      if (v === null || v === undefined) return '';
      if (typeof v !== 'string')
        throw new StewardInputError(
          `row ${i}, column '${this.name}': ${JSON.stringify(v)} is not text (the column is a text column: send a string, or null for none)`,
          this.name,
        );
      return v.length > this.maxCharacters ? v.slice(0, this.maxCharacters) : v;
    });
  }
}
