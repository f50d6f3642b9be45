import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  DEFAULT_BINARY_ONLINE_LEARNER,
  DEFAULT_DETECTOR,
  DEFAULT_LEARNER,
  DEFAULT_LEARNER_PARAMS,
  DEFAULT_ONLINE_LEARNER,
  DEFAULT_TEXT_LEARNER,
  DEFAULT_TEXT_LEARNER_PARAMS,
} from '@steward/core';
import { parse as parseYaml } from 'yaml';
import type { ModelSpec } from '../spec/model-spec.js';
import { ModelSpecError, parseModelSpec } from '../spec/model-spec.js';
import type { Learner } from '../update/train-fresh.js';
import { BacktestInputError } from './backtest-error.js';
import type { History, Task } from './history.js';
import { describeSpan, formatDuration } from './span.js';
import { spanMs, type Timeline } from './timeline.js';

/** A maintenance policy as a backtest replays it: a complete model spec and the learner of its version 1. */
export interface BacktestPolicy {
  /** The strategy's name in the report (the policy file's name without its extension). */
  name: string;
  /** The policy file, or `default` / `scheduled-ungated` for the ones a backtest makes. */
  source: string;
  spec: ModelSpec;
  /** Version 1: this learner on the training span (the policy's `update.learner`, or the default one). */
  initial: Learner;
  description: string;
}

export interface PolicyContext {
  history: History;
  timeline: Timeline;
  /** The model's name in the backtest's store. */
  model: string;
}

