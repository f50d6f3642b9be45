export {
  ADAPTIVE_RANDOM_FOREST_DEFAULTS,
  AdaptiveRandomForestClassifier,
  type AdaptiveRandomForestOptions,
} from './adaptive-random-forest.js';
export { type BfgsOptions, type BfgsResult, type BfgsStatus, fminBfgs } from './bfgs.js';
export { applyFineTuneOptions, defineLearner, type LearnerDefinition } from './definition.js';
export { DummyClassifier, type DummyClassifierOptions } from './dummy.js';
export { type LearnerFactory, type Member, Stacking, Voting, WeightedAverage } from './ensembles.js';
export { GaussianNB, type GaussianNBOptions } from './gaussian-nb.js';
export {
  GradientBoostingClassifier,
  type GradientBoostingOptions,
  GradientBoostingRegressor,
} from './gradient-boosting.js';
export {
  HOEFFDING_ADAPTIVE_TREE_DEFAULTS,
  HoeffdingAdaptiveTreeClassifier,
  type HoeffdingAdaptiveTreeOptions,
} from './hoeffding-adaptive-tree.js';
export {
  HOEFFDING_TREE_DEFAULTS,
  HoeffdingTreeClassifier,
  type HoeffdingTreeOptions,
} from './hoeffding-tree.js';
export { type LbfgsOptions, type LbfgsResult, minimize, type Objective as LbfgsObjective } from './lbfgs.js';
export {
  type BaggingMethod,
  LEVERAGING_BAGGING_DEFAULTS,
  LeveragingBaggingClassifier,
  type LeveragingBaggingOptions,
} from './leveraging-bagging.js';
export { LinearRegression, type LinearRegressionOptions, Ridge, type RidgeOptions } from './linear-models.js';
export {
  type FitOptions,
  LogisticRegression,
  type LogisticRegressionOptions,
} from './logistic-regression.js';
export type { FeatureRows } from './matrix.js';
export { type Activation, MLPClassifier, type MLPOptions, MLPRegressor } from './mlp.js';
export { checkModelFile, MODEL_FORMAT_VERSION, type ModelFile } from './model-file.js';
export { type Learner, Pipeline, type PipelineOptions } from './pipeline.js';
export type { CategoricalSteps, NumericSteps, Row, RowValue } from './preprocessing.js';
export {
  createLearner,
  DEFAULT_BINARY_ONLINE_LEARNER,
  DEFAULT_LEARNER,
  DEFAULT_LEARNER_PARAMS,
  DEFAULT_ONLINE_LEARNER,
  DEFAULT_TEXT_LEARNER,
  DEFAULT_TEXT_LEARNER_PARAMS,
  LEARNER_KINDS,
  LEARNERS,
  type LearnerKind,
  learnerDefinition,
  type RegisteredLearner,
} from './registry.js';
export { restoreLearner, restoreModel } from './restore.js';
export {
  type LearningRate,
  SGDClassifier,
  type SGDClassifierOptions,
  SGDRegressor,
  type SGDRegressorOptions,
} from './sgd.js';
export * from './text/index.js';
export { DEFAULT_TEXT_FEATURES, type TextSteps } from './text-columns.js';
