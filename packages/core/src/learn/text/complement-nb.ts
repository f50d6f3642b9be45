import type { OptionsSpec } from '../../options.js';
import { defineLearner } from '../definition.js';
import { CountNaiveBayes, type CountNaiveBayesOptions, type CountState } from './count-naive-bayes.js';
import type { SparseMatrix } from './sparse-matrix.js';

export interface ComplementNBOptions extends CountNaiveBayesOptions {
  /** Normalise each class's weights by their sum (default false, as scikit-learn). */
  norm?: boolean;
}

/**
 * Complement naive Bayes (Rennie et al. 2003), as scikit-learn's `ComplementNB`: each class is scored against the
 * term counts of every other class, which suits unbalanced text classes better than `MultinomialNB`. The class
 * prior counts only when there is a single class.
 *
 * @example
 * ```ts
 * const vectorizer = new HashingVectorizer({ nFeatures: 1024, alternateSign: false, norm: null });
 * const X = vectorizer.transform(['free money now', 'meeting at noon', 'free prize money', 'lunch meeting']);
 * const model = new ComplementNB().fit(X, ['spam', 'ham', 'spam', 'ham']);
 * model.predict(vectorizer.transform(['free money', 'noon meeting'])); // ["spam","ham"]
 * ```
 */
export class ComplementNB extends CountNaiveBayes {
  declare readonly options: CountNaiveBayes['options'] & { norm: boolean };

  constructor(options: ComplementNBOptions = {}) {
    super('ComplementNB', options);
    this.options.norm = options.norm ?? false;
  }

  get norm(): boolean {
    return this.options.norm;
  }

  static fromJSON(json: unknown): ComplementNB {
    const file = json as { params?: ComplementNBOptions };
    return new ComplementNB(file?.params ?? {}).load(json);
  }

  protected updateFeatureLogProb(s: CountState): void {
    const alpha = this.options.alpha;
    const features = s.features;
    const all = new Float64Array(features);
    for (const counts of s.featureCount)
      for (let j = 0; j < features; j++) all[j] = (all[j] as number) + (counts[j] as number);
    this.featureLogProbs = s.featureCount.map((counts) => {
      const complement = new Float64Array(features);
      let total = 0;
      for (let j = 0; j < features; j++) {
        complement[j] = (all[j] as number) + alpha - (counts[j] as number);
        total += complement[j] as number;
      }
      const logged = complement.map((v) => Math.log(v / total));
      if (!this.norm) return logged.map((v) => -v);
      let sum = 0;
      for (const v of logged) sum += v;
      return logged.map((v) => v / sum);
    });
  }

  protected jointLogLikelihood(X: SparseMatrix): Float64Array[] {
    const scores = this.scores(X, this.featureLogProbs);
    if (this.featureLogProbs.length === 1)
      for (const row of scores) row[0] = (row[0] as number) + (this.classLogPriors[0] as number);
    return scores;
  }
}

export const COMPLEMENT_NB_OPTIONS: OptionsSpec<Omit<ComplementNBOptions, 'classPrior'>> = {
  alpha: { type: 'number', min: 0, doc: 'additive smoothing of the counts (1)' },
  fitPrior: { type: 'boolean', doc: 'learn the class priors from the data (true); false: uniform' },
  norm: { type: 'boolean', doc: "normalise each class's weights by their sum (false)" },
};

export const complementNB = defineLearner({
  name: 'ComplementNB',
  task: 'classification',
  summary:
    "complement naive Bayes for unbalanced text classes, as scikit-learn's ComplementNB (text columns)",
  options: COMPLEMENT_NB_OPTIONS,
  defaults: { alpha: 1, fitPrior: true, norm: false },
  online: true,
  sparse: true,
  create: (options) => new ComplementNB(options),
  restore: (json) => ComplementNB.fromJSON(json),
});
