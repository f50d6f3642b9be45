// What each route answers, as zod schemas: the OpenAPI document's responses come from them, and the API tests
// parse real answers with them, so the document cannot drift from what the server sends.
import { z } from 'zod';
import { classValue, epochMs, isoTime } from './common.js';

const health = z.enum(['ok', 'warning', 'failing']);
const metrics = z
  .record(z.string(), z.number().nullable())
  .describe('metric name → value (null when undefined)');

export const columnView = z.looseObject({
  kind: z.string(),
  count: z.number(),
  missing: z.number(),
  missingShare: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  quantiles: z.record(z.string(), z.number()).optional(),
  top: z.array(z.tuple([z.string(), z.number()])).optional(),
  other: z.number().optional(),
  tokens: z
    .object({
      top: z.array(z.tuple([z.string(), z.number()])),
      total: z.number(),
      maxError: z.number(),
    })
    .optional()
    .describe(
      "text columns: the window's most frequent words (lower-cased, two letters or more) with their counts, never over-counted and under-counted by at most maxError; total counts every word",
    ),
  outOfVocabulary: z
    .object({
      share: z.number(),
      checked: z.number(),
      top: z.array(z.tuple([z.string(), z.number()])),
    })
    .optional()
    .describe(
      'text columns: of the words checked (those of rows whose serving version has its training words on record), the share that version never learnt, and the most frequent of them with their counts; absent when no word could be checked',
    ),
});

export const windowView = z.object({
  start: isoTime,
  end: isoTime,
  count: z.number().int(),
  labelled: z.number().int(),
  metrics,
  profile: z
    .looseObject({
      features: z.record(z.string(), columnView),
      output: columnView,
      score: columnView.optional(),
    })
    .optional(),
});

export const modelList = z.array(z.object({ name: z.string(), task: z.string(), health }));

/** The model as stored, every default filled in (durations in milliseconds); see the request body for each field. */
export const storedSpec = z.looseObject({
  name: z.string(),
  task: z.enum(['binary', 'multiclass', 'regression']),
});

const latestCheck = z.looseObject({
  check: z.string(),
  status: z.string(),
  value: z.number().nullable(),
  message: z.string(),
  windowStart: epochMs,
  windowEnd: epochMs,
});

export const modelHealth = z.object({
  status: health,
  checks: z.array(latestCheck),
  openAlerts: z.number().int(),
});

export const modelDetail = z.object({
  spec: storedSpec,
  health: modelHealth,
  counts: z.object({ predictions: z.number().int(), labels: z.number().int() }),
  references: z.array(z.object({ name: z.string(), createdAt: epochMs })),
});

export const windows = z.array(windowView);
export const referenceStored = z.object({ name: z.string(), rows: z.number().int() });

export const checkResults = z.array(
  z.object({
    check: z.string(),
    windowStart: isoTime,
    windowEnd: isoTime,
    status: z.enum(['ok', 'warning', 'failing', 'skipped']),
    value: z.number().nullable(),
    message: z.string(),
    detail: z.unknown().describe('check-specific: an anomaly band, a drift report…'),
  }),
);

export const checksRun = z.object({
  results: z.array(
    z.object({
      model: z.string(),
      check: z.string(),
      windowStart: isoTime,
      result: z.looseObject({
        status: z.enum(['ok', 'warning', 'failing', 'skipped']),
        value: z.number().nullable().optional(),
        message: z.string(),
      }),
    }),
  ),
});

export const predictionsStored = z.object({
  inserted: z.number().int().describe('rows stored now'),
  duplicates: z.number().int().describe('rows whose id was already stored (a retried batch): skipped'),
});

export const labelsStored = z.object({
  accepted: z.number().int(),
  matched: z
    .number()
    .int()
    .describe('labels whose prediction is already stored (the others join when it arrives)'),
});

const tokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(['read', 'ingest', 'admin'])),
  createdAt: epochMs,
  lastUsedAt: epochMs.nullable(),
  revokedAt: epochMs.nullable(),
});
export const tokenCreated = tokenInfo.extend({
  token: z.string().describe('the secret: shown once, stored hashed'),
});
export const tokens = z.array(tokenInfo);

const alias = z.enum(['production', 'candidate', 'shadow']);
export const modelVersion = z.object({
  model: z.string(),
  version: z.number().int(),
  sha256: z.string(),
  format: z.enum(['steward', 'onnx']),
  size: z.number().int(),
  parent: z.number().int().nullable(),
  description: z.string().nullable(),
  lineage: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: epochMs,
  aliases: z.array(alias),
});
export const modelVersions = z.array(modelVersion);
export const artifactBytes = z.string().describe('the artifact: a Steward model file (JSON) or ONNX bytes');