/** A policy file: a `steward.yaml` with one model under `models:`, or that model's spec alone. */
export function readPolicyFile(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BacktestInputError(
      '--policy',
      `--policy: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const models = (doc as { models?: unknown } | null)?.models;
  const spec = Array.isArray(models) ? models : [doc];
  if (spec.length !== 1 || typeof spec[0] !== 'object' || spec[0] === null || Array.isArray(spec[0]))
    throw new BacktestInputError(
      '--policy',
      `--policy ${file}: expected one model (a "models:" list with one entry, or the model's spec alone)`,
    );
  return spec[0] as Record<string, unknown>;
}

export function policyName(file: string): string {
  return basename(file, extname(file));
}

/** The task a policy states, if it states one (it decides how the history's label is read). */
export function statedTask(raw: Record<string, unknown>): Task | undefined {
  const task = raw.task;
  return task === 'binary' || task === 'multiclass' || task === 'regression' ? task : undefined;
}

/**
 * The learner a backtest gives a policy that names none; with text features, the default text learner in a
 * pipeline (hashed n-grams), since the tree learners take numbers only.
 */
export function defaultLearner(task: Task, text = false): Learner {
  if (text && task !== 'regression')
    return {
      kind: DEFAULT_TEXT_LEARNER,
      params: { ...DEFAULT_TEXT_LEARNER_PARAMS },
      pipeline: { categorical: { handleUnknown: 'ignore' }, text: {} },
    };
  return {
    kind: DEFAULT_LEARNER[task === 'regression' ? 'regression' : 'classification'],
    params: { ...DEFAULT_LEARNER_PARAMS },
  };
}

/**
 * Completes a policy for the history: features, classes, window and label grace filled from the data where the
 * file leaves them out; a learner for version 1 and for the update runs; a one-hot pipeline when features are
 * categorical. Whatever the file states must agree with the data, or the error names the field.
 */
export function completePolicy(
  raw: Record<string, unknown>,
  source: string,
  name: string,
  context: PolicyContext,
): BacktestPolicy {
  const { history, timeline } = context;
  const where = `--policy ${source}`;
  const fail = (message: string) => new BacktestInputError('--policy', `${where}: ${message}`);
  const input: Record<string, unknown> = { ...raw, name: context.model };
  if (input.task !== undefined && input.task !== history.task)
    throw fail(
      `task ${JSON.stringify(input.task)}, but the label '${history.label}' reads as ${history.task} (pass --task ${String(input.task)} if it is one)`,
    );
  input.task = history.task;

  const columns = new Map(history.features.map((f) => [f.name, f.type]));
  if (input.features === undefined)
    input.features = history.features.map((f) => ({ name: f.name, type: f.type }));
  else if (Array.isArray(input.features)) {
    input.features.forEach((f: unknown, i: number) => {
      const feature = f as { name?: unknown; type?: unknown; fromLabels?: unknown } | null;
      // Steward computes it from the labels: the history need not have it.
      if (feature?.fromLabels !== undefined) return;
      const type = columns.get(String(feature?.name));
      if (type === undefined)
        throw fail(
          `features[${i}]: '${String(feature?.name)}' is not a feature of the history (${[...columns.keys()].join(', ')})`,
        );
      if (feature?.type !== type)
        throw fail(
          `features[${i}]: '${String(feature?.name)}' is ${String(feature?.type)} in the policy but ${type} in the history`,
        );
    });
  }
  if (history.classes && input.task !== 'regression') {
    if (input.classes === undefined) input.classes = history.classes;
    else if (Array.isArray(input.classes)) {
      const stated = new Set(input.classes as unknown[]);
      const missing = history.classes.filter((c) => !stated.has(c));
      if (missing.length > 0)
        throw fail(
          `classes leave out ${missing.map((c) => JSON.stringify(c)).join(', ')}, which the label holds`,
        );
    }
  }
  const windowMs = spanMs(timeline.cadence, timeline);
  input.window ??= windowMs;
  input.labelGrace ??= spanMs(timeline.delay, timeline);
  input.alertCooldown ??= input.window;
  input.notifiers ??= [];
  const text = history.features.some((f) => f.type === 'text');
  // Text is learnt through a pipeline of hashed n-grams: a learner named without one gets one.
  const named = (input.update as { learner?: { pipeline?: unknown } } | undefined)?.learner;
  if (text && named && typeof named === 'object' && named.pipeline === undefined)
    input.update = { ...(input.update as object), learner: { ...named, pipeline: {} } };

  let spec: ModelSpec;
  try {
    spec = parseModelSpec(input);
  } catch (error) {
    if (error instanceof ModelSpecError) throw fail(error.message.replace(/^invalid model: /, ''));
    throw error;
  }
  // Categories and missing numbers need a Pipeline (one-hot, imputation); a plain learner takes numbers only.
  const needPipeline = spec.features
    .filter((f) => {
      // Missing until the first label is known, unless the spec says what it is then.
      if (f.fromLabels) return f.fromLabels.unknown === undefined;
      const column = history.features.find((c) => c.name === f.name);
      if (!column) return false;
      return column.type !== 'numeric' || column.values.some(Number.isNaN);
    })
    .map((f) => f.name);
  const update = spec.update;
  if (update && update.strategy !== 'external') update.learner ??= defaultLearner(spec.task, text);
  const initial = update?.learner ?? defaultLearner(spec.task, text);
  if (needPipeline.length > 0 && !initial.pipeline) {
    if (update && !['retrain', 'fineTune', 'incremental'].includes(update.strategy))
      throw fail(
        `features ${needPipeline.join(', ')} are categorical, text or have missing values: the ${update.strategy} strategy trains on numbers only; give update.learner.pipeline with strategy retrain, fineTune or incremental, or leave them out with --features`,
      );
    initial.pipeline = { categorical: { handleUnknown: 'ignore' } };
  }
  return {
    name,
    source,
    spec,
    initial,
    description:
      spec.description ??
      (update
        ? `${update.strategy} with ${update.learner?.kind ?? 'an external trainer'}`
        : `${initial.kind}, never updated`),
  };
}

/** A default classification policy's rows weigh half as much for every quarter of its training window they are older. */
export const DEFAULT_HALF_LIVES_PER_WINDOW = 4;

/**
 * The policy a backtest runs when none is given: shallow gradient boosting (DEFAULT_LEARNER_PARAMS) retrained on the last training span's worth
 * of labelled rows every cadence step, a classifier's rows weighted by recency (a half-life of a quarter of the span), promoted
 * unless shown worse than production by more than a point (the `notWorse` gate) and refitted on the whole window;
 * DDM (classification) watching the error stream for alerts. Chosen by backtests on Elec2 (docs/backtest.md):
 * fresher is better there unless a candidate clearly lost, and the newest weeks count most.
 */
export function defaultPolicy(context: PolicyContext): BacktestPolicy {
  const { timeline, history } = context;
  const cadence = spanMs(timeline.cadence, timeline);
  const train = spanMs(timeline.train, timeline);
  const trainRows = timeline.trainEnd;
  const labelsAtOnce = 'rows' in timeline.delay ? timeline.delay.rows === 0 : timeline.delay.ms === 0;
  const text = history.features.some((f) => f.type === 'text');
  // The online learners take numbers: text keeps the batch default when labels come at once.
  if (labelsAtOnce && history.task !== 'regression' && !text) return onlineDefault(context, cadence, train);
  // Classifiers weigh rows by recency (chosen on Elec2); the text default (SGD on hashed words) takes no weights,
  // and no regression stream has measured it yet.
  const weighted = !text && history.task !== 'regression';
  const raw = {
    description: `${text ? 'logistic regression (SGD) on hashed words' : 'shallow gradient boosting'} retrained every ${describeSpan(timeline.cadence)} on the last ${describeSpan(timeline.train)}${weighted ? ' (newer rows weigh more)' : ''}, promoted unless shown worse`,
    checks:
      history.task === 'regression'
        ? []
        : [{ type: 'detector', name: 'ddm', detector: DEFAULT_DETECTOR.binary, severity: 'warning' }],
    update: {
      every: cadence,
      window: train,
      minRows: Math.max(1, Math.min(200, Math.floor(trainRows / 2))),
      strategy: 'retrain',
      learner: defaultLearner(history.task, text),
      ...(weighted ? { halfLife: Math.round(train / DEFAULT_HALF_LIVES_PER_WINDOW) } : {}),
      gate: { mode: 'notWorse', margin: 0.01 },
    },
  };
  return completePolicy(raw, 'default', 'default', context);
}

/**
 * Labels at once (classification): an online ensemble learns every label as it comes, test-then-train, and a version
 * is cut every cadence step, promoted unless its predictions on the rows since the last cut were worse than
 * production's by more than a point (docs/online.md). Binary streams also get the newest labels as features
 * (withNewestLabels) and leveraging bagging; multiclass ones an adaptive random forest on the history's features.
 * Regression keeps the batch default: no online regressor here beats it yet.
 */
function onlineDefault(context: PolicyContext, cadence: number, train: number): BacktestPolicy {
  const binary = context.history.task === 'binary';
  const raw = {
    description: `${binary ? 'leveraging bagging learning every label, the newest labels as features' : 'adaptive random forest learning every label'}, a version cut every ${describeSpan(context.timeline.cadence)}, promoted unless shown worse`,
    ...(binary ? { features: withNewestLabels(context.history) } : {}),
    checks: [{ type: 'detector', name: 'ddm', detector: DEFAULT_DETECTOR.binary, severity: 'warning' }],
    update: {
      every: cadence,
      window: train,
      minRows: 1,
      strategy: 'online',
      learner: { kind: binary ? DEFAULT_BINARY_ONLINE_LEARNER : DEFAULT_ONLINE_LEARNER, params: {} },
      gate: { mode: 'notWorse', margin: 0.01 },
    },
  };
  return completePolicy(raw, 'default', 'default', context);
}

/** Known labels a default online policy's label-rate feature counts. */
export const LABEL_RATE_COUNT = 50;

/**
 * A binary history's features and two that Steward computes from the labels it has when it serves: the newest label
 * and the positive share of the newest LABEL_RATE_COUNT (-1 before any is known, so the forest takes numbers only).
 * With labels at once, what serves is a version cut every cadence step, but these are as fresh as the last label:
 * the snapshot sees the stream's latest state.
 */
function withNewestLabels(history: PolicyContext['history']): Array<Record<string, unknown>> {
  const taken = new Set(history.features.map((f) => f.name));
  const free = (name: string) => {
    let candidate = name;
    for (let k = 2; taken.has(candidate); k++) candidate = `${name}${k}`;
    taken.add(candidate);
    return candidate;
  };
  return [
    ...history.features.map((f) => ({ name: f.name, type: f.type })),
    { name: free('newestLabel'), type: 'numeric', fromLabels: { kind: 'last', unknown: -1 } },
    {
      name: free('newestLabelRate'),
      type: 'numeric',
      fromLabels: { kind: 'rate', last: LABEL_RATE_COUNT, unknown: -1 },
    },
  ];
}

/**
 * The "retrain on a schedule, no gate" baseline for a policy: the same learner, training window and data, retrained
 * every `every` (the policy's own schedule, else 7 cadence steps) and promoted whatever the comparison says, every
 * row weighing the same: plain scheduled retraining. Beside the policy it shows what its gate, its trigger and its
 * recency weighting (`halfLife`) are worth together.
 */
export function ungatedPolicy(policy: BacktestPolicy, context: PolicyContext): BacktestPolicy {
  const cadence = spanMs(context.timeline.cadence, context.timeline);
  const update = policy.spec.update;
  const every = update?.every ?? 7 * cadence;
  const window = update?.window ?? spanMs(context.timeline.train, context.timeline);
  const raw = {
    features: policy.spec.features,
    window: policy.spec.window,
    labelGrace: policy.spec.labelGrace,
    description:
      update?.strategy === 'online'
        ? `${policy.initial.kind} learning online, a version cut every ${describeMs(every, context)}, promoted without a gate`
        : `${policy.initial.kind} retrained every ${describeMs(every, context)} on the last ${describeMs(window, context)}${update?.halfLife !== undefined ? ', every row weighing the same' : ''}, promoted without a gate`,
    checks: [],
    update: {
      every,
      window,
      minRows: update?.minRows ?? Math.max(1, Math.min(200, Math.floor(context.timeline.trainEnd / 2))),
      // An online policy's baseline learns online too: the same cuts, every one promoted.
      strategy: update?.strategy === 'online' ? 'online' : 'retrain',
      learner: policy.initial,
      gate: { mode: 'always' },
    },
  };
  return completePolicy(raw, 'scheduled-ungated', 'scheduled-ungated', context);
}

/** A duration as the history counts it: rows when it is read in row order (its time is made up), else a duration. */
function describeMs(ms: number, context: PolicyContext): string {
  return 'rowOrder' in context.history.timeSource
    ? describeSpan({ rows: Math.round(ms / context.timeline.medianStep) })
    : formatDuration(ms);
}
