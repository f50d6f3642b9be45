import { createLearner, type Label, LEARNERS, type Params, type Space, type Split } from '@steward/core';

/** The learners `steward tune` can search: classifiers whose definition in core gives a search space. */
export const TUNABLE_CLASSIFIERS = [...LEARNERS.values()]
  .filter((d) => d.task === 'classification' && d.tuning)
  .map((d) => d.name);
export type LearnerName = (typeof TUNABLE_CLASSIFIERS)[number];

/** The data a tuning objective scores on: rows, labels and the cross-validation splits. */
export interface CvData {
  rows: number[][];
  labels: Label[];
  splits: Split[];
}

/** The learner's search space, as its definition in core gives it. */
export function tuningSpace(name: LearnerName): Space {
  return LEARNERS.get(name)?.tuning?.space ?? {};
}

/** One trial's learner: the definition's fixed options, then the trial's, with the search's seed. */
export function makeLearner(name: LearnerName, params: Params, seed: number) {
  return createLearner(name, { ...LEARNERS.get(name)?.tuning?.fixed, ...params, seed });
}

/** Cross-validated accuracy of one parameter setting. */
export function cvAccuracy(data: CvData, learner: LearnerName, params: Params, seed: number): number {
  let right = 0;
  for (const { train, test } of data.splits) {
    const model = makeLearner(learner, params, seed);
    model.fit(
      train.map((i) => data.rows[i] as number[]),
      train.map((i) => data.labels[i] as Label) as never,
    );
    const predicted = model.predict(test.map((i) => data.rows[i] as number[]));
    test.forEach((i, r) => {
      if (predicted[r] === data.labels[i]) right++;
    });
  }
  return right / data.rows.length;
}
