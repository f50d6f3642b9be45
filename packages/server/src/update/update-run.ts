// One update run, step by step: dataset → train → evaluate (the gate) → register → promote or roll out.
import { createLearner, Pipeline } from '@steward/core';
import type { ModelCatalog } from '../monitor/model-catalog.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/version-records.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import type { Clock } from '../time/clock.js';
import { candidateVocabulary } from './candidate-vocabulary.js';
import type { GateOutputs } from './gate.js';
import { startRollout } from './rollouts.js';
import {
  assembleDataset,
  assembleOnlineDataset,
  gateRows,
  type RunDataset,
  wholeWindow,
} from './run-dataset.js';
import { evaluateCandidate } from './run-evaluate.js';
import { RunRecorder, type UpdateRun, type UpdateTrigger } from './run-record.js';
import { loadTrainable, trainCandidate } from './strategies.js';
import { learnRows, testThenTrain } from './test-then-train.js';
import type { StewardModel } from './train-fresh.js';

export interface UpdateContext {
  store: StoreConnection;
  catalog: ModelCatalog;
  registry: Registry;
  artifacts: ArtifactStore;
  /** Run and step times (a backtest's simulated clock); step durations are measured on wall time. */
  clock: Clock;
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
  const recorder = await RunRecorder.start(context.store, context.clock, modelName, trigger, jobId);

