import { randomUUID } from 'node:crypto';
import {
  type Learner as CoreLearner,
  createLearner,
  Pipeline,
  type Row,
  restoreModel,
  type Space,
  Stacking,
  seededRandom,
  tune,
  Voting,
  WeightedAverage,
} from '@steward/core';
import type { ModelCatalog } from '../monitor/model-catalog.js';
import { getReference } from '../monitor/references.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { loadPredictor, onnxPredictor, stewardPredictor } from '../registry/predictor.js';
import type { ModelVersion, Registry } from '../registry/registry.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { latestLabelledTime, queryPredictions } from '../store/predictions.js';
import type { Clock } from '../time/clock.js';
import { trainExternally } from './external-trainer.js';
import { evaluateGate, type GateDecision, type GateOutputs } from './gate.js';
import { startRollout } from './rollouts.js';
import { type Learner, type StewardModel, toMatrix, trainPipeline } from './train-fresh.js';

export interface UpdateTrigger {
  kind: 'manual' | 'check' | 'schedule';
  reason?: string;
  check?: string;
  windowStart?: number;
  actor?: string;
}

export interface RunStep {
  name: 'dataset' | 'train' | 'evaluate' | 'register' | 'promote';
  status: 'done' | 'failed' | 'skipped';
  startedAt: number;
  finishedAt: number;
  /** How long the step took on the machine (wall time), whatever the clock says. */
  seconds: number;
  detail: Record<string, unknown>;
}

export type RunStatus = 'running' | 'promoted' | 'rolling-out' | 'rejected' | 'skipped' | 'failed';

