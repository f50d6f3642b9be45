import {
  ANOMALY_METHOD_NAMES,
  ANOMALY_METHODS,
  type AnyOptionsSpec,
  checkOptions,
  DEFAULT_ANOMALY_METHOD,
  DETECTOR_KINDS,
  DETECTORS,
  DRIFT_METHODS,
  LEARNER_KINDS,
  LEARNERS,
  StewardInputError,
} from '@steward/core';
import { z } from 'zod';
import { DomainError } from './domain-error.js';
import { parseDuration } from './duration.js';

const duration = (what: string) =>
  z
    .union([z.string(), z.number()])
    .refine((v) => parseDuration(v) !== undefined, {
      message: `${what} must be a duration such as "30s", "5m", "1h", "1d" or milliseconds`,
    })
    .transform((v) => parseDuration(v) as number);

const className = z.union([z.string().min(1), z.number().finite()]);

/** Names every JavaScript object answers to (`constructor`, `toString`, `__proto__`…): refused as feature names. */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * A feature Steward computes at serving time from the model's own labels, counting only labels it had received by
 * the row's time (see serve/label-features.ts): `last`, the newest known label; `rate`, the share of `class` (binary
 * default the positive class; regression: the mean) among the `last` newest known labels; `samePeriod`, the label of
 * the prediction `period` before the row (at most `within` earlier), if it was known by then.
 */
/** Metrics a check can watch estimated without labels (binary CBPE). */
/** The metrics estimated without labels, per task: CBPE for classifiers, DLE for regressors. */
export const ESTIMATED_METRICS: Readonly<Record<'binary' | 'multiclass' | 'regression', readonly string[]>> =
  {
    binary: ['accuracy', 'precision', 'recall', 'f1'],
    multiclass: ['accuracy', 'precision', 'recall', 'f1'],
    regression: ['mae', 'mse', 'rmse'],
  };

/** The value a numeric label feature takes before any label it reads is known (default: missing). */
const unknownValue = z.number().finite().optional();

export const labelFeatureSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('last'), unknown: unknownValue }),
  z.strictObject({
    kind: z.literal('rate'),
    last: z.number().int().min(1).max(10_000),
    class: className.optional(),
    unknown: unknownValue,
  }),
  z.strictObject({
    kind: z.literal('samePeriod'),
    unknown: unknownValue,
    period: duration('fromLabels.period').refine((ms) => ms > 0, {
      message: 'fromLabels.period must be more than 0',
    }),
    within: duration('fromLabels.within').default(3_600_000),
  }),
]);

export const featureSpec = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'feature names are letters, digits, _ . - (max 128)')
    .refine((name) => !RESERVED_NAMES.has(name), {
      message: 'this name is reserved (every JavaScript object has it): rename the feature',
    }),
  type: z.enum(['numeric', 'categorical', 'text', 'embedding']),
  /** Length of an embedding vector. */
  dimensions: z.number().int().positive().optional(),
  /** Computed by Steward from the model's labels when it serves; clients do not send it. */
  fromLabels: labelFeatureSpec.optional(),
});

const severity = z.enum(['info', 'warning', 'critical']);
const checkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'check names are letters, digits, _ . -');

