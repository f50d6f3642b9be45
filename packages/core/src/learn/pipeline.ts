import { StewardInputError } from '../errors.js';
import type { Label } from '../metrics/input.js';
import type { Learner } from './learner.js';
import { checkModelFile, type ModelFile, modelFile } from './model-file.js';
import {
  applyNumeric,
  type CategoricalState,
  type CategoricalSteps,
  categoricalColumn,
  fitCategorical,
  fitNumeric,
  isMissing,
  type NumericState,
  type NumericSteps,
  numericColumn,
  type Row,
  type RowValue,
} from './preprocessing.js';
import { hstack, type SparseMatrix, sparseFromDense } from './text/sparse-matrix.js';
import { TextColumn, type TextState, type TextSteps } from './text-columns.js';

export type { Learner } from './learner.js';

export interface PipelineOptions {
  /** Numeric input columns, in order. */
  numeric?: string[];
  /** Categorical input columns, one-hot encoded after the numeric ones. */
  categorical?: string[];
  /**
   * Text input columns, each hashed into its own block of columns after the categorical ones (`textSteps`); with
   * any, the model sees a `SparseMatrix` and must take one (SGDClassifier, MultinomialNB, ComplementNB, the MLPs).
   */
  text?: string[];
  numericSteps?: NumericSteps;
  categoricalSteps?: CategoricalSteps;
  textSteps?: TextSteps;
}

interface PipelineState {
  numeric: Record<string, NumericState>;
  categorical: Record<string, CategoricalState>;
  text?: Record<string, TextState>;
  /** Rows dropped by the last fit because their label was missing. */
  droppedRows: number;
  model: ModelFile;
}

/**
 * Preprocessing and a model, fitted together and saved in one model file: imputation, clipping, scaling and
 * one-hot encoding learnt from the training rows, then applied identically when predicting.
 *
 * @example
 * ```ts
 * // a missing number is imputed, a category one-hot encoded, and both are saved with the model
 * const rows = [{ x: 0, c: 'a' }, { x: 1, c: 'a' }, { x: null, c: 'b' }, { x: 5, c: 'b' }, { x: 6, c: 'b' }, { x: 0.5, c: 'a' }];
 * const pipeline = new Pipeline({ numeric: ['x'], categorical: ['c'] }, new LogisticRegression());
 * pipeline.fit(rows, [0, 0, 1, 1, 1, 0]);
 * Array.from(pipeline.predict([{ x: 0.2, c: 'a' }, { x: 5.5, c: 'b' }])); // [0,1]
 * ```
 */
export class Pipeline<M extends Learner = Learner> {
  readonly options: Required<Pick<PipelineOptions, 'numeric' | 'categorical' | 'text'>> & PipelineOptions;
  model: M;
  private state: Omit<PipelineState, 'model'> | undefined;
  private readonly textColumns: TextColumn[];

  constructor(options: PipelineOptions, model: M) {
    this.options = { numeric: [], categorical: [], text: [], ...options };
    const { numeric, categorical, text } = this.options;
    if (numeric.length + categorical.length + text.length === 0) {
      throw new StewardInputError(
        'a pipeline needs at least one numeric, categorical or text column',
        'numeric',
      );
    }
    if (text.length > 0 && !model.sparseInput)
      throw new StewardInputError(
        `text columns (${text.join(', ')}) become sparse rows of hashed n-grams, which ${model.constructor.name} does not take: use SGDClassifier, MultinomialNB, ComplementNB or an MLP`,
        'text',
      );
    this.textColumns = text.map((name) => new TextColumn(name, this.options.textSteps ?? {}));
    this.model = model;
  }

  /**
   * Names of the features the model sees, after one-hot encoding (for example `region=NSW`); a text column's hashed
   * block is one name, `body[0:262144]`.
   */
  get featureNames(): string[] {
    const s = this.fitted();
    return [
      ...this.options.numeric,
      ...this.options.categorical.flatMap((c) =>
        (s.categorical[c] as CategoricalState).categories.map((v) => `${c}=${v}`),
      ),
      ...this.textColumns.map((t) => `${t.name}[0:${t.width}]`),
    ];
  }

  /** Rows dropped by the last fit because their label was missing. */
  get droppedRows(): number {
    return this.state?.droppedRows ?? 0;
  }

