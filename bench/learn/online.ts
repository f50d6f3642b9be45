// Online learners on Elec2 with each label available at once (test-then-train: predict a row, then learn it; scored
// after the first 10% of rows, where a backtest's version 1 trains), beside
// our own batch learner under the same label availability (gradient boosting refitted every 48 rows on the last
// 4,532 labelled rows) and the no-change rule. Prints accuracy, time and model size; the ratio is accuracy against
// River's published Elec2 figures for the same learner (adaptive random forest 0.877, leveraging bagging 0.893),
// which were taken on eight features (date and day of week too): this file has the six served ones.
// Results: bench/results/online-learners.json.
//   npx tsx bench/learn/online.ts
import {
  AdaptiveRandomForestClassifier,
  DEFAULT_LEARNER_PARAMS,
  GaussianNB,
  GradientBoostingClassifier,
  HoeffdingAdaptiveTreeClassifier,
  HoeffdingTreeClassifier,
  LeveragingBaggingClassifier,
  SGDClassifier,
} from '@steward/core';
import { LABEL_RATE_COUNT } from '../../packages/server/src/backtest/policy.js';
import { computeLabelFeatures, labelFeaturesOf } from '../../packages/server/src/serve/label-features.js';
import { parseModelSpec } from '../../packages/server/src/spec/model-spec.js';
import { elec2Matrix } from '../../packages/server/src/testing/datasets.js';
import { writeResults } from '../lib.js';

const { X, y } = elec2Matrix();
/** Every learner is scored on the same rows: those after the first 10% (where a backtest's version 1 trains). */
const SCORE_FROM = Math.ceil(X.length / 10);
const RIVER_PUBLISHED: Record<string, number> = { AdaptiveRandomForest: 0.877, LeveragingBagging: 0.893 };

interface Row {
  learner: string;
  accuracy: number;
  seconds: number;
  rowsPerSecond: number;
  /** The saved model file at the end of the stream (JSON bytes): what the learner keeps. */
  modelBytes: number | null;
  riverPublished: number | null;
  /** Our accuracy / River's published accuracy. */
  ratio: number | null;
}

function measure(learner: string, step: (i: number) => number | null, size: () => number | null): Row {
  let right = 0;
  const start = performance.now();
  for (let i = 1; i < X.length; i++) if (step(i) === y[i] && i >= SCORE_FROM) right++;
  const seconds = (performance.now() - start) / 1000;
  const accuracy = right / (X.length - SCORE_FROM);
  const published = RIVER_PUBLISHED[learner] ?? null;
  return {
    learner,
    accuracy,
    seconds,
    rowsPerSecond: Math.round((X.length - 1) / seconds),
    modelBytes: size(),
    riverPublished: published,
    ratio: published === null ? null : accuracy / published,
  };
}

type OnlineModel = {
  predict(X: number[][]): ArrayLike<unknown>;
  learnOne(x: readonly number[], y: number): unknown;
  toJSON(): unknown;
};

function online(learner: string, model: OnlineModel, rows: number[][] = X): Row {
  model.learnOne(rows[0] as number[], y[0] as number);
  return measure(
    learner,
    (i) => {
      const predicted = model.predict([rows[i] as number[]])[0] as number;
      model.learnOne(rows[i] as number[], y[i] as number);
      return predicted;
    },
    () => JSON.stringify(model.toJSON()).length,
  );
}

/** partialFit one row at a time (the learners without learnOne). */
function perRow(learner: string, model: GaussianNB | SGDClassifier): Row {
  model.partialFit([X[0] as number[]], [y[0] as number], [0, 1]);
  return measure(
    learner,
    (i) => {
      const predicted = model.predict([X[i] as number[]])[0] as number;
      model.partialFit([X[i] as number[]], [y[i] as number], [0, 1]);
      return predicted;
    },
    () => JSON.stringify(model.toJSON()).length,
  );
}

function batchRefit(every: number, window: number, rows: number[][] = X, name = ''): Row {
  let model: GradientBoostingClassifier | null = null;
  return measure(
    `GradientBoosting refit every ${every} rows${name}`,
    (i) => {
      if (i < SCORE_FROM) return null;
      if ((i - SCORE_FROM) % every === 0 || model === null) {
        const from = Math.max(0, i - window);
        model = new GradientBoostingClassifier({ ...DEFAULT_LEARNER_PARAMS }).fit(
          rows.slice(from, i),
          y.slice(from, i),
        );
      }
      return model.predict([rows[i] as number[]])[0] as number;
    },
    () => (model ? JSON.stringify(model.toJSON()).length : null),
  );
}

const rows: Row[] = [
  measure(
    'no-change (previous label)',
    (i) => y[i - 1] as number,
    () => null,
  ),
  online('HoeffdingTree', new HoeffdingTreeClassifier()),
  online('HoeffdingAdaptiveTree', new HoeffdingAdaptiveTreeClassifier({ seed: 42 })),
  online('AdaptiveRandomForest', new AdaptiveRandomForestClassifier({ seed: 42 })),
  online('LeveragingBagging', new LeveragingBaggingClassifier({ seed: 42 })),
  perRow('GaussianNB', new GaussianNB()),
  perRow(
    'SGDClassifier (log loss)',
    new SGDClassifier({ loss: 'log_loss', learningRate: 'constant', eta0: 0.05 }),
  ),
  batchRefit(48, 4532),
];
/**
 * River's protocol on River's features: its Elec2 has `date` and `day` too, which this file leaves out. Both follow
 * from a row's position (rows 30 minutes apart from 7 May 1996, a Tuesday; `date` as a 0–1 position in the stream,
 * `day` 1–7 from Sunday), so the two ensembles are run again on the eight features, every row predicted then learnt
 * and scored (progressive validation, as River's published figures are).
 */