export const METRIC_NAMES = [
  'accuracy',
  'balancedAccuracy',
  'precision',
  'recall',
  'f1',
  'rocAuc',
  'logLoss',
  'brierScore',
  'mse',
  'rmse',
  'mae',
  'mape',
  'r2',
  'explainedVariance',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * A learner's or detector's options: described once in @steward/core's registry, checked (and normalised) by it
 * here so that an unknown or mistyped option is a 400 naming the key and what it allows.
 */
function registryOptions(
  owner: string,
  spec: AnyOptionsSpec | undefined,
  at: string,
  options: unknown,
  ctx: z.RefinementCtx,
) {
  if (!spec) return options; // the kind itself is refused by its enum
  try {
    return checkOptions(owner, spec, options);
  } catch (error) {
    if (!(error instanceof StewardInputError)) throw error;
    ctx.addIssue({ code: 'custom', path: error.field ? [at, error.field] : [at], message: error.message });
    return z.NEVER;
  }
}

const optionsRecord = z.record(z.string(), z.unknown()).default({});

export const checkSpec = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('metric'),
    name: checkName,
    metric: z.enum(METRIC_NAMES),
    /** Fail when the metric is below `min` or above `max`; warn within `warnMargin` of the bound. */
    min: z.number().optional(),
    max: z.number().optional(),
    warnMargin: z.number().nonnegative().default(0),
    /** Windows with fewer labelled predictions are skipped (too few to judge). */
    minLabels: z.number().int().positive().default(30),
    /**
     * Judge the metric estimated without labels as soon as the window closes, instead of the realized one after
     * `labelGrace`: accuracy, precision, recall or f1 of a classifier (CBPE, from its scores or class
     * probabilities), mae, mse or rmse of a regressor (DLE).
     */
    estimated: z.boolean().default(false),
    severity: severity.default('critical'),
  }),
  z.strictObject({
    type: z.literal('drift'),
    name: checkName,
    /** A stored reference data set by name (`PUT …/references/:name`), or the window starting at an ISO time. */
    reference: z.union([z.string(), z.strictObject({ window: z.string() })]).default('training'),
    /** Dataset drift when at least this share of the checked columns drifted (Evidently's default 0.5). */
    driftShare: z.number().gt(0).lte(1).default(0.5),
    columns: z.array(z.string()).optional(),
    /**
     * Per column, the test and its threshold instead of the default one (for example `{ emb: { method: mmd } }`: an
     * embedding by MMD with its permutation p-value rather than the domain classifier).
     */
    methods: z
      .record(
        z.string(),
        z.strictObject({
          method: z.enum(DRIFT_METHODS).optional(),
          threshold: z.number().positive().optional(),
        }),
      )
      .optional(),
    minRows: z.number().int().positive().default(30),
    severity: severity.default('warning'),
  }),
  z
    .strictObject({
      type: z.literal('detector'),
      name: checkName,
      detector: z.enum(DETECTOR_KINDS),
      /** The detector's options, as in @steward/core (River's defaults when absent). */
      options: optionsRecord,
      severity: severity.default('warning'),
    })
    .transform((check, ctx) => {
      const options = registryOptions(
        check.detector,
        DETECTORS.get(check.detector)?.options,
        'options',
        check.options,
        ctx,
      );
      return { ...check, options: options as Record<string, unknown> };
    }),
  z
    .strictObject({
      type: z.literal('anomaly'),
      name: checkName,
      metric: z.union([z.enum(METRIC_NAMES), z.literal('count')]),
      method: z.enum(ANOMALY_METHOD_NAMES).default(DEFAULT_ANOMALY_METHOD),
      /** The method's options, as in @steward/core. */
      options: optionsRecord,
      severity: severity.default('warning'),
    })
    .transform((check, ctx) => {
      const method = ANOMALY_METHODS.get(check.method);
      const options = registryOptions(check.method, method?.options, 'options', check.options, ctx);
      return { ...check, options: options as Record<string, unknown> };
    }),
  z.strictObject({
    type: z.literal('dataQuality'),
    name: checkName,
    /** Fail when a feature's share of missing values in a window exceeds this. */
    maxMissingShare: z.number().min(0).max(1).default(0.05),
    severity: severity.default('warning'),
  }),
]);

export const notifierSpec = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).default({}),
    retries: z.number().int().min(0).max(10).default(3),
  }),
  z.strictObject({ type: z.literal('log') }),
]);

/** The promotion gate's defaults: the spec fills them in, and the gate applies them to options given in code. */
export const GATE_DEFAULTS = {
  mode: 'superiority',
  minImprovement: 0,
  margin: 0.01,
  alpha: 0.05,
  seed: 0,
} as const;

