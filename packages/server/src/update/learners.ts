import {
  GaussianNB,
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  LinearRegression,
  LogisticRegression,
  MLPClassifier,
  MLPRegressor,
  Ridge,
  SGDClassifier,
  SGDRegressor,
} from '@steward/core';
// Update runs train on the server's spare cores: gradient boosting and large logistic fits use helper threads.
import '@steward/core/node';
import type { LEARNER_KINDS } from '../monitor/model-spec.js';

/** What the update loop needs of a learner. */
export interface TrainableModel {
  fit(X: number[][], y: never, options?: { warmStart?: boolean }): unknown;
  partialFit?(X: number[][], y: never): unknown;
  predict(X: number[][]): ArrayLike<unknown>;
  predictProba?(X: number[][]): Float64Array[];
  toJSON(): unknown;
}

type Factory = (params: Record<string, unknown>) => TrainableModel;

const FACTORIES: Record<(typeof LEARNER_KINDS)[number], Factory> = {
  LogisticRegression: (p) => new LogisticRegression(p) as unknown as TrainableModel,
  SGDClassifier: (p) => new SGDClassifier(p) as unknown as TrainableModel,
  GaussianNB: (p) => new GaussianNB(p) as unknown as TrainableModel,
  GradientBoostingClassifier: (p) => new GradientBoostingClassifier(p) as unknown as TrainableModel,
  MLPClassifier: (p) => new MLPClassifier(p) as unknown as TrainableModel,
  LinearRegression: (p) => new LinearRegression(p) as unknown as TrainableModel,
  Ridge: (p) => new Ridge(p) as unknown as TrainableModel,
  SGDRegressor: (p) => new SGDRegressor(p) as unknown as TrainableModel,
  GradientBoostingRegressor: (p) => new GradientBoostingRegressor(p) as unknown as TrainableModel,
  MLPRegressor: (p) => new MLPRegressor(p) as unknown as TrainableModel,
};

export function makeLearner(
  kind: (typeof LEARNER_KINDS)[number],
  params: Record<string, unknown>,
): TrainableModel {
  return FACTORIES[kind](params);
}