  try {
    const policy = model.spec.update;
    if (!policy) return await recorder.finish('skipped', `model "${modelName}" has no update policy`);
    const production = await context.registry.resolve(modelName, 'production');
    // The online strategy goes on from the newest version (its last cut, promoted or not): the online model keeps
    // learning whatever the gate said about a snapshot of it.
    const online = policy.strategy === 'online';
    const base = online ? await context.registry.newest(modelName) : production;

    const trainedTo = base?.lineage.trainingWindow ? Date.parse(base.lineage.trainingWindow.to) : undefined;
    const data = await recorder.step('dataset', () =>
      online
        ? assembleOnlineDataset(context.store, modelName, model.spec, policy, trainedTo)
        : assembleDataset(context.store, modelName, model.spec, policy, trainedTo),
    );
    if (data.rows < policy.minRows)
      return await recorder.finish(
        'skipped',
        `${data.rows} labelled rows in the window, fewer than minRows ${policy.minRows}; production unchanged`,
      );
    // What retrain, fineTune, incremental and ensemble start from; the online strategy starts from `base`.
    const productionModel =
      !online && production?.format === 'steward'
        ? await loadTrainable(context.registry, production)
        : undefined;
    const productionTakesRecords =
      !production ||
      productionModel instanceof Pipeline ||
      (production.format === 'onnx' && model.spec.features.some((f) => f.type === 'text'));
    const heldOut = gateRows(model.spec, policy, data, productionTakesRecords).labels.length;
    if (production && heldOut === 0)
      return await recorder.finish(
        'skipped',
        trainedTo === undefined
          ? 'no complete held-out rows to compare on; production unchanged'
          : `no labelled rows newer than production's training window (it ends ${new Date(trainedTo).toISOString()}) to compare on; production unchanged`,
      );

    let prequential: GateOutputs | undefined;
    const trained = await recorder.step('train', async () => {
      if (!online)
        return trainCandidate(
          model.spec,
          policy,
          data,
          production
            ? { artifactPath: context.artifacts.path(production.sha256), model: productionModel }
            : undefined,
        );
      if (base && base.format !== 'steward')
        throw new Error(
          `the online strategy goes on from a Steward model file, and version ${base.version} is ${base.format}: register a Steward model`,
        );
      // No version yet: the first cut is a new learner that learnt the window's rows one at a time.
      const learner = base ? await loadTrainable(context.registry, base) : newOnlineLearner(policy);
      if (base) prequential = await testThenTrain(model.spec, learner, data.trainX, data.trainY);
      else learnRows(learner, data.trainX, data.trainY);
      return {
        value: { bytes: Buffer.from(JSON.stringify(learner.toJSON())), curves: {} },
        detail: { strategy: 'online', from: base?.version ?? null, rows: data.trainX.length },
      };
    });
    let { curves } = trained;
    const candidateBytes = trained.bytes;
    const candidateFormat: 'steward' | 'onnx' = candidateBytes[0] === 0x08 ? 'onnx' : 'steward';

    const decision = await recorder.step('evaluate', () =>
      evaluateCandidate(
        context.artifacts,
        model.spec,
        policy,
        data,
        { bytes: candidateBytes, format: candidateFormat },
        production,
        productionTakesRecords,
        prequential,
      ),
    );

    // The parameters a tune search chose (the lineage records them; a refit reuses them).
    const best = recorder.run.steps.find((st) => st.name === 'train')?.detail.best as
      | Record<string, unknown>
      | undefined;
    // Refit after the pass: the gate judged the method on held-out rows; what serves learns from them too.
    const passed = !production || decision?.promote === true;
    const refit =
      policy.refit && !online && passed && heldOut > 0
        ? await recorder.step('refit', () =>
            refitCandidate(context, model.spec, policy, data, {
              production,
              productionModel,
              best,
              candidateBytes,
            }),
          )
        : undefined;
    if (refit) curves = { ...curves, ...refit.curves };

    const vocabulary = await candidateVocabulary(
      context.registry,
      model.spec,
      policy,
      data,
      refit !== undefined,
      base,
    );
    const version = await recorder.step('register', async () => {
      const registered = await context.registry.register(modelName, refit?.bytes ?? candidateBytes, {
        format: candidateFormat,
        ...(vocabulary ? { vocabulary } : {}),
        ...(base ? { parent: base.version } : {}),
        description: `update run ${recorder.run.id}`,
        lineage: {
          strategy: policy.strategy,
          parameters: { ...(policy.learner?.params ?? {}), ...(best ?? {}) },
          learner: policy.learner?.kind ?? null,
          trainingWindow: { from: new Date(data.from).toISOString(), to: new Date(data.to).toISOString() },
          evaluation: decision
            ? { primary: decision.primary, guards: decision.guards, test: decision.test }
            : {},
          ...(refit ? { refit: { rows: refit.rows, gatedSha256: refit.gatedSha256 } } : {}),
          updateRun: recorder.run.id,
        },
        actor: trigger.actor ?? 'update-loop',
      });
      recorder.run.candidateVersion = registered.version;
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
      recorder.skip('promote', { reasons: decision.reasons });
      return await recorder.finish(
        'rejected',
        `gate rejected version ${version.version}: ${decision.reasons.join('; ')}; production stays ${production?.version}`,
      );
    }
    if (production && policy.rollout.mode !== 'direct') {
      const rollout = await recorder.step('promote', async () => {
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
      return await recorder.finish(
        'rolling-out',
        `version ${version.version} passed the gate and is rolling out as a ${rollout.mode} (decided after ${rollout.minLabelled} labelled predictions); production stays ${production.version} until then`,
      );
    }
    await recorder.step('promote', async () => {
      const change = await context.registry.promote(modelName, version.version, 'production', {
        actor: trigger.actor ?? 'update-loop',
        reason: decision ? `gate: ${decision.reasons.join('; ')}` : 'first version',
      });
      return { value: change, detail: { ...change } };
    });
    return await recorder.finish(
      'promoted',
      `version ${version.version} promoted to production${production ? ` over ${production.version}` : ''}: ${decision?.reasons.join('; ') ?? 'first version'}`,
    );
  } catch (error) {
    return recorder.finish('failed', `${(error as Error).message}; production unchanged`);
  }
}

function newOnlineLearner(policy: UpdatePolicy): StewardModel {
  if (!policy.learner) throw new Error('the online strategy needs update.learner for its first version');
  return createLearner(policy.learner.kind, policy.learner.params) as StewardModel;
}

/**
 * The refit step: the candidate that passed trained again, the same way, on the whole window (held-out rows
 * included); a tuned one with the parameters its search chose, not searched again. The gated candidate's bytes stay
 * in the artifact store, named in the lineage.
 */
async function refitCandidate(
  context: UpdateContext,
  spec: ModelSpec,
  policy: UpdatePolicy,
  data: RunDataset,
  trained: {
    production: ModelVersion | undefined;
    productionModel: StewardModel | undefined;
    best: Record<string, unknown> | undefined;
    candidateBytes: Buffer;
  },
) {
  const { production, best } = trained;
  const refitPolicy: UpdatePolicy =
    policy.strategy === 'tune' && best && policy.learner
      ? {
          ...policy,
          strategy: 'retrain',
          learner: { ...policy.learner, params: { ...policy.learner.params, ...best } },
        }
      : policy;
  // fineTune and incremental went on from production's model in place: go on from a fresh copy of it.
  const mutated = policy.strategy === 'fineTune' || policy.strategy === 'incremental';
  const productionModel =
    mutated && production?.format === 'steward'
      ? await loadTrainable(context.registry, production)
      : trained.productionModel;
  const whole = wholeWindow(data);
  const result = await trainCandidate(
    spec,
    refitPolicy,
    whole,
    production
      ? { artifactPath: context.artifacts.path(production.sha256), model: productionModel }
      : undefined,
  );
  const gatedSha256 = context.artifacts.put(trained.candidateBytes).sha256;
  const rows = whole.trainY.length;
  return {
    value: { ...result.value, rows, gatedSha256 },
    detail: { rows, gatedSha256 },
  };
}