export const updatePolicySpec = z.strictObject({
  /** Checks that start an update run when they trip (warning or failing), or "any" failing check. Manual runs are always possible. */
  onFailingChecks: z.union([z.literal('any'), z.array(z.string())]).default([]),
  /** Also run on a schedule: at most this long after the last run started. */
  every: duration('update.every').optional(),
  /** Also run once this many labels have arrived since the last run started. */
  newLabels: z.number().int().positive().optional(),
  /** Labelled predictions of this much recent time make the dataset. */
  window: duration('update.window').default(28 * 86_400_000),
  /** Fewer labelled rows than this and the run stops without training. */
  minRows: z.number().int().positive().default(200),
  /**
   * Recency weighting: a training row weighs half as much for every `halfLife` it is older than the newest label
   * (retrain and tune; learners that take sample weights). Default: every row weighs the same.
   */
  halfLife: duration('update.halfLife').optional(),
  /** The most recent share of the dataset is held out to compare candidate and production. */
  holdoutShare: z.number().gt(0).lt(1).default(0.2),
  /**
   * A candidate that passes the gate (or the first version, which has none) is trained again on the whole window,
   * held-out rows included, before it is registered: the newest rows matter most under drift. Lineage keeps the
   * gated candidate's artifact beside the refitted one.
   */
  refit: z.boolean().default(true),
  /** Mix up to `rows` labelled rows of a stored reference (e.g. the original training data) into the training rows. */
  referenceSample: z
    .strictObject({
      name: z.string().default('training'),
      rows: z.number().int().positive(),
      seed: z.number().int().default(0),
    })
    .optional(),
  /**
   * retrain: a new learner on the dataset; fineTune: production warm-started on it; incremental: production's
   * partialFit on it; external: `command` trains (see docs/registry.md). online: the newest version (the online
   * model's last cut) learns every row labelled since, one at a time, predicting each before learning it; the gate
   * compares those test-then-train predictions with production's on the same rows, and the cut is promoted or not
   * while the online model goes on learning (labels that come at once; docs/online.md).
   */
  strategy: z
    .enum(['retrain', 'fineTune', 'incremental', 'ensemble', 'tune', 'external', 'online'])
    .default('retrain'),
  /** tune: the search (parameters of `learner`), scored on the last quarter of the training rows. */
  tune: z
    .strictObject({
      space: z.record(
        z.string(),
        z.union([
          z.strictObject({ type: z.literal('uniform'), low: z.number(), high: z.number() }),
          z.strictObject({
            type: z.literal('loguniform'),
            low: z.number().positive(),
            high: z.number().positive(),
          }),
          z.strictObject({
            type: z.literal('int'),
            low: z.number().int(),
            high: z.number().int(),
            log: z.boolean().optional(),
          }),
          z.strictObject({
            type: z.literal('categorical'),
            choices: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
          }),
        ]),
      ),
      budget: z.number().int().positive().default(20),
      algorithm: z.enum(['tpe', 'random', 'grid']).default('tpe'),
      seed: z.number().int().default(0),
    })
    .optional(),
  /** external: the program and its arguments; {dataset}, {output} and {production} are replaced by file paths. */
  command: z.array(z.string()).min(1).optional(),
  /** external: the command is killed after this long. */
  timeout: duration('update.timeout').default(600_000),
  /** The learner `retrain` trains (also used for fineTune/incremental when production has none). */
  learner: z
    .strictObject({
      kind: z.enum(LEARNER_KINDS),
      /** The learner's options, as in @steward/core (its defaults when absent). */
      params: optionsRecord,
      /**
       * Wrap the learner in a Pipeline: numeric, categorical and text steps as in @steward/core. retrain fits it
       * anew; fineTune and incremental go on from production's pipeline, its preprocessing kept.
       */
      pipeline: z
        .strictObject({
          numeric: z
            .strictObject({
              impute: z.enum(['mean', 'median', 'constant']).optional(),
              fillValue: z.number().optional(),
              clipQuantiles: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).optional(),
              scale: z.enum(['standard', 'minmax', 'none']).optional(),
            })
            .optional(),
          categorical: z
            .strictObject({
              impute: z.enum(['most_frequent', 'constant']).optional(),
              fillValue: z.string().optional(),
              handleUnknown: z.enum(['ignore', 'error']).optional(),
            })
            .optional(),
          text: z
            .strictObject({
              analyzer: z.enum(['word', 'char', 'char_wb']).optional(),
              ngramRange: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
              lowercase: z.boolean().optional(),
              tokenPattern: z.string().optional(),
              stopWords: z.array(z.string()).optional(),
              nFeatures: z
                .number()
                .int()
                .min(1)
                .max(2 ** 24)
                .optional(),
              alternateSign: z.boolean().optional(),
              binary: z.boolean().optional(),
              norm: z.enum(['l1', 'l2']).nullable().optional(),
              tfidf: z
                .union([
                  z.boolean(),
                  z.strictObject({
                    useIdf: z.boolean().optional(),
                    smoothIdf: z.boolean().optional(),
                    sublinearTf: z.boolean().optional(),
                  }),
                ])
                .optional(),
              maxCharacters: z.number().int().min(1).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .transform((learner, ctx) => {
      const params = registryOptions(
        learner.kind,
        LEARNERS.get(learner.kind)?.options,
        'params',
        learner.params,
        ctx,
      );
      return { ...learner, params: params as Record<string, unknown> };
    })
    .optional(),
  gate: z
    .strictObject({
      /**
       * `superiority`: promote only a candidate shown better (the paired test at `alpha`, the primary metric by at
       * least `minImprovement`, the guards held). `nonInferiority`: promote a candidate shown not worse than
       * production by more than `margin` (Tango's paired test at `alpha`; for regression a paired bootstrap), the
       * guards held. `notWorse`: promote unless the same test shows the candidate worse by more than `margin`: for
       * scheduled refreshes, where a fresher model should win unless it lost. `always`: promote every candidate that
       * trains (the comparison is still computed and recorded): the ungated baseline.
       */
      mode: z.enum(['superiority', 'nonInferiority', 'notWorse', 'always']).default(GATE_DEFAULTS.mode),
      primary: z.enum(METRIC_NAMES).optional(),
      minImprovement: z.number().nonnegative().default(GATE_DEFAULTS.minImprovement),
      /**
       * nonInferiority, notWorse: how much worse the candidate may be (classification: accuracy, 0.01 = one point;
       * regression: a share of production's mean squared error).
       */
      margin: z.number().gt(0).lt(1).default(GATE_DEFAULTS.margin),
      guards: z
        .array(z.strictObject({ metric: z.enum(METRIC_NAMES), tolerance: z.number().nonnegative() }))
        .default([]),
      alpha: z.number().gt(0).lt(1).default(GATE_DEFAULTS.alpha),
    })
    .prefault({}),
  /**
   * After the gate: `direct` promotes at once; `shadow` runs the new version beside production and decides with the
   * gate on the same rows once `minLabelled` of them have labels; `canary` serves it to `share` of keys and promotes
   * when its metric is within `tolerance` of production's on `minLabelled` labelled predictions, else rolls back.
   */
  rollout: z
    .strictObject({
      mode: z.enum(['direct', 'shadow', 'canary']).default('direct'),
      share: z.number().gt(0).lt(1).default(0.1),
      minLabelled: z.number().int().positive().default(500),
      tolerance: z.number().nonnegative().default(0),
      /**
       * `gate` (default) decides once `minLabelled` rows are labelled: a shadow with the promotion gate on the paired
       * rows, a canary by `tolerance`. `sequential` looks after every labelled row (a mixture SPRT on the paired rows
       * the two disagree on, valid however often it looks; a canary's rows are paired because production predicts
       * them too): promoted once the evidence that the new version is better reaches 1/alpha, rolled back once the
       * evidence that it is worse does, or after `maxLabelled` paired rows. Classification; regression uses `gate`.
       */
      decide: z.enum(['gate', 'sequential']).default('gate'),
      maxLabelled: z.number().int().positive().default(10_000),
    })
    .prefault({}),
});

export const modelSpec = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'model names are letters, digits, _ . - (max 64)'),
    task: z.enum(['binary', 'multiclass', 'regression']),
    description: z.string().max(2000).optional(),
    features: z.array(featureSpec).min(1, 'a model needs at least one feature'),
    /** Classification: the classes the model predicts. Binary default [0, 1]. */
    classes: z.array(className).min(2).optional(),
    /** Binary: the class `score` is the probability of. Default the last of `classes`. */
    positiveClass: className.optional(),
    /** Length of the tumbling time windows profiles are kept for. Default 1h. */
    window: duration('window')
      .refine((ms) => ms >= 1000, { message: 'window must be at least 1s' })
      .default(3_600_000),
    /** How long after a window closes its checks wait for late labels. Default 0. */
    labelGrace: duration('labelGrace').default(0),
    /** A repeated alert is notified again only after this long. Default 1h. */
    alertCooldown: duration('alertCooldown').default(3_600_000),
    checks: z.array(checkSpec).default([]),
    /** How the model is updated when its checks fail (or on demand). */
    update: updatePolicySpec.optional(),
    /** Serving: the share of requests (by a sticky hash of their key) the `candidate` version answers. */
    serving: z.strictObject({ canaryShare: z.number().min(0).max(1).default(0) }).prefault({}),
    /**
     * Performance estimation without labels. `reference`: a stored reference data set (`PUT …/references/:name`)
     * whose rows carry a `label` and the model's output on them (`score` for binary, `proba` for multiclass,
     * `output` for regression) to fit the estimator on once, as NannyML fits on a reference period. Default: the
     * newest labelled predictions, refitted as labels come.
     */
    estimation: z.strictObject({ reference: z.string().min(1).max(128).optional() }).optional(),
    notifiers: z.array(notifierSpec).default([{ type: 'log' }]),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.features.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'name'],
          message: `duplicate feature "${f.name}"`,
        });
      seen.add(f.name);
      if (f.fromLabels) {
        const problem = labelFeatureProblem(f.fromLabels, f.type, spec.task, spec.classes);
        if (problem) ctx.addIssue({ code: 'custom', path: ['features', i, 'fromLabels'], message: problem });
      }
      if (f.type === 'embedding' && f.dimensions === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'dimensions'],
          message: 'embedding features need dimensions',
        });
      }
    });
    const checks = new Set<string>();
    spec.checks.forEach((c, i) => {
      if (checks.has(c.name))
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'name'], message: `duplicate check "${c.name}"` });
      checks.add(c.name);
      if (c.type === 'metric' && c.min === undefined && c.max === undefined) {
        ctx.addIssue({ code: 'custom', path: ['checks', i], message: 'a metric check needs min or max' });
      }
      if (c.type === 'metric' && c.estimated && !ESTIMATED_METRICS[spec.task].includes(c.metric))
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'estimated'],
          message: `a ${spec.task} model's estimated metrics are ${ESTIMATED_METRICS[spec.task].join(', ')} (${spec.task === 'regression' ? 'direct loss estimation' : 'confidence-based performance estimation'}), not ${c.metric}`,
        });
      if (c.type === 'metric' || c.type === 'anomaly') {
        const regression = ['mse', 'rmse', 'mae', 'mape', 'r2', 'explainedVariance'].includes(c.metric);
        if (c.metric !== 'count' && regression !== (spec.task === 'regression')) {
          ctx.addIssue({
            code: 'custom',
            path: ['checks', i, 'metric'],
            message: `${c.metric} does not apply to a ${spec.task} model`,
          });
        }
      }
    });
    if (spec.task === 'regression' && spec.classes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: 'a regression model has no classes' });
    }
    if (spec.task === 'binary' && spec.classes !== undefined && spec.classes.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: 'a binary model has exactly two classes' });
    }
    const update = spec.update;
    const text = spec.features.filter((f) => f.type === 'text').map((f) => f.name);
    if (text.length > 0 && update?.learner) {
      const definition = LEARNERS.get(update.learner.kind);
      const task = spec.task === 'regression' ? 'regression' : 'classification';
      const sparse = [...LEARNERS.values()].filter((d) => d.sparse && d.task === task).map((d) => d.name);
      if (!update.learner.pipeline || (definition && !definition.sparse))
        ctx.addIssue({
          code: 'custom',
          path: ['update', 'learner'],
          message: `text features (${text.join(', ')}) are learnt through a pipeline of hashed n-grams: ${update.learner.pipeline ? `${update.learner.kind} does not take them; choose one of ${sparse.join(', ')}` : 'add update.learner.pipeline (its text steps are optional)'}`,
        });
    }
    if (update?.halfLife !== undefined) {
      const definition = update.learner && LEARNERS.get(update.learner.kind);
      const weighing = [...LEARNERS.values()]
        .filter(
          (d) => d.sampleWeight && d.task === (spec.task === 'regression' ? 'regression' : 'classification'),
        )
        .map((d) => d.name);
      const problem =
        update.strategy !== 'retrain' && update.strategy !== 'tune'
          ? `the ${update.strategy} strategy`
          : !update.learner
            ? 'no update.learner'
            : !definition?.sampleWeight
              ? update.learner.kind
              : undefined;
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: ['update', 'halfLife'],
          message: `update.halfLife weighs the rows a retrain or tune strategy fits ${weighing.join(' or ')} on; ${problem} cannot take it`,
        });
    }
    if (update?.strategy === 'online' && update.learner) {
      const definition = LEARNERS.get(update.learner.kind);
      if (update.learner.pipeline || (definition && !definition.online))
        ctx.addIssue({
          code: 'custom',
          path: ['update', 'learner'],
          message: `the online strategy learns one row at a time: ${update.learner.pipeline ? 'a pipeline cannot' : `${update.learner.kind} cannot`}; choose one of ${[
            ...LEARNERS.values(),
          ]
            .filter(
              (d) => d.online && d.task === (spec.task === 'regression' ? 'regression' : 'classification'),
            )
            .map((d) => d.name)
            .join(', ')}`,
        });
    }
    const classes = spec.classes ?? (spec.task === 'binary' ? [0, 1] : undefined);
    if (spec.positiveClass !== undefined && !classes?.includes(spec.positiveClass)) {
      ctx.addIssue({
        code: 'custom',
        path: ['positiveClass'],
        message: 'positiveClass must be one of classes',
      });
    }
  });