  /**
   * Learns the preprocessing and the model from labelled rows. With `warmStart`, a fitted pipeline keeps its
   * preprocessing (imputation, scaling, categories, idf: as a pretrained model keeps its tokenizer) and the model goes
   * on from its state (fine-tuning). `sampleWeight` (one per row) goes to the model for the rows it learns from; the
   * preprocessing is fitted unweighted, as scikit-learn's Pipeline routes `sample_weight` to its last step only.
   */
  fit(
    rows: readonly Row[],
    labels: ArrayLike<RowValue>,
    options: { warmStart?: boolean; sampleWeight?: ArrayLike<number> } = {},
  ): this {
    const { kept, y, dropped, keep } = this.labelled(rows, labels);
    if (options.sampleWeight !== undefined && options.sampleWeight.length !== rows.length)
      throw new StewardInputError(
        `sampleWeight has ${options.sampleWeight.length} weights for ${rows.length} rows: one weight per row`,
        'sampleWeight',
      );
    const weights = options.sampleWeight;
    const sampleWeight = weights ? { sampleWeight: keep.map((i) => weights[i] as number) } : {};
    if (options.warmStart && this.state) {
      this.model.fit(this.transform(kept), y as never, { warmStart: true, ...sampleWeight });
      this.state.droppedRows = dropped;
      return this;
    }
    const text = this.fitPreprocessing(kept, dropped);
    this.model.fit(this.features(kept, text), y as never, sampleWeight);
    return this;
  }

  /**
   * Online models only: one more batch through the fitted preprocessing (the first batch fits it), as
   * `partialFit` of the model.
   */
  partialFit(rows: readonly Row[], labels: ArrayLike<RowValue>): this {
    if (!this.model.partialFit)
      throw new StewardInputError(
        `${this.model.constructor.name} learns in one fit only (no partialFit): fit the pipeline instead`,
        'model',
      );
    const { kept, y, dropped } = this.labelled(rows, labels);
    let text: SparseMatrix[] | undefined;
    if (!this.state) text = this.fitPreprocessing(kept, dropped);
    else this.state.droppedRows = dropped;
    this.model.partialFit(this.features(kept, text), y as never);
    return this;
  }

  private labelled(
    rows: readonly Row[],
    labels: ArrayLike<RowValue>,
  ): { kept: Row[]; y: RowValue[]; dropped: number; keep: number[] } {
    if (!Array.isArray(rows) || rows.length === 0)
      throw new StewardInputError('rows must be a non-empty array', 'rows');
    if (labels === null || typeof labels !== 'object' || labels.length !== rows.length) {
      throw new StewardInputError(
        `there are ${labels?.length ?? 0} labels for ${rows.length} rows: one label per row`,
        'labels',
      );
    }
    const keep: number[] = [];
    for (let i = 0; i < rows.length; i++) if (!isMissing(labels[i])) keep.push(i);
    if (keep.length === 0)
      throw new StewardInputError('every label is missing: nothing to learn from', 'labels');
    return {
      kept: keep.map((i) => rows[i] as Row),
      y: keep.map((i) => labels[i]),
      dropped: rows.length - keep.length,
      keep,
    };
  }

  /** Fits imputation, scaling, categories and text weighting; returns the text columns' features of `kept`. */
  private fitPreprocessing(kept: readonly Row[], dropped: number): SparseMatrix[] {
    const n = {
      impute: 'mean' as const,
      fillValue: 0,
      scale: 'standard' as const,
      ...this.options.numericSteps,
    };
    const c = {
      impute: 'most_frequent' as const,
      fillValue: 'missing',
      handleUnknown: 'ignore' as const,
      ...this.options.categoricalSteps,
    };
    const numeric: Record<string, NumericState> = {};
    for (const name of this.options.numeric) numeric[name] = fitNumeric(name, numericColumn(kept, name), n);
    const categorical: Record<string, CategoricalState> = {};
    for (const name of this.options.categorical)
      categorical[name] = fitCategorical(name, categoricalColumn(kept, name), c);
    const text: Record<string, TextState> = {};
    const blocks = this.textColumns.map((column) => {
      const { state, features } = column.fit(kept);
      text[column.name] = state;
      return features;
    });
    this.state = { numeric, categorical, text, droppedRows: dropped };
    return blocks;
  }

  /** The rows as the model sees them: dense rows, or a `SparseMatrix` when the pipeline has text columns. */
  transform(rows: readonly Row[]): number[][] | SparseMatrix {
    return this.features(rows);
  }

