// What each route takes besides the model spec: bodies and query strings, as zod schemas. Routes parse with them
// (`parseRequest`), and the OpenAPI document is generated from them.
import { z } from 'zod';
import { classValue, rangeQuery, timeInput } from './common.js';

const featureValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number()), z.null()]);
const id = z.union([z.string().max(256), z.number().int()]);

export const predictionRow = z.strictObject({
  id: id.optional().describe('unique per model; generated when absent; labels refer to it'),
  time: timeInput.optional().describe('when the prediction was made; default: when received'),
  features: z.record(z.string(), featureValue).describe("the model's features; null or absent means missing"),
  output: classValue.describe('the predicted class, or the predicted value (regression)'),
  score: z.number().min(0).max(1).optional().describe('binary models: probability of the positive class'),
  proba: z.record(z.string(), z.number()).optional().describe('multiclass models: class → probability'),
  version: z.string().max(128).optional(),
  segment: z.string().max(128).optional(),
});

export const labelRow = z.strictObject({
  predictionId: id,
  label: classValue,
  time: timeInput.optional().describe('when the outcome was known; default: when received'),
});

const batch = <T extends z.ZodType>(row: T) =>
  z.array(row).describe('a JSON array, or NDJSON (Content-Type: application/x-ndjson), one object per line');

/** Predictions and labels are checked against the model's own schema by its compiled validator (fast path). */
export const predictionBatch = batch(predictionRow);
export const labelBatch = batch(labelRow);

export const referenceRows = z
  .array(z.record(z.string(), z.unknown()))
  .describe("rows of the model's features, each optionally with its `label`");

export const predictRows = z.union([
  z.array(z.record(z.string(), z.unknown())),
  z.object({ rows: z.array(z.record(z.string(), z.unknown())) }),
]);

export const tokenCreate = z.strictObject({
  name: z.string().min(1).max(128),
  scopes: z
    .union([z.array(z.enum(['read', 'ingest', 'admin'])), z.string()])
    .optional()
    .describe('read, ingest, admin (a list or comma-separated); default read'),
});

export const aliasChange = z.strictObject({
  version: z.number().int().positive(),
  reason: z.string().max(2000).optional(),
});

export const rollbackBody = z.strictObject({ reason: z.string().max(2000).optional() }).optional();

export const trainingSteps = z
  .array(
    z.strictObject({
      step: z.number().int().nonnegative(),
      metric: z.string().min(1).max(128),
      value: z.number(),
    }),
  )
  .min(1)
  .max(100_000);

export const rolloutStart = z.strictObject({
  version: z.number().int().positive(),
  mode: z.enum(['shadow', 'canary']),
  share: z.number().gt(0).lt(1).optional(),
  minLabelled: z.number().int().positive().optional(),
  tolerance: z.number().nonnegative().optional(),
});

export const windowsQuery = rangeQuery.extend({
  size: z.string().optional().describe("window length, a multiple of the model's window (e.g. 1d)"),
  count: z
    .string()
    .optional()
    .describe('windows of this many consecutive predictions instead of time windows'),
  profile: z.enum(['true', 'false']).optional().describe('include per-feature profiles'),
  maxWindows: z
    .string()
    .optional()
    .describe(
      'without size: windows merged so that at most this many cover the stored predictions in the range',
    ),
});

const maxWindows = z
  .string()
  .optional()
  .describe(
    'without size: windows merged so that at most this many cover the stored predictions in the range',
  );

export const metricsQuery = rangeQuery.extend({
  size: z.string().optional().describe("window length, a multiple of the model's window (e.g. 1d)"),
  maxWindows,
});

export const checksQuery = z.object({
  check: z.string().optional(),
  limit: z.string().optional().describe('at most this many results (default 200)'),
});

/** An empty query parameter (`?status=`) means the parameter is absent, as a form would send it. */
const param = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const alertQuery = z.object({
  model: param(z.string()),
  status: param(z.enum(['open', 'resolved'])),
  severity: param(z.enum(['info', 'warning', 'critical'])),
  check: param(z.string()),
  acknowledged: param(z.enum(['true', 'false'])),
  limit: z.string().optional().describe('at most this many alerts (default 100, at most 1000)'),
  cursor: z.string().optional().describe('the x-next-cursor header of the page before'),
});

export const driftQuery = rangeQuery.extend({
  size: z.string().optional(),
  reference: z.string().optional().describe('a stored reference by name'),
  referenceWindow: z.string().optional().describe('or the window starting at this ISO time'),
  feature: z.string().optional().describe('drift/feature: the feature'),
  against: z
    .enum(['reference', 'serving', 'previous'])
    .optional()
    .describe(
      'each window against the reference (default), the training data of the version production served then (serving), or (drift/windows) the window before it',
    ),
  maxWindows: z
    .string()
    .optional()
    .describe('drift/windows without size: merge windows so that at most this many cover the data'),
});

/** A page of a list, newest first: `limit` items after `cursor`. */
export const pageQuery = z.object({
  limit: z.string().optional().describe('at most this many (at most 1000)'),
  cursor: z.string().optional().describe('the x-next-cursor header of the page before'),
});

export const updatesQuery = z.object({
  limit: z.string().optional().describe('at most this many runs (default 50, at most 1000)'),
  cursor: z.string().optional().describe('the x-next-cursor header of the page before'),
});

export const vocabularyBody = z
  .strictObject({
    columns: z
      .record(z.string(), z.array(z.string().max(1_000_000)).min(1))
      .describe('text column → the words (or texts) the version learnt from, the most frequent first'),
  })
  .describe(
    "a version's training words per text column: each entry is split into words (lower-cased, two letters or more) and the 262,144 most frequent are kept",
  );

export const uploadQuery = z.object({
  format: z.enum(['steward', 'onnx']).optional(),
  parent: z.string().optional().describe('the version this one was derived from'),
  description: z.string().optional(),
});

export const auditQuery = z.object({ model: z.string().optional() });