/** What is wrong with a label feature for this task (its type, its class), or undefined. */
function labelFeatureProblem(
  from: z.output<typeof labelFeatureSpec>,
  type: string,
  task: 'binary' | 'multiclass' | 'regression',
  classes: ReadonlyArray<string | number> | undefined,
): string | undefined {
  const categorical = task === 'multiclass' && from.kind !== 'rate';
  const want = categorical ? 'categorical' : 'numeric';
  if (type !== want)
    return `a ${from.kind} label feature of a ${task} model is ${want} (${categorical ? 'the class itself' : task === 'binary' ? '1 for the positive class, else 0' : 'a number'}): give it type ${want}`;
  if (categorical && from.unknown !== undefined)
    return `fromLabels.unknown is a number for a numeric label feature; this one is the class itself: leave it out (a missing class is its own category)`;
  if (from.kind === 'rate') {
    if (task === 'multiclass' && from.class === undefined)
      return 'a rate label feature of a multiclass model needs the class it counts (fromLabels.class)';
    if (task === 'regression' && from.class !== undefined)
      return 'a rate label feature of a regression model is the mean of the labels: leave out fromLabels.class';
    const known = classes ?? (task === 'binary' ? [0, 1] : undefined);
    if (from.class !== undefined && known && !known.includes(from.class))
      return `fromLabels.class ${JSON.stringify(from.class)} is not one of the model's classes`;
  }
  return undefined;
}