export const aliasChangeView = z.object({
  id: z.number().int().optional().describe('the change’s number in the history (the cursor of its page)'),
  alias,
  action: z.enum(['promote', 'rollback', 'clear']),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  reason: z.string().nullable(),
  actor: z.string(),
  at: epochMs,
});
export const aliases = z.object({
  current: z.partialRecord(alias, z.number().int()),
  history: z.array(aliasChangeView).describe('the newest changes (every one: GET …/aliases/history, paged)'),
});
export const aliasHistory = z.array(aliasChangeView);
export const stepsStored = z.object({ stored: z.number().int() });
export const curves = z
  .record(z.string(), z.array(z.tuple([z.number(), z.number()])))
  .describe('metric → [[step, value], …]');

export const auditEvents = z.array(
  z.object({
    at: epochMs,
    actor: z.string(),
    action: z.string(),
    model: z.string().nullable(),
    detail: z.unknown(),
  }),
);

const columnDrift = z.looseObject({
  column: z.string(),
  type: z.string(),
  method: z.string(),
  methodLabel: z.string(),
  scoreKind: z.enum(['p_value', 'distance']),
  score: z.number(),
  threshold: z.number(),
  drifted: z.boolean(),
  referenceRows: z.number().int(),
  currentRows: z.number().int(),
  tokens: z
    .object({
      current: z.array(z.object({ token: z.string(), weight: z.number() })),
      reference: z.array(z.object({ token: z.string(), weight: z.number() })),
    })
    .optional()
    .describe('text columns: the words and word pairs that most tell current from reference'),
});
export const driftReport = z.looseObject({
  columns: z.array(columnDrift),
  columnCount: z.number().int(),
  driftedColumns: z.number().int(),
  driftShare: z.number(),
  driftShareThreshold: z.number(),
  datasetDrift: z.boolean(),
});
export const driftFeature = columnDrift.extend({
  distribution: z
    .object({
      edges: z.array(z.number()).optional().describe('numeric columns: equal-width bin edges'),
      categories: z.array(z.string()).optional().describe('categorical columns: the categories'),
      reference: z.array(z.number()).describe('shares per bin or category, summing to 1'),
      current: z.array(z.number()),
    })
    .optional(),
});
export const driftTimeline = z.object({
  features: z.array(z.string()),
  /** The length of each window (ms): the model's window, or a multiple of it (`size`, `maxWindows`). */
  windowMs: z.number().int(),
  windows: z.array(
    z.looseObject({
      start: isoTime,
      end: isoTime,
      rows: z.number().int(),
      columns: z
        .record(
          z.string(),
          z.looseObject({
            score: z.number(),
            threshold: z.number(),
            scoreKind: z.enum(['p_value', 'distance']),
            method: z.string(),
            drifted: z.boolean(),
          }),
        )
        .nullable(),
      reference: z
        .string()
        .optional()
        .describe(
          "against=serving: what the window was judged against (the serving version's training data)",
        ),
    }),
  ),
});

const estimatedMetric = (what: string) => z.number().optional().describe(what);

