// How a candidate is trained: the strategies (retrain, fineTune, incremental, ensemble, tune, external, pipelines)
// and the model file production is loaded from to go on from it.
import {
  applyFineTuneOptions,
  type Learner as CoreLearner,
  createLearner,
  LEARNERS,
  Pipeline,
  type Row,
  restoreModel,
  type Space,
  Stacking,
  tune,
  Voting,
  WeightedAverage,
} from '@steward/core';
import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/version-records.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import { trainExternally } from './external-trainer.js';
import type { RunDataset } from './run-dataset.js';
import { type Learner, recencyWeights, type StewardModel, trainPipeline } from './train-fresh.js';

/** The ensemble strategy fuses at most this many models: production's latest members and the new one. */
export const MAX_ENSEMBLE_MEMBERS = 4;

/** Training curves by metric name, one value per step (epoch, trial…), saved with the version it trained. */
export type Curves = Record<string, number[]>;

function curvesOf(model: StewardModel): Curves {
  const curves: Curves = {};
  const { lossCurve, validationScores } = model as { lossCurve?: unknown; validationScores?: unknown };
  if (Array.isArray(lossCurve) && lossCurve.length > 0) curves.loss = lossCurve as number[];
  if (Array.isArray(validationScores) && validationScores.length > 0)
    curves['validation score'] = validationScores as number[];
  return curves;
}

// The last quarter of the training rows scores ensemble weights and tuning trials; the held-out rows stay for the gate.
function validationSplit(X: number[][], y: ClassValue[]) {
  const cut = Math.floor(X.length * 0.75);
  return { fitX: X.slice(0, cut), fitY: y.slice(0, cut), valX: X.slice(cut), valY: y.slice(cut) };
}

/**
 * A pipeline's run: retrain fits a new one; fineTune and incremental go on from production's pipeline with its
 * preprocessing (scaling, categories, idf) kept, as a pretrained model keeps its tokenizer.
 */
function trainPipelineRun(
  policy: UpdatePolicy,
  spec: ModelSpec,
  records: Row[],
  labels: ClassValue[],
  production: StewardModel | undefined,
  sampleWeight?: Float64Array,
): { model: StewardModel; detail: Record<string, unknown> } {
  const { strategy } = policy;
  if (strategy !== 'retrain' && strategy !== 'fineTune' && strategy !== 'incremental')
    throw new Error(
      `update.learner.pipeline works with the retrain, fineTune and incremental strategies, not ${strategy}`,
    );
  if (strategy === 'retrain' || !production)
    return trainPipeline(spec, policy.learner as Learner, records, labels, sampleWeight);
  if (!(production instanceof Pipeline))
    throw new Error(
      `the ${strategy} strategy goes on from production's pipeline, but production is a ${production.constructor.name}: use retrain once`,
    );
  const tuned = fineTuneOptions(policy, production.model);
  if (strategy === 'fineTune') production.fit(records, labels, { warmStart: true });
  else production.partialFit(records, labels);
  return {
    model: production,
    detail: { wentOnFrom: 'production pipeline', droppedRows: production.droppedRows, ...tuned },
  };
}

async function train(
  policy: UpdatePolicy,
  task: 'binary' | 'multiclass' | 'regression',
  X: number[][],
  y: ClassValue[],
  production: StewardModel | undefined,
  /** Recency weights of the rows (update.halfLife), for retrain and tune. */
  sampleWeight?: Float64Array,
): Promise<{ model: StewardModel; detail: Record<string, unknown>; curves?: Curves }> {
  const weighted = (rows: Float64Array | undefined) => (rows ? { sampleWeight: rows } : undefined);
  const needLearner = () => {
    if (!policy.learner) throw new Error(`the ${policy.strategy} strategy needs update.learner`);
    return policy.learner;
  };
  if (policy.strategy === 'ensemble') {
    if (!production)
      throw new Error(
        'the ensemble strategy fuses production with a new model: production must be a Steward model file',
      );
    const learner = needLearner();
    const { fitX, fitY, valX, valY } = validationSplit(X, y);
    if (production instanceof Pipeline)
      throw new Error('the ensemble strategy fuses models of the feature matrix: production is a pipeline');
    const fresh = createLearner(learner.kind, learner.params);
    fresh.fit(fitX, fitY as never);
    // Production may itself be a fused model: keep its latest members, so the ensemble slides instead of nesting.
    const previous =
      production instanceof WeightedAverage
        ? production.models.slice(-(MAX_ENSEMBLE_MEMBERS - 1))
        : [production];
    const ensemble = new WeightedAverage([...previous, fresh]).fitWeights(valX, valY as never);
    return {
      model: ensemble,
      detail: {
        weights: [...ensemble.weights],
        members: [...previous.map((_, i) => `production member ${i + 1}`), learner.kind],
      },
    };
  }
  if (policy.strategy === 'tune') {
    const learner = needLearner();
    if (!policy.tune) throw new Error('the tune strategy needs update.tune (space, budget)');
    const { fitX, fitY, valX, valY } = validationSplit(X, y);
    const fitWeight = sampleWeight?.subarray(0, fitX.length);
    const result = await tune({
      space: policy.tune.space as Space,
      algorithm: policy.tune.algorithm,
      budget: policy.tune.budget,
      seed: policy.tune.seed,
      direction: task === 'regression' ? 'minimize' : 'maximize',
      objective: (params) => {
        const model = createLearner(learner.kind, { ...learner.params, ...params });
        model.fit(fitX, fitY as never, weighted(fitWeight));
        const predicted = Array.from(model.predict(valX)) as ClassValue[];
        if (task === 'regression')
          return (
            predicted.reduce<number>((s, p, i) => s + (Number(p) - Number(valY[i])) ** 2, 0) / valY.length
          );
        return predicted.filter((p, i) => p === valY[i]).length / valY.length;
      },
    });
    if (!result.best) throw new Error('every tuning trial failed');
    const model = createLearner(learner.kind, { ...learner.params, ...result.best.params });
    model.fit(X, y as never, weighted(sampleWeight));
    let best = task === 'regression' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    const tuning = { 'trial score': [] as number[], 'best score': [] as number[] };
    for (const trial of result.trials) {
      if (trial.score === undefined) continue;
      best = task === 'regression' ? Math.min(best, trial.score) : Math.max(best, trial.score);
      tuning['trial score'].push(trial.score);
      tuning['best score'].push(best);
    }
    return {
      model,
      detail: { best: result.best.params, validationScore: result.best.score, trials: result.trials.length },
      curves: tuning,
    };
  }
  if (policy.strategy === 'retrain' || !production) {
    const learner = needLearner();
    const model = createLearner(learner.kind, learner.params);
    model.fit(X, y as never, weighted(sampleWeight));
    return { model, detail: sampleWeight ? { halfLife: policy.halfLife } : {} };
  }
  const single = singleLearner(production, policy.strategy);
  const tuned = fineTuneOptions(policy, single);
  if (policy.strategy === 'fineTune') {
    single.fit(X, y as never, { warmStart: true });
    return { model: single, detail: tuned };
  }
  if (!single.partialFit)
    throw new Error(
      'production has no partialFit: the incremental strategy needs an online learner (SGD, GaussianNB, MLP)',
    );
  single.partialFit(X, y as never);
  return { model: single, detail: {} };
}

