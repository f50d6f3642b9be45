import { StewardInputError } from '../errors.js';
import { checkClassLabels, type Label, type Labels } from '../metrics/input.js';
import { sortedUnique } from '../metrics/labels.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { argmaxClasses } from './classes.js';
import { defineLearner } from './definition.js';
import { checkFeatureRows, type FeatureRows } from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';

export interface DummyClassifierOptions {
  /** 'prior' (scikit-learn's default): probabilities are the class shares; 'most_frequent': all on the top class. */
  strategy?: 'prior' | 'most_frequent';
}

export const DUMMY_CLASSIFIER_DEFAULTS = { strategy: 'prior' } satisfies Required<DummyClassifierOptions>;

export const DUMMY_CLASSIFIER_OPTIONS: OptionsSpec<DummyClassifierOptions> = {
  strategy: {
    type: 'choice',
    values: ['prior', 'most_frequent'],
    doc: "'prior': class shares as probabilities; 'most_frequent': one-hot on the top class ('prior')",
  },
};

interface DummyState {
  classes: Label[];
  classCount: number[];
}

/**
 * The no-skill baseline, as scikit-learn's `DummyClassifier` ('prior' and 'most_frequent'): it ignores the features
 * and predicts the most frequent class (ties to the smallest), with the class shares (or a one-hot) as
 * probabilities. A candidate that cannot beat it has learnt nothing. Unlike scikit-learn's, it learns online:
 * `partialFit` adds to the counts.
 *
 * @example
 * ```ts
 * const model = new DummyClassifier().fit([[0], [0], [0], [0]], ['spam', 'ham', 'ham', 'ham']);
 * Array.from(model.predict([[1]])); // ["ham"]
 * model.predictProba([[1]]).map((p) => Array.from(p)); // [[0.75,0.25]]
 * ```
 */
export class DummyClassifier {
  readonly options: Required<DummyClassifierOptions>;
  private s: DummyState | undefined;

  constructor(options: DummyClassifierOptions = {}) {
    this.options = resolveOptions(
      'DummyClassifier',
      DUMMY_CLASSIFIER_OPTIONS,
      DUMMY_CLASSIFIER_DEFAULTS,
      options,
    );
  }

  get classes(): Label[] | undefined {
    return this.s?.classes;
  }

  fit(X: FeatureRows, y: Labels): this {
    this.s = undefined;
    return this.partialFit(X, y);
  }

  /** Adds a batch to the counts. The first call fixes the classes: pass `classes` when it may not hold them all. */
  partialFit(X: FeatureRows, y: Labels, classes?: readonly Label[]): this {
    const { rows } = checkFeatureRows(X);
    if (y === null || typeof y !== 'object' || y.length !== rows) {
      throw new StewardInputError(`y has ${y?.length ?? 0} labels but X has ${rows} rows`, 'y');
    }
    if (rows === 0) throw new StewardInputError('DummyClassifier needs at least one row', 'y');
    checkClassLabels('y', y);
    const s = this.s ?? { classes: sortedUnique(classes ?? Array.from(y)), classCount: [] };
    if (s.classCount.length === 0) s.classCount = s.classes.map(() => 0);
    const index = new Map(s.classes.map((c, k) => [c, k]));
    for (let i = 0; i < y.length; i++) {
      const k = index.get(y[i] as Label);
      if (k === undefined) {
        throw new StewardInputError(
          `label ${String(y[i])} is not one of the classes ${s.classes.join(', ')}`,
          'y',
        );
      }
      s.classCount[k] = (s.classCount[k] as number) + 1;
    }
    this.s = s;
    return this;
  }

  predictProba(X: FeatureRows): Float64Array[] {
    const s = this.fitted();
    const { rows } = checkFeatureRows(X);
    const total = s.classCount.reduce((a, b) => a + b, 0);
    const top = argmaxClasses([s.classCount], s.classes)[0];
    const row =
      this.options.strategy === 'prior'
        ? Float64Array.from(s.classCount, (n) => n / total)
        : Float64Array.from(s.classes, (c) => (c === top ? 1 : 0));
    return Array.from({ length: rows }, () => Float64Array.from(row));
  }

  predict(X: FeatureRows): Label[] {
    const s = this.fitted();
    const { rows } = checkFeatureRows(X);
    const top = argmaxClasses([s.classCount], s.classes)[0] as Label;
    return new Array<Label>(rows).fill(top);
  }

  toJSON(): ModelFile<'DummyClassifier', Required<DummyClassifierOptions>, DummyState> {
    const s = this.fitted();
    return modelFile(
      'DummyClassifier',
      { ...this.options },
      { classes: [...s.classes], classCount: [...s.classCount] },
    );
  }

  static fromJSON(json: unknown): DummyClassifier {
    const file = checkModelFile(json, 'DummyClassifier');
    const state = file.state as Partial<DummyState>;
    const K = Array.isArray(state.classes) ? state.classes.length : 0;
    if (K < 1) throw new StewardInputError('DummyClassifier model file: classes must not be empty', 'model');
    const model = new DummyClassifier(file.params as DummyClassifierOptions);
    model.s = {
      classes: [...(state.classes as Label[])],
      classCount: Array.from(numbersField('DummyClassifier', 'classCount', state.classCount, K)),
    };
    return model;
  }

  private fitted(): DummyState {
    if (!this.s) throw new StewardInputError('DummyClassifier is not fitted yet: call fit first', 'model');
    return this.s;
  }
}

export const dummyClassifier = defineLearner({
  name: 'DummyClassifier',
  task: 'classification',
  summary: "the no-skill baseline (class shares), as scikit-learn's DummyClassifier",
  options: DUMMY_CLASSIFIER_OPTIONS,
  defaults: DUMMY_CLASSIFIER_DEFAULTS,
  online: true,
  create: (options) => new DummyClassifier(options),
  restore: DummyClassifier.fromJSON,
});