  /** `transform`, with the text columns' features given when fitting just computed them. */
  private features(rows: readonly Row[], text?: readonly SparseMatrix[]): number[][] | SparseMatrix {
    const dense = this.denseFeatures(rows);
    if (this.textColumns.length === 0) return dense;
    const width = this.options.numeric.length + this.categoricalWidth();
    return hstack([
      sparseFromDense(dense, width),
      ...(text ?? this.textColumns.map((t) => t.transform(rows))),
    ]);
  }

  private categoricalWidth(): number {
    const s = this.fitted();
    return this.options.categorical.reduce(
      (sum, c) => sum + (s.categorical[c] as CategoricalState).categories.length,
      0,
    );
  }

  private denseFeatures(rows: readonly Row[]): number[][] {
    const s = this.fitted();
    const numericColumns = this.options.numeric.map((name) => numericColumn(rows, name));
    const categoricalColumns = this.options.categorical.map((name) => categoricalColumn(rows, name));
    const handleUnknown = this.options.categoricalSteps?.handleUnknown ?? 'ignore';
    return rows.map((_, i) => {
      const out: number[] = [];
      this.options.numeric.forEach((name, k) => {
        out.push(
          applyNumeric(
            s.numeric[name] as NumericState,
            (numericColumns[k] as (number | null)[])[i] as number | null,
          ),
        );
      });
      this.options.categorical.forEach((name, k) => {
        const state = s.categorical[name] as CategoricalState;
        const value = (categoricalColumns[k] as (string | null)[])[i] ?? state.fill;
        const index = state.categories.indexOf(value);
        if (index < 0 && handleUnknown === 'error') {
          throw new StewardInputError(
            `row ${i}, column '${name}': category '${value}' was not seen in training`,
            name,
          );
        }
        for (let j = 0; j < state.categories.length; j++) out.push(j === index ? 1 : 0);
      });
      return out;
    });
  }

  predict(rows: readonly Row[]): ArrayLike<Label> | ArrayLike<number> {
    return this.model.predict(this.transform(rows));
  }

  predictProba(rows: readonly Row[]): Float64Array[] {
    if (!this.model.predictProba)
      throw new StewardInputError("this pipeline's model gives no probabilities", 'model');
    return this.model.predictProba(this.transform(rows));
  }

  private fitted(): Omit<PipelineState, 'model'> {
    if (!this.state) throw new StewardInputError('Pipeline is not fitted yet: call fit first', 'model');
    return this.state;
  }

  toJSON(): ModelFile<'Pipeline', PipelineOptions, PipelineState> {
    return modelFile('Pipeline', JSON.parse(JSON.stringify(this.options)) as PipelineOptions, {
      ...(JSON.parse(
        JSON.stringify(this.fitted(), (_, v) =>
          v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v,
        ),
      ) as Omit<PipelineState, 'model'>),
      model: this.model.toJSON(),
    });
  }

  /** Rebuilds a saved pipeline; `restoreModel` turns the inner model file back into a learner. */
  static fromJSON(json: unknown, restoreModel: (file: unknown) => Learner): Pipeline {
    const file = checkModelFile(json, 'Pipeline');
    const state = JSON.parse(JSON.stringify(file.state), (_, v) =>
      v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
    ) as Partial<PipelineState>;
    if (!state.numeric || !state.categorical || !state.model) {
      throw new StewardInputError(
        'Pipeline model file: numeric, categorical and model are required',
        'model',
      );
    }
    const pipeline = new Pipeline(file.params as PipelineOptions, restoreModel(state.model));
    for (const name of pipeline.options.numeric) {
      if (!state.numeric[name])
        throw new StewardInputError(`Pipeline model file: no state for column '${name}'`, 'model');
    }
    for (const name of pipeline.options.categorical) {
      if (!state.categorical[name])
        throw new StewardInputError(`Pipeline model file: no state for column '${name}'`, 'model');
    }
    const text = state.text ?? {};
    for (const column of pipeline.textColumns) {
      const saved = text[column.name];
      if (!saved)
        throw new StewardInputError(
          `Pipeline model file: no state for text column '${column.name}'`,
          'model',
        );
      column.load(saved);
    }
    pipeline.state = {
      numeric: state.numeric,
      categorical: state.categorical,
      text,
      droppedRows: state.droppedRows ?? 0,
    };
    return pipeline;
  }
}