/** A model as the user writes it (API body, `steward.yaml`). */
export type ModelSpecInput = z.input<typeof modelSpec>;
/** A validated model with defaults filled in; durations in milliseconds. */
export type ModelSpec = z.output<typeof modelSpec>;
export type FeatureSpec = z.output<typeof featureSpec>;
export type LabelFeatureSpec = z.output<typeof labelFeatureSpec>;
export type CheckSpec = z.output<typeof checkSpec>;
export type NotifierSpec = z.output<typeof notifierSpec>;
export type UpdatePolicy = z.output<typeof updatePolicySpec>;
export type Severity = z.output<typeof severity>;

/** A zod issue list as `path: message` lines, the form every 400 uses. */
export function formatIssues(error: z.ZodError, prefix = ''): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({
    field:
      prefix +
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
    message: issue.message,
  }));
}

/** A model spec that does not validate: every problem, as `field: message`. */
export class ModelSpecError extends DomainError {
  constructor(readonly issues: Array<{ field: string; message: string }>) {
    super(
      400,
      'invalid_model',
      `invalid model: ${issues.map((i) => `${i.field || 'model'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

/** Validates a model spec from the API, the CLI or steward.yaml; throws {@link ModelSpecError} naming each field. */
export function parseModelSpec(input: unknown): ModelSpec {
  const parsed = modelSpec.safeParse(input);
  if (!parsed.success) throw new ModelSpecError(formatIssues(parsed.error));
  return parsed.data;
}
