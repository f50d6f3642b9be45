import type { AnyOptionsSpec } from '../options.js';
import { createChecked, lookup } from '../registry-lookup.js';
import { adaptiveRandomForestClassifier } from './adaptive-random-forest.js';
import type { LearnerDefinition } from './definition.js';
import { dummyClassifier } from './dummy.js';
import { gaussianNB } from './gaussian-nb.js';
import { gradientBoostingClassifier, gradientBoostingRegressor } from './gradient-boosting.js';
import { hoeffdingAdaptiveTreeClassifier } from './hoeffding-adaptive-tree.js';
import { hoeffdingTreeClassifier } from './hoeffding-tree.js';
import type { Learner } from './learner.js';
import { leveragingBaggingClassifier } from './leveraging-bagging.js';
import { linearRegression, ridge } from './linear-models.js';
import { logisticRegression } from './logistic-regression.js';
import { mlpClassifier, mlpRegressor } from './mlp.js';
import { sgdClassifier, sgdRegressor } from './sgd.js';
import { complementNB } from './text/complement-nb.js';
import { multinomialNB } from './text/multinomial-nb.js';

/** Every learner, by name: adding one is its file and one line here. */
const DEFINITIONS = [
  logisticRegression,
  sgdClassifier,
  gaussianNB,
  gradientBoostingClassifier,
  mlpClassifier,
  linearRegression,
  ridge,
  sgdRegressor,
  gradientBoostingRegressor,
  mlpRegressor,
  dummyClassifier,
  hoeffdingTreeClassifier,
  hoeffdingAdaptiveTreeClassifier,
  adaptiveRandomForestClassifier,
  leveragingBaggingClassifier,
  multinomialNB,
  complementNB,
] as const;

export type LearnerKind = (typeof DEFINITIONS)[number]['name'];

/** A learner's definition with its options type erased: what code choosing a learner by name sees. */
export interface RegisteredLearner
  extends Omit<LearnerDefinition, 'name' | 'options' | 'defaults' | 'tuning' | 'create' | 'fineTunable'> {
  readonly name: LearnerKind;
  readonly options: AnyOptionsSpec;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly tuning?: LearnerDefinition['tuning'];
  readonly fineTunable?: readonly string[];
  /** Options already checked against `options` (see `createLearner`). */
  create(options: object): Learner;
}

export const LEARNERS: ReadonlyMap<LearnerKind, RegisteredLearner> = new Map(
  DEFINITIONS.map((d): [LearnerKind, RegisteredLearner] => [d.name, d]),
);

export const LEARNER_KINDS: readonly LearnerKind[] = [...LEARNERS.keys()];

/** The learner a new model of this task starts with when the user names none (`steward init`, backtests). */
export const DEFAULT_LEARNER: Readonly<Record<'classification' | 'regression', LearnerKind>> = {
  classification: gradientBoostingClassifier.name,
  regression: gradientBoostingRegressor.name,
};

/** The learner a backtest's default policy learns online with when labels come at once (multiclass). */
export const DEFAULT_ONLINE_LEARNER: LearnerKind = adaptiveRandomForestClassifier.name;

/**
 * The same for a binary label, which also reads the newest labels as features: with them the forest's trees grow
 * large on Elec2 and every cut copies them, where leveraging bagging keeps its models far smaller at about the same
 * accuracy (measured while choosing; its run is `elec2-at-once` in bench/results/efficacy.json).
 */
export const DEFAULT_BINARY_ONLINE_LEARNER: LearnerKind = leveragingBaggingClassifier.name;

/**
 * The learner a model with text features starts with when the user names none: logistic regression by SGD over
 * hashed words (l2-normalised counts). On the SpamAssassin stream (labels a day late, retrained daily on six
 * weeks; bench/results/efficacy.json and text-policies.json) it scores F1 0.892 with alpha 1e-5, 0.866 with
 * scikit-learn's 1e-4, against 0.786 for multinomial naive Bayes on counts; the two alphas are all that was tried,
 * on that stream.
 */
export const DEFAULT_TEXT_LEARNER: LearnerKind = sgdClassifier.name;
export const DEFAULT_TEXT_LEARNER_PARAMS: Readonly<Record<string, unknown>> = {
  loss: 'log_loss',
  alpha: 1e-5,
};

/**
 * The options the default learner starts with in a policy Steward writes (`steward init`, a backtest's default
 * policy): shallow trees (depth 3, 8 leaves). Update windows hold a few thousand rows, on which 31-leaf trees
 * overfit: daily retraining on Elec2 scores 0.7823 with these against 0.7742, Seattle weather 0.8294 against
 * 0.8166 (docs/backtest.md). The learner's own defaults stay scikit-learn's.
 */
export const DEFAULT_LEARNER_PARAMS: Readonly<Record<string, unknown>> = { maxDepth: 3, maxLeafNodes: 8 };

/** The named learner's definition; an unknown name is an input error listing the known ones. */
export function learnerDefinition(kind: string, field = 'kind'): RegisteredLearner {
  return lookup('learner', field, LEARNERS, kind);
}

/** A new, unfitted learner by name, its options checked against the learner's spec. */
export function createLearner(kind: string, options?: unknown): Learner {
  return createChecked(learnerDefinition(kind), options);
}
