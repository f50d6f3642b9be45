import { StewardInputError } from '../../errors.js';
import { checkSparseMatrix, normalizeRows, type RowNorm, type SparseMatrix } from './sparse-matrix.js';

export interface TfidfOptions {
  /** Each row scaled to unit 'l2' (default) or 'l1' norm, or null. */
  norm?: RowNorm | null;
  /** Weigh each column by its inverse document frequency (default true). */
  useIdf?: boolean;
  /** Count one more document holding every term, so no idf is infinite (default true). */
  smoothIdf?: boolean;
  /** Replace a count tf by 1 + ln(tf) (default false). */
  sublinearTf?: boolean;
}

/**
 * Term counts to TF-IDF, as scikit-learn's `TfidfTransformer`: idf_j = ln((1 + n) / (1 + df_j)) + 1 with smoothing,
 * ln(n / df_j) + 1 without, df_j the rows that store column j; then each row normalised.
 *
 * @example
 * ```ts
 * const counts = new HashingVectorizer({ nFeatures: 64, alternateSign: false, norm: null }).transform(['aa aa bb', 'bb cc']);
 * const tfidf = new TfidfTransformer().fit(counts);
 * // bb is in both rows, aa and cc in one, other columns in none: ln(3/3)+1, ln(3/2)+1, ln(3/1)+1.
 * [...new Set(Array.from(tfidf.idf, (v) => v.toFixed(3)))].sort(); // ["1.000","1.405","2.099"]
 * ```
 */
export class TfidfTransformer {
  readonly options: Required<Omit<TfidfOptions, 'norm'>> & { norm: RowNorm | null };
  private idfs?: Float64Array;
  private cols?: number;
  /** What the idfs were computed from, kept so a saved transformer computes the same ones again. */
  private fitted?: { rows: number; df: Float64Array };

  constructor(options: TfidfOptions = {}) {
    this.options = {
      norm: options.norm === undefined ? 'l2' : options.norm,
      useIdf: options.useIdf ?? true,
      smoothIdf: options.smoothIdf ?? true,
      sublinearTf: options.sublinearTf ?? false,
    };
  }

  /** The idf of every column (scikit-learn's `idf_`), once fitted with `useIdf`. */
  get idf(): Float64Array | undefined {
    return this.idfs;
  }

  fit(X: SparseMatrix): this {
    checkSparseMatrix(X);
    this.cols = X.cols;
    if (!this.options.useIdf) return this;
    const df = new Float64Array(X.cols);
    for (let k = 0; k < X.indices.length; k++)
      df[X.indices[k] as number] = (df[X.indices[k] as number] as number) + 1;
    return this.fromCounts(X.rows, df);
  }

  private fromCounts(rows: number, df: Float64Array): this {
    this.fitted = { rows, df };
    const smooth = this.options.smoothIdf ? 1 : 0;
    const n = rows + smooth;
    this.idfs = df.map((d) => Math.log(n / (d + smooth)) + 1);
    return this;
  }

  /** Options and document frequencies (only the non-zero ones, as [column, count] pairs): the idfs are recomputed. */
  toJSON(): Record<string, unknown> {
    if (this.cols === undefined)
      throw new StewardInputError('TfidfTransformer is not fitted: nothing to save', 'model');
    const df: number[] = [];
    this.fitted?.df.forEach((d, j) => {
      if (d !== 0) df.push(j, d);
    });
    return {
      options: this.options,
      cols: this.cols,
      ...(this.fitted ? { rows: this.fitted.rows, df } : {}),
    };
  }

  /** The transformer `toJSON` described; a malformed one is refused with what is wrong. */
  static fromJSON(json: unknown): TfidfTransformer {
    const bad = (what: string) => new StewardInputError(`a saved TfidfTransformer needs ${what}`, 'tfidf');
    if (json === null || typeof json !== 'object') throw bad('an object');
    const { options, cols, rows, df } = json as Record<string, unknown>;
    if (!Number.isInteger(cols) || (cols as number) < 1) throw bad('cols, a positive integer');
    const transformer = new TfidfTransformer((options ?? {}) as TfidfOptions);
    transformer.cols = cols as number;
    if (!transformer.options.useIdf) return transformer;
    if (!Number.isInteger(rows) || (rows as number) < 0 || !Array.isArray(df) || df.length % 2 !== 0)
      throw bad('rows and df ([column, count] pairs) when it uses idf');
    const counts = new Float64Array(cols as number);
    for (let k = 0; k < df.length; k += 2) {
      const j = df[k];
      const d = df[k + 1];
      if (
        !Number.isInteger(j) ||
        j < 0 ||
        j >= (cols as number) ||
        !Number.isInteger(d) ||
        d < 1 ||
        d > (rows as number)
      )
        throw bad(`df pairs within [0, ${cols}) × [1, rows]`);
      counts[j] = d;
    }
    return transformer.fromCounts(rows as number, counts);
  }

  transform(X: SparseMatrix): SparseMatrix {
    checkSparseMatrix(X);
    if (this.cols === undefined)
      throw new StewardInputError(
        'TfidfTransformer is not fitted: call fit with the training counts first',
        'model',
      );
    if (X.cols !== this.cols)
      throw new StewardInputError(`X has ${X.cols} columns, the fitted counts had ${this.cols}`, 'X');
    const out: SparseMatrix = { ...X, data: X.data.slice() };
    for (let k = 0; k < out.data.length; k++) {
      let v = out.data[k] as number;
      if (this.options.sublinearTf) v = Math.log(v) + 1;
      if (this.idfs) {
        const idf = this.idfs[X.indices[k] as number] as number;
        if (idf === Number.POSITIVE_INFINITY)
          throw new StewardInputError(
            `column ${X.indices[k]} is in no training row, so its idf is infinite without smoothing: fit with smoothIdf: true`,
            'X',
          );
        v *= idf;
      }
      out.data[k] = v;
    }
    return this.options.norm ? normalizeRows(out, this.options.norm) : out;
  }

  fitTransform(X: SparseMatrix): SparseMatrix {
    return this.fit(X).transform(X);
  }
}
