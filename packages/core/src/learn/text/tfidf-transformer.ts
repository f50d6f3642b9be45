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
    const smooth = this.options.smoothIdf ? 1 : 0;
    const n = X.rows + smooth;
    this.idfs = df.map((d) => Math.log(n / (d + smooth)) + 1);
    return this;
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