export interface UpdateRun {
  id: string;
  model: string;
  jobId: string | null;
  trigger: UpdateTrigger;
  status: RunStatus;
  steps: RunStep[];
  /** In words: what happened and why. */
  outcome: string | null;
  candidateVersion: number | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface UpdateContext {
  store: StoreConnection;
  catalog: ModelCatalog;
  registry: Registry;
  artifacts: ArtifactStore;
  /** Run and step times (a backtest's simulated clock); step durations are measured on wall time. */
  clock: Clock;
}

/** The ensemble strategy fuses at most this many models: production's latest members and the new one. */
export const MAX_ENSEMBLE_MEMBERS = 4;

/** Training curves by metric name, one value per step (epoch, trial…), saved with the version it trained. */
type Curves = Record<string, number[]>;

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

function trainPipelineRun(
  policy: UpdatePolicy,
  spec: ModelSpec,
  records: Row[],
  labels: ClassValue[],
): { model: StewardModel; detail: Record<string, unknown> } {
  if (policy.strategy !== 'retrain')
    throw new Error('update.learner.pipeline works with the retrain strategy');
  return trainPipeline(spec, policy.learner as Learner, records, labels);
}

async function train(
  policy: UpdatePolicy,
  task: 'binary' | 'multiclass' | 'regression',
  X: number[][],
  y: ClassValue[],
  production: StewardModel | undefined,
): Promise<{ model: StewardModel; detail: Record<string, unknown>; curves?: Curves }> {
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
    const result = await tune({
      space: policy.tune.space as Space,
      algorithm: policy.tune.algorithm,
      budget: policy.tune.budget,
      seed: policy.tune.seed,
      direction: task === 'regression' ? 'minimize' : 'maximize',
      objective: (params) => {
        const model = createLearner(learner.kind, { ...learner.params, ...params });
        model.fit(fitX, fitY as never);
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
    model.fit(X, y as never);
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
    model.fit(X, y as never);
    return { model, detail: {} };
  }
  const single = singleLearner(production, policy.strategy);
  if (policy.strategy === 'fineTune') {
    single.fit(X, y as never, { warmStart: true });
    return { model: single, detail: {} };
  }
  if (!single.partialFit)
    throw new Error(
      'production has no partialFit: the incremental strategy needs an online learner (SGD, GaussianNB, MLP)',
    );
  single.partialFit(X, y as never);
  return { model: single, detail: {} };
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

/**
 * One update run: dataset (the policy's window of the most recent labelled predictions, split by time into training
 * and held-out rows) → train (retrain, fine-tune or incremental) → evaluate (the gate, candidate against production
 * on the same held-out rows) → register the candidate with its lineage → promote it only if the gate says so. Any
 * failure stops the run and leaves production as it was. Every step is recorded as it finishes.
 */
export async function runUpdate(
  context: UpdateContext,
  modelName: string,
  trigger: UpdateTrigger,
  jobId: string | null = null,
): Promise<UpdateRun> {
  const model = await context.catalog.get(modelName);
  if (!model) throw new Error(`model "${modelName}" not found`);
  const run: UpdateRun = {
    id: randomUUID(),
    model: modelName,
    jobId,
    trigger,
    status: 'running',
    steps: [],
    outcome: null,
    candidateVersion: null,
    startedAt: context.clock.now(),
    finishedAt: null,
  };
  await context.store.db
    .insertInto('update_runs')
    .values({
      id: run.id,
      model: modelName,
      job_id: jobId,
      trigger: JSON.stringify(trigger),
      status: run.status,
      steps: '[]',
      outcome: null,
      candidate_version: null,
      started_at: run.startedAt,
      finished_at: null,
    })
    .execute();
  const save = () =>
    context.store.db
      .updateTable('update_runs')
      .set({
        status: run.status,
        steps: JSON.stringify(run.steps),
        outcome: run.outcome,
        candidate_version: run.candidateVersion,
        finished_at: run.finishedAt,
      })
      .where('id', '=', run.id)
      .execute();
  const step = async <T>(
    name: RunStep['name'],
    work: () => Promise<{ value: T; detail: Record<string, unknown> }>,
  ): Promise<T> => {
    const startedAt = context.clock.now();
    const wall = performance.now();
    const seconds = () => Math.round(performance.now() - wall) / 1000;
    try {
      const { value, detail } = await work();
      run.steps.push({
        name,
        status: 'done',
        startedAt,
        finishedAt: context.clock.now(),
        seconds: seconds(),
        detail,
      });
      await save();
      return value;
    } catch (error) {
      run.steps.push({
        name,
        status: 'failed',
        startedAt,
        finishedAt: context.clock.now(),
        seconds: seconds(),
        detail: { error: (error as Error).message },
      });
      throw error;
    }
  };
  const finish = async (status: RunStatus, outcome: string) => {
    run.status = status;
    run.outcome = outcome;
    run.finishedAt = context.clock.now();
    await save();
    return run;
  };

  try {
    const policy = model.spec.update;
    if (!policy) return await finish('skipped', `model "${modelName}" has no update policy`);
    const production = await context.registry.resolve(modelName, 'production');

    const data = await step('dataset', async () => {
      const to = ((await latestLabelledTime(context.store.db, modelName)) ?? 0) + 1;
      const from = to - policy.window;
      const rows = await queryPredictions(context.store.db, modelName, {
        from,
        to,
        labelled: true,
        features: true,
      });
      // Split by time first: the most recent rows are held out whatever their features hold.
      const cut = Math.floor(rows.length * (1 - policy.holdoutShare));
      const trainingRows = rows.slice(0, cut);
      let referenceRows = 0;
      if (policy.referenceSample) {
        const reference = await getReference(context.store, modelName, policy.referenceSample.name);
        if (!reference)
          throw new Error(
            `update.referenceSample: no reference "${policy.referenceSample.name}" (upload it with PUT …/references/${policy.referenceSample.name})`,
          );
        const labelled = reference.filter((r) => r.label !== undefined && r.label !== null);
        const random = seededRandom(policy.referenceSample.seed);
        for (let i = labelled.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [labelled[i], labelled[j]] = [
            labelled[j] as (typeof labelled)[number],
            labelled[i] as (typeof labelled)[number],
          ];
        }
        const sample = labelled.slice(0, policy.referenceSample.rows);
        referenceRows = sample.length;
        // Older than anything in the window, so they come first in the time-ordered training rows.
        trainingRows.unshift(
          ...sample.map(({ label, ...features }, i) => ({
            id: `reference-${i}`,
            time: from,
            version: null,
            segment: null,
            features,
            output: label as ClassValue,
            score: null,
            proba: null,
            label: label as ClassValue,
          })),
        );
      }
      const training = toMatrix(model.spec, trainingRows);
      const heldOut = toMatrix(model.spec, rows.slice(cut));
      return {
        value: {
          trainX: training.X,
          trainY: training.y,
          heldX: heldOut.X,
          heldY: heldOut.y,
          records: trainingRows.map((r) => r.features as Row),
          recordLabels: trainingRows.map((r) => r.label as ClassValue),
          rows: rows.length,
          from,
          to,
        },
        detail: {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          rows: rows.length,
          training: cut,
          referenceRows,
          heldOut: heldOut.X.length,
          incompleteTraining: training.dropped,
          incompleteHeldOut: heldOut.dropped,
        },
      };
    });
    if (data.rows < policy.minRows)
      return await finish(
        'skipped',
        `${data.rows} labelled rows in the window, fewer than minRows ${policy.minRows}; production unchanged`,
      );

    const productionModel =
      production?.format === 'steward' ? await loadTrainable(context, production) : undefined;
    let curves: Curves = {};
    const candidate = await step('train', async () => {
      const trainX = data.trainX;
      const trainY = data.trainY;
      if (policy.strategy === 'external') {
        if (!policy.command) throw new Error('the external strategy needs update.command');
        const result = await trainExternally({
          command: policy.command,
          timeoutMs: policy.timeout,
          featureNames: model.spec.features.map((f) => f.name),
          X: trainX,
          y: trainY,
          productionPath: production ? context.artifacts.path(production.sha256) : '',
        });
        return {
          value: result.bytes,
          detail: { strategy: 'external', rows: trainX.length, seconds: result.seconds, log: result.log },
        };
      }
      const trained: { model: StewardModel; detail: Record<string, unknown>; curves?: Curves } = policy
        .learner?.pipeline
        ? trainPipelineRun(policy, model.spec, data.records, data.recordLabels)
        : await train(policy, model.spec.task, trainX, trainY, productionModel);
      curves = { ...curvesOf(trained.model), ...trained.curves };
      return {
        value: Buffer.from(JSON.stringify(trained.model.toJSON())),
        detail: {
          strategy: policy.strategy,
          learner: policy.learner?.kind ?? null,
          rows: trainX.length,
          ...trained.detail,
        },
      };
    });
    const candidateBytes = candidate;
    const candidateFormat: 'steward' | 'onnx' = candidateBytes[0] === 0x08 ? 'onnx' : 'steward';

    const decision = await step('evaluate', async () => {
      const heldX = data.heldX;
      const heldY = data.heldY;
      const rows = heldX.map((x) =>
        Object.fromEntries(model.spec.features.map((f, i) => [f.name, x[i] as number])),
      );
      const candidatePredictor =
        candidateFormat === 'onnx'
          ? await onnxPredictor(
              model.spec,
              { version: 0 } as ModelVersion,
              context.artifacts.path(context.artifacts.put(candidateBytes).sha256),
            )
          : stewardPredictor(model.spec, { version: 0 } as ModelVersion, candidateBytes);
      const outputsOf = async (predictor: {
        predict(
          rows: never,
        ): Promise<Array<{ output: ClassValue; score: number | null; proba: Record<string, number> | null }>>;
      }) => {
        const served = await predictor.predict(rows as never);
        const outputs: GateOutputs = { output: served.map((s) => s.output) };
        if (served.every((s) => s.score !== null)) outputs.score = served.map((s) => s.score as number);
        if (served.every((s) => s.proba !== null))
          outputs.proba = served.map((s) => s.proba as Record<string, number>);
        return outputs;
      };
      const candidateOutputs = await outputsOf(candidatePredictor);
      if (!production) {
        return {
          value: undefined as GateDecision | undefined,
          detail: {
            note: 'no production version: the first version is promoted without a gate',
            rows: heldY.length,
          },
        };
      }
      const productionOutputs = await outputsOf(
        await loadPredictor(model.spec, production, context.artifacts),
      );
      const gate = evaluateGate(model.spec, heldY, productionOutputs, candidateOutputs, {
        ...(policy.gate.primary ? { primary: policy.gate.primary } : {}),
        mode: policy.gate.mode,
        minImprovement: policy.gate.minImprovement,
        guards: policy.gate.guards,
        alpha: policy.gate.alpha,
      });
      return { value: gate as GateDecision | undefined, detail: { ...gate } };
    });

    const version = await step('register', async () => {
      const registered = await context.registry.register(modelName, candidateBytes, {
        format: candidateFormat,
        ...(production ? { parent: production.version } : {}),
        description: `update run ${run.id}`,
        lineage: {
          strategy: policy.strategy,
          parameters: {
            ...(policy.learner?.params ?? {}),
            ...((run.steps.find((st) => st.name === 'train')?.detail.best as
              | Record<string, unknown>
              | undefined) ?? {}),
          },
          learner: policy.learner?.kind ?? null,
          trainingWindow: { from: new Date(data.from).toISOString(), to: new Date(data.to).toISOString() },
          evaluation: decision
            ? { primary: decision.primary, guards: decision.guards, test: decision.test }
            : {},
          updateRun: run.id,
        },
        actor: trigger.actor ?? 'update-loop',
      });
      run.candidateVersion = registered.version;
      const points = Object.entries(curves).flatMap(([metric, values]) =>
        values.map((value, step) => ({ step, metric, value })),
      );
      if (points.length > 0) await context.registry.logSteps(modelName, registered.version, points);
      return {
        value: registered,
        detail: { version: registered.version, sha256: registered.sha256, curvePoints: points.length },
      };
    });

    if (decision && !decision.promote) {
      run.steps.push({
        name: 'promote',
        status: 'skipped',
        startedAt: context.clock.now(),
        finishedAt: context.clock.now(),
        seconds: 0,
        detail: { reasons: decision.reasons },
      });
      return await finish(
        'rejected',
        `gate rejected version ${version.version}: ${decision.reasons.join('; ')}; production stays ${production?.version}`,
      );
    }
    if (production && policy.rollout.mode !== 'direct') {
      const rollout = await step('promote', async () => {
        const started = await startRollout(context, modelName, version.version, {
          ...policy.rollout,
          mode: policy.rollout.mode as 'shadow' | 'canary',
          actor: trigger.actor ?? 'update-loop',
        });
        return {
          value: started,
          detail: {
            rollout: started.id,
            mode: started.mode,
            share: started.share,
            minLabelled: started.minLabelled,
          },
        };
      });
      return await finish(
        'rolling-out',
        `version ${version.version} passed the gate and is rolling out as a ${rollout.mode} (decided after ${rollout.minLabelled} labelled predictions); production stays ${production.version} until then`,
      );
    }
    await step('promote', async () => {
      const change = await context.registry.promote(modelName, version.version, 'production', {
        actor: trigger.actor ?? 'update-loop',
        reason: decision ? `gate: ${decision.reasons.join('; ')}` : 'first version',
      });
      return { value: change, detail: { ...change } };
    });
    return await finish(
      'promoted',
      `version ${version.version} promoted to production${production ? ` over ${production.version}` : ''}: ${decision?.reasons.join('; ') ?? 'first version'}`,
    );
  } catch (error) {
    return finish('failed', `${(error as Error).message}; production unchanged`);
  }
}

async function loadTrainable(context: UpdateContext, version: ModelVersion): Promise<StewardModel> {
  const { bytes } = await context.registry.artifact(version.model, version.version);
  return restoreModel(JSON.parse(bytes.toString('utf8')));
}

/** Where a page of runs ends: the last run's start and id (runs may share a start time). */
export interface RunCursor {
  startedAt: number;
  id: string;
}

export function encodeRunCursor(run: RunCursor): string {
  return `${run.startedAt}~${run.id}`;
}

export function decodeRunCursor(text: string): RunCursor | undefined {
  const match = /^(\d+)~([\w-]{1,64})$/.exec(text);
  return match ? { startedAt: Number(match[1]), id: match[2] as string } : undefined;
}

/** A model's runs, newest first: `limit` of them after `cursor` (the last run of the page before). */
export async function listRuns(
  store: StoreConnection,
  model: string,
  limit = 50,
  cursor?: RunCursor,
): Promise<UpdateRun[]> {
  let query = store.db
    .selectFrom('update_runs')
    .selectAll()
    .where('model', '=', model)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (cursor)
    query = query.where((eb) =>
      eb.or([
        eb('started_at', '<', cursor.startedAt),
        eb.and([eb('started_at', '=', cursor.startedAt), eb('id', '<', cursor.id)]),
      ]),
    );
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    model: r.model,
    jobId: r.job_id,
    trigger: JSON.parse(r.trigger) as UpdateTrigger,
    status: r.status as RunStatus,
    steps: JSON.parse(r.steps) as RunStep[],
    outcome: r.outcome,
    candidateVersion: r.candidate_version === null ? null : Number(r.candidate_version),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  }));
}