export const estimatedWindows = z.object({
  method: z
    .enum(['cbpe', 'dle'])
    .describe('confidence-based performance estimation (classifiers) or direct loss estimation (regressors)'),
  calibration: z
    .object({
      rows: z.number().int(),
      from: isoTime,
      to: isoTime,
      method: z.enum(['isotonic', 'isotonic per class', 'loss models']),
      versions: z
        .array(z.object({ version: z.string(), rows: z.number().int() }))
        .optional()
        .describe(
          'CBPE: the serving versions calibrated on their own labelled rows (when the rows come from several); rows of other versions are estimated with the calibrator of all rows',
        ),
    })
    .describe('the labelled predictions the estimator was fitted on: the newest'),
  threshold: z.number().nullable().describe('binary: rows count as predicted positive from this score up'),
  windows: z.array(
    z.object({
      start: isoTime,
      end: isoTime,
      rows: z.number().int(),
      labelled: z.number().int(),
      estimated: z
        .object({
          accuracy: estimatedMetric('classifiers'),
          precision: estimatedMetric('classifiers: of the positive class (binary) or the macro average'),
          recall: estimatedMetric('classifiers: as precision'),
          f1: estimatedMetric('classifiers: as precision'),
          accuracyStandardError: estimatedMetric(
            "how far realized accuracy falls from the estimate: the labels' chance spread and the calibrator's own error (±1.96 for 95%)",
          ),
          precisionStandardError: estimatedMetric('classifiers: as accuracyStandardError, for precision'),
          recallStandardError: estimatedMetric('classifiers: as accuracyStandardError, for recall'),
          f1StandardError: estimatedMetric('classifiers: as accuracyStandardError, for F1'),
          mae: estimatedMetric('regressors'),
          mse: estimatedMetric('regressors'),
          rmse: estimatedMetric('regressors'),
          maeStandardError: estimatedMetric(
            "regressors: the MAE's sampling error and the loss models' own error (±1.96 for 95%)",
          ),
          mseStandardError: estimatedMetric('regressors: as maeStandardError, for the MSE'),
        })
        .nullable()
        .describe(
          'null when the window has nothing to estimate from (no scores, probabilities or predictions)',
        ),
      realized: z
        .object({
          accuracy: z.number().optional(),
          precision: z.number().optional(),
          recall: z.number().optional(),
          f1: z.number().optional(),
          mae: z.number().optional(),
          mse: z.number().optional(),
          rmse: z.number().optional(),
        })
        .nullable()
        .describe('where labels have come'),
      pending: z
        .boolean()
        .optional()
        .describe('not estimated yet: this answer spent its budget of rows on newer windows; ask again'),
    }),
  ),
});

export const alertView = z.looseObject({
  id: z.string(),
  model: z.string(),
  check: z.string(),
  severity: z.string(),
  status: z.enum(['open', 'resolved']),
  message: z.string(),
  occurrences: z.number().int(),
  firstAt: epochMs,
  lastAt: epochMs,
  resolvedAt: epochMs.nullable(),
  acknowledgedAt: epochMs.nullable(),
  acknowledgedBy: z.string().nullable(),
  firstWindow: epochMs.nullable(),
  lastWindow: epochMs.nullable(),
});
export const alerts = z.array(alertView);

export const predictionView = z.object({
  id: z.string(),
  output: classValue,
  score: z.number().nullable().describe('binary: probability of the positive class'),
  proba: z.record(z.string(), z.number()).nullable().describe('multiclass: class → probability'),
  version: z.number().int().describe('the registered version that answered'),
  variant: z.enum(['production', 'candidate']),
});
export const predictions = z.object({ predictions: z.array(predictionView) });
export const served = z.array(
  z.object({ version: z.string().nullable(), first: isoTime, last: isoTime, count: z.number().int() }),
);

export const updateQueued = z.object({
  job: z.string(),
  created: z
    .boolean()
    .describe('false when the model already had a run queued or running: that one is returned'),
});
const runStep = z.object({
  name: z.enum(['dataset', 'train', 'evaluate', 'refit', 'register', 'promote']),
  status: z.enum(['done', 'failed', 'skipped']),
  startedAt: epochMs,
  finishedAt: epochMs,
  seconds: z.number(),
  detail: z.record(z.string(), z.unknown()),
});
export const updateRun = z.object({
  id: z.string(),
  model: z.string(),
  jobId: z.string().nullable(),
  trigger: z.object({
    kind: z.enum(['manual', 'check', 'schedule']),
    reason: z.string().optional(),
    check: z.string().optional(),
    windowStart: epochMs.optional(),
    actor: z.string().optional(),
  }),
  status: z.enum(['running', 'promoted', 'rolling-out', 'rejected', 'skipped', 'failed']),
  steps: z.array(runStep),
  outcome: z.string().nullable(),
  candidateVersion: z.number().int().nullable(),
  startedAt: epochMs,
  finishedAt: epochMs.nullable(),
});
export const updateRuns = z.array(updateRun);

export const rollout = z.object({
  id: z.string(),
  model: z.string(),
  version: z.number().int(),
  baseline: z.number().int(),
  mode: z.enum(['shadow', 'canary']),
  share: z.number(),
  minLabelled: z.number().int(),
  tolerance: z.number(),
  status: z.string(),
  decision: z.unknown(),
  startedAt: epochMs,
  decidedAt: epochMs.nullable(),
});
export const rollouts = z.array(rollout);
export const rolloutsDecided = z.object({ decided: z.array(rollout) });

export const job = z.looseObject({
  id: z.string(),
  kind: z.string(),
  model: z.string(),
  payload: z.unknown(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
});

export const noContent = z.null().describe('no content');