/**
 * Going on from production's model: the policy's learner params that may change on a fitted model (its definition's
 * `fineTunable`: frozen layers, step size, epochs) are set on it; the rest stay as production was trained. Only when
 * the policy names production's own kind of learner.
 */
function fineTuneOptions(policy: UpdatePolicy, model: CoreLearner): { fineTuneOptions?: string[] } {
  const learner = policy.learner;
  if (!learner) return {};
  const definition = LEARNERS.get(learner.kind);
  if (!definition || model.constructor.name !== learner.kind) return {};
  const set = applyFineTuneOptions(definition, model, learner.params as Record<string, unknown>);
  return set.length > 0 ? { fineTuneOptions: set } : {};
}

/** fineTune and incremental go on from production's own state: it must be one learner, not a pipeline or ensemble. */
function singleLearner(production: StewardModel, strategy: string): CoreLearner {
  if (
    production instanceof Pipeline ||
    production instanceof WeightedAverage ||
    production instanceof Voting ||
    production instanceof Stacking
  ) {
    throw new Error(
      `the ${strategy} strategy goes on from production's learner, but production is a ${production.constructor.name}: use retrain`,
    );
  }
  return production;
}

function textOrNumber(v: unknown): string | number | null {
  return typeof v === 'number' || typeof v === 'string'
    ? v
    : v === null || v === undefined
      ? null
      : String(v);
}

/** Production's model file as a model to go on from (fineTune, incremental, ensemble). */
export async function loadTrainable(registry: Registry, version: ModelVersion): Promise<StewardModel> {
  const { bytes } = await registry.artifact(version.model, version.version);
  return restoreModel(JSON.parse(bytes.toString('utf8')));
}

/** The train step: the candidate's bytes (a Steward model file or, from an external trainer, ONNX) and its curves. */
export async function trainCandidate(
  spec: ModelSpec,
  policy: UpdatePolicy,
  data: RunDataset,
  production: { artifactPath: string; model: StewardModel | undefined } | undefined,
): Promise<{ value: { bytes: Buffer; curves: Curves }; detail: Record<string, unknown> }> {
  const trainX = data.trainX;
  const trainY = data.trainY;
  if (policy.strategy === 'external') {
    if (!policy.command) throw new Error('the external strategy needs update.command');
    // A text feature goes to the trainer as the text itself (a Hugging Face script tokenizes it); a model of numbers
    // gets the rows whose features are all numbers, as before.
    const text = spec.features.some((f) => f.type === 'text');
    const names = spec.features.map((f) => f.name);
    const result = await trainExternally({
      command: policy.command,
      timeoutMs: policy.timeout,
      featureNames: names,
      X: text ? data.records.map((r) => names.map((n) => textOrNumber(r[n]))) : trainX,
      y: text ? data.recordLabels : trainY,
      productionPath: production?.artifactPath ?? '',
    });
    return {
      value: { bytes: result.bytes, curves: {} },
      detail: {
        strategy: 'external',
        rows: text ? data.records.length : trainX.length,
        seconds: result.seconds,
        log: result.log,
      },
    };
  }
  const weigh = (times: number[]) =>
    policy.halfLife !== undefined ? recencyWeights(times, data.to - 1, policy.halfLife) : undefined;
  const trained: { model: StewardModel; detail: Record<string, unknown>; curves?: Curves } = policy.learner
    ?.pipeline
    ? trainPipelineRun(
        policy,
        spec,
        data.records,
        data.recordLabels,
        production?.model,
        weigh(data.recordTimes),
      )
    : await train(policy, spec.task, trainX, trainY, production?.model, weigh(data.trainTimes));
  return {
    value: {
      bytes: Buffer.from(JSON.stringify(trained.model.toJSON())),
      curves: { ...curvesOf(trained.model), ...trained.curves },
    },
    detail: {
      strategy: policy.strategy,
      learner: policy.learner?.kind ?? null,
      rows: trainX.length,
      ...trained.detail,
    },
  };
}
