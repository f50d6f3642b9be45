export { type AnalyzerOptions, buildAnalyzer, DEFAULT_TOKEN_PATTERN } from './analyzers.js';
export { ComplementNB, type ComplementNBOptions } from './complement-nb.js';
export { CountNaiveBayes, type CountNaiveBayesOptions } from './count-naive-bayes.js';
export { HashingVectorizer, type HashingVectorizerOptions } from './hashing-vectorizer.js';
export { MultinomialNB, type MultinomialNBOptions } from './multinomial-nb.js';
export { murmurhash3 } from './murmurhash3.js';
export {
  checkSparseMatrix,
  hstack,
  normalizeRows,
  type RowNorm,
  type SparseMatrix,
  SparseRowsBuilder,
  sparseFromDense,
} from './sparse-matrix.js';
export { type TfidfOptions, TfidfTransformer } from './tfidf-transformer.js';
