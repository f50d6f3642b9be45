import {
  type CategoricalSteps,
  type Learner as CoreLearner,
  createLearner,
  type NumericSteps,
  Pipeline,
  type Row,
  type restoreModel,
  type TextSteps,
} from '@steward/core';
// Update runs train on the server's spare cores: gradient boosting and large logistic fits use helper threads.
import '@steward/core/node';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';

export type Learner = NonNullable<UpdatePolicy['learner']>;

/** What an update run trains or loads: a learner, a pipeline or an ensemble (whatever a model file holds). */
export type StewardModel = ReturnType<typeof restoreModel>;

/**
 * Rows with every feature numeric become a matrix in the model's feature order; the others are left out (counted).
 * `times` are the kept rows' times (0 for a row without one).
 */
export function toMatrix(
  spec: ModelSpec,
  rows: ReadonlyArray<{ features: Readonly<Record<string, unknown>>; label: unknown; time?: number }>,
): { X: number[][]; y: ClassValue[]; times: number[]; dropped: number } {
  const names = spec.features.map((f) => f.name);
  const X: number[][] = [];
  const y: ClassValue[] = [];
  const times: number[] = [];
  let dropped = 0;
  for (const row of rows) {
    const values = names.map((n) => row.features[n]);
    if (values.every((v) => typeof v === 'number')) {
      X.push(values as number[]);
      y.push(row.label as ClassValue);
      times.push(row.time ?? 0);
    } else dropped++;
  }
  return { X, y, times, dropped };
}

/** Recency weights: a row weighs half as much for every `halfLife` it is older than `newest`. */
export function recencyWeights(times: readonly number[], newest: number, halfLife: number): Float64Array {
  return Float64Array.from(times, (t) => 0.5 ** (Math.max(0, newest - t) / halfLife));
}

/** A Pipeline: imputation, clipping, scaling and one-hot encoding fitted with the model, so rows with missing values train too. */
export function trainPipeline(
  spec: ModelSpec,
  learner: Learner,
  records: Row[],
  labels: ClassValue[],
  sampleWeight?: Float64Array,
): { model: Pipeline; detail: Record<string, unknown> } {
  if (!learner.pipeline) throw new Error('no pipeline');
  const numeric = spec.features.filter((f) => f.type === 'numeric').map((f) => f.name);
  const categorical = spec.features.filter((f) => f.type === 'categorical').map((f) => f.name);
  const text = spec.features.filter((f) => f.type === 'text').map((f) => f.name);
  const pipeline = new Pipeline(
    {
      numeric,
      categorical,
      text,
      ...(learner.pipeline.numeric ? { numericSteps: learner.pipeline.numeric as NumericSteps } : {}),
      ...(learner.pipeline.categorical
        ? { categoricalSteps: learner.pipeline.categorical as CategoricalSteps }
        : {}),
      ...(learner.pipeline.text ? { textSteps: learner.pipeline.text as TextSteps } : {}),
    },
    createLearner(learner.kind, learner.params),
  );
  pipeline.fit(records, labels, sampleWeight ? { sampleWeight } : {});
  return {
    model: pipeline,
    detail: { pipeline: { numeric, categorical, text }, droppedRows: pipeline.droppedRows },
  };
}

/**
 * A fresh model of `learner` trained on labelled rows, as the `retrain` strategy trains one: through a Pipeline when
 * the learner has one, else on the rows whose features are all numbers. A backtest's version 1 is trained so too.
 */
export function trainFresh(
  spec: ModelSpec,
  learner: Learner,
  rows: ReadonlyArray<{ features: Readonly<Record<string, FeatureValue>>; label: ClassValue }>,
): { model: StewardModel; detail: Record<string, unknown> } {
  if (learner.pipeline)
    return trainPipeline(
      spec,
      learner,
      rows.map((r) => r.features as Row),
      rows.map((r) => r.label),
    );
  const { X, y, dropped } = toMatrix(spec, rows);
  if (X.length === 0)
    throw new Error(
      `no row has every feature numeric (${dropped} left out): categorical features need update.learner.pipeline`,
    );
  const model: CoreLearner = createLearner(learner.kind, learner.params);
  model.fit(X, y as never);
  return { model, detail: { droppedRows: dropped } };
}