function withRiverFeatures(learner: string, model: OnlineModel): Row & { features: 8 } {
  const start = Date.UTC(1996, 4, 7);
  const X8 = X.map((row, i) => [i / X.length, new Date(start + i * 1_800_000).getUTCDay() + 1, ...row]);
  let right = 0;
  const began = performance.now();
  model.learnOne(X8[0] as number[], y[0] as number);
  for (let i = 1; i < X8.length; i++) {
    if (model.predict([X8[i] as number[]])[0] === y[i]) right++;
    model.learnOne(X8[i] as number[], y[i] as number);
  }
  const seconds = (performance.now() - began) / 1000;
  const accuracy = right / (X8.length - 1);
  const published = RIVER_PUBLISHED[learner] as number;
  return {
    learner,
    features: 8,
    accuracy,
    seconds,
    rowsPerSecond: Math.round((X8.length - 1) / seconds),
    modelBytes: JSON.stringify(model.toJSON()).length,
    riverPublished: published,
    ratio: accuracy / published,
  };
}
const riverFeatures = [
  withRiverFeatures('AdaptiveRandomForest', new AdaptiveRandomForestClassifier({ seed: 42 })),
  withRiverFeatures('LeveragingBagging', new LeveragingBaggingClassifier({ seed: 42 })),
];

/**
 * The six features and the two the backtest's online default computes from the labels (`--delay 0`): the newest
 * label and the positive share of the newest LABEL_RATE_COUNT, -1 before any is known, by the function serving uses
 * (each row's label known at its own time, so a row sees every earlier one). Every row is predicted by the model as
 * it is after learning every earlier row: the ceiling of serving the online model row by row, which the loop's
 * versions, cut every 30 rows, approach from below.
 */
const labelSpec = parseModelSpec({
  name: 'elec2',
  task: 'binary',
  features: [
    { name: 'newestLabel', type: 'numeric', fromLabels: { kind: 'last', unknown: -1 } },
    {
      name: 'newestLabelRate',
      type: 'numeric',
      fromLabels: { kind: 'rate', last: LABEL_RATE_COUNT, unknown: -1 },
    },
  ],
});
const rowTimes = X.map((_, i) => i);
const fromLabels = computeLabelFeatures(
  labelSpec,
  labelFeaturesOf(labelSpec),
  rowTimes,
  rowTimes.map((i) => ({ time: i, knownAt: i, value: y[i] as number })),
);
const XL = X.map((row, i) => [
  ...row,
  fromLabels[i]?.newestLabel as number,
  fromLabels[i]?.newestLabelRate as number,
]);
const start = Date.UTC(1996, 4, 7);
const XL8 = XL.map((row, i) => [i / X.length, new Date(start + i * 1_800_000).getUTCDay() + 1, ...row]);
// River's published figures had no label features: no ratio to them here.
const labelFeatures = [
  online('LeveragingBagging', new LeveragingBaggingClassifier({ seed: 42 }), XL),
  online('AdaptiveRandomForest', new AdaptiveRandomForestClassifier({ seed: 42 }), XL),
  batchRefit(48, 4532, XL),
  {
    ...online('LeveragingBagging', new LeveragingBaggingClassifier({ seed: 42 }), XL8),
    learner: "LeveragingBagging, River's date and day too",
  },
  // Which of the two: `date` is the row's position in the stream (any row order has it), `day` needs real times.
  {
    ...online(
      'LeveragingBagging',
      new LeveragingBaggingClassifier({ seed: 42 }),
      XL.map((row, i) => [...row, i / X.length]),
    ),
    learner: "LeveragingBagging, River's date too (the row's position)",
  },
  {
    ...online(
      'LeveragingBagging',
      new LeveragingBaggingClassifier({ seed: 42 }),
      XL.map((row, i) => [...row, XL8[i]?.[1] as number]),
    ),
    learner: "LeveragingBagging, River's day of the week too",
  },
  {
    ...online('LeveragingBagging', new LeveragingBaggingClassifier({ seed: 42, nModels: 20 }), XL),
    learner: 'LeveragingBagging, 20 members',
  },
].map((r) => ({ ...r, riverPublished: null, ratio: null }));

for (const r of [...rows, ...riverFeatures, ...labelFeatures])
  console.log(
    `${r.learner.padEnd(40)} accuracy ${r.accuracy.toFixed(4)}  ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.rowsPerSecond).padStart(7)} rows/s` +
      (r.ratio === null ? '' : `  ratio to River's published ${r.riverPublished}: ${r.ratio.toFixed(3)}`),
  );
writeResults(
  'online-learners',
  { reference: "River's published Elec2 accuracies (8 features; this file has 6)" },
  {
    stream: `elec2 (45,312 rows, 6 features), test-then-train, labels at once; accuracy on rows ${SCORE_FROM}–${X.length - 1}, time over all rows`,
    rows,
    riverFeatures: {
      stream:
        "elec2 with River's eight features (date and day of week derived from each row's position), every row predicted then learnt and scored: River's protocol",
      rows: riverFeatures,
    },
    labelFeatures: {
      stream: `elec2's six features with the backtest's online default's two label features (the newest label, the positive share of the newest ${LABEL_RATE_COUNT}), every row predicted by the model that learnt every earlier row; accuracy on rows ${SCORE_FROM}–${X.length - 1}`,
      rows: labelFeatures,
    },
  },
);
