import type { OptionsSpec } from '../../options.js';
import { defineLearner } from '../definition.js';
import { CountNaiveBayes, type CountNaiveBayesOptions, type CountState } from './count-naive-bayes.js';
import type { SparseMatrix } from './sparse-matrix.js';

export type MultinomialNBOptions = CountNaiveBayesOptions;

/**
 * Multinomial naive Bayes on term counts (or TF-IDF), as scikit-learn's `MultinomialNB`: P(term | class) from the
 * class's smoothed term counts, (N_cj + α) / (N_c + α·n_features). Learns batch by batch (`partialFit`) exactly.
 *
 * @example
 * ```ts
 * const vectorizer = new HashingVectorizer({ nFeatures: 1024, alternateSign: false, norm: null });
 * const X = vectorizer.transform(['free money now', 'meeting at noon', 'free prize money', 'lunch meeting']);
 * const model = new MultinomialNB().fit(X, ['spam', 'ham', 'spam', 'ham']);
 * model.predict(vectorizer.transform(['free money', 'noon meeting'])); // ["spam","ham"]
 * ```
 */
export class MultinomialNB extends CountNaiveBayes {
  constructor(options: MultinomialNBOptions = {}) {
    super('MultinomialNB', options);
  }

  static fromJSON(json: unknown): MultinomialNB {
    const file = json as { params?: MultinomialNBOptions };
    return new MultinomialNB(file?.params ?? {}).load(json);
  }

  protected updateFeatureLogProb(s: CountState): void {
    const alpha = this.options.alpha;
    this.featureLogProbs = s.featureCount.map((counts) => {
      let total = 0;
      for (const v of counts) total += v + alpha;
      const logTotal = Math.log(total);
      return counts.map((v) => Math.log(v + alpha) - logTotal);
    });
  }

  protected jointLogLikelihood(X: SparseMatrix): Float64Array[] {
    const scores = this.scores(X, this.featureLogProbs);
    for (const row of scores)
      for (let c = 0; c < row.length; c++) row[c] = (row[c] as number) + (this.classLogPriors[c] as number);
    return scores;
  }
}

export const MULTINOMIAL_NB_OPTIONS: OptionsSpec<Omit<MultinomialNBOptions, 'classPrior'>> = {
  alpha: { type: 'number', min: 0, doc: 'additive smoothing of the counts (1)' },
  fitPrior: { type: 'boolean', doc: 'learn the class priors from the data (true); false: uniform' },
};

export const multinomialNB = defineLearner({
  name: 'MultinomialNB',
  task: 'classification',
  summary: "multinomial naive Bayes on term counts or TF-IDF, as scikit-learn's MultinomialNB (text columns)",
  options: MULTINOMIAL_NB_OPTIONS,
  defaults: { alpha: 1, fitPrior: true },
  online: true,
  sparse: true,
  create: (options) => new MultinomialNB(options),
  restore: (json) => MultinomialNB.fromJSON(json),
});
