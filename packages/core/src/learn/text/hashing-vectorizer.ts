import { StewardInputError } from '../../errors.js';
import { type AnalyzerOptions, buildAnalyzer } from './analyzers.js';
import { murmurhash3 } from './murmurhash3.js';
import { normalizeRows, type RowNorm, type SparseMatrix, SparseRowsBuilder } from './sparse-matrix.js';

export interface HashingVectorizerOptions extends AnalyzerOptions {
  /** Columns of the output (default 2^20): each feature goes to |murmurhash3(feature)| mod nFeatures. */
  nFeatures?: number;
  /** Count a feature +1 or −1 by its hash's sign, so collisions cancel on average (default true). */
  alternateSign?: boolean;
  /** Each row scaled to unit 'l2' (default) or 'l1' norm, or null to keep the counts. */
  norm?: RowNorm | null;
  /** Every non-zero count becomes 1 (default false). */
  binary?: boolean;
}

/**
 * Documents to hashed n-gram counts, stateless, as scikit-learn's `HashingVectorizer` with the same options (the
 * same columns and values; tested on Unicode text): no vocabulary to learn or keep, so a model's file holds only
 * these options and a stream can be vectorized batch by batch.
 *
 * @example
 * ```ts
 * const X = new HashingVectorizer({ nFeatures: 16, norm: null }).transform(['spam spam eggs']);
 * Array.from(X.data); // [1,-2]
 * ```
 */
export class HashingVectorizer {
  readonly options: Required<Omit<HashingVectorizerOptions, 'tokenPattern' | 'stopWords'>> &
    Pick<HashingVectorizerOptions, 'tokenPattern' | 'stopWords'>;
  private readonly analyze: (document: string) => string[];

  constructor(options: HashingVectorizerOptions = {}) {
    const nFeatures = options.nFeatures ?? 2 ** 20;
    if (!(Number.isInteger(nFeatures) && nFeatures >= 1 && nFeatures <= 2 ** 31 - 1))
      throw new StewardInputError(
        `nFeatures must be an integer in [1, 2^31 − 1], got ${nFeatures}`,
        'nFeatures',
      );
    const norm = options.norm === undefined ? 'l2' : options.norm;
    if (norm !== null && norm !== 'l1' && norm !== 'l2')
      throw new StewardInputError(`norm must be 'l1', 'l2' or null, got ${String(norm)}`, 'norm');
    this.options = {
      analyzer: options.analyzer ?? 'word',
      ngramRange: options.ngramRange ?? [1, 1],
      lowercase: options.lowercase ?? true,
      nFeatures,
      alternateSign: options.alternateSign ?? true,
      norm,
      binary: options.binary ?? false,
      ...(options.tokenPattern ? { tokenPattern: options.tokenPattern } : {}),
      ...(options.stopWords ? { stopWords: options.stopWords } : {}),
    };
    this.analyze = buildAnalyzer(this.options);
  }

  /** The column of a feature and its sign (+1, or −1 with `alternateSign`). */
  column(feature: string): { column: number; sign: number } {
    const h = murmurhash3(feature);
    return { column: this.columnOf(h), sign: this.options.alternateSign && h < 0 ? -1 : 1 };
  }

  transform(documents: readonly string[]): SparseMatrix {
    if (!Array.isArray(documents))
      throw new StewardInputError('documents must be an array of strings (one per row)', 'documents');
    const alternate = this.options.alternateSign;
    const builder = new SparseRowsBuilder(this.options.nFeatures);
    for (const document of documents) {
      for (const feature of this.analyze(document)) {
        const h = murmurhash3(feature);
        builder.add(this.columnOf(h), alternate && h < 0 ? -1 : 1);
      }
      builder.endRow();
    }
    const X = builder.build();
    if (this.options.binary) X.data.fill(1);
    return this.options.norm ? normalizeRows(X, this.options.norm) : X;
  }

  private columnOf(h: number): number {
    const n = this.options.nFeatures;
    // |−2^31| does not fit in 32 bits; scikit-learn defines its column as 2^31 mod n.
    return h === -2147483648 ? (2147483647 - (n - 1)) % n : Math.abs(h) % n;
  }

  /** The options as plain JSON (a token pattern as its source and flags): all a model file needs to hash alike. */
  toJSON(): Record<string, unknown> {
    const { tokenPattern, ...rest } = this.options;
    return {
      ...rest,
      ...(tokenPattern ? { tokenPattern: { source: tokenPattern.source, flags: tokenPattern.flags } } : {}),
    };
  }

  /** The vectorizer `toJSON` described; its options are checked as the constructor checks them. */
  static fromJSON(json: unknown): HashingVectorizer {
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      throw new StewardInputError('a HashingVectorizer is saved as an object of its options', 'vectorizer');
    const { tokenPattern, ...rest } = json as Record<string, unknown> & {
      tokenPattern?: { source?: unknown; flags?: unknown };
    };
    if (
      tokenPattern !== undefined &&
      (typeof tokenPattern?.source !== 'string' || typeof tokenPattern.flags !== 'string')
    )
      throw new StewardInputError('tokenPattern must be saved as { source, flags } strings', 'vectorizer');
    return new HashingVectorizer({
      ...(rest as HashingVectorizerOptions),
      ...(tokenPattern
        ? { tokenPattern: new RegExp(tokenPattern.source as string, tokenPattern.flags as string) }
        : {}),
    });
  }
}
