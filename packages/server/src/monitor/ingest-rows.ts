import { randomUUID } from 'node:crypto';
import { modelClasses } from '../spec/model-classes.js';
import type { FeatureSpec, ModelSpec } from '../spec/model-spec.js';
import type {
  ClassValue,
  FeatureValue,
  InputRecord,
  LabelRecord,
  PredictionRecord,
} from '../spec/records.js';
import { estimatedCheckOf, missingOutputMessage, requiredOutput } from './estimation/estimation-inputs.js';

/** One problem in a batch: the 0-based row, the field path and what is wrong. */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

export type BatchResult<T> =
  | {
      ok: true;
      records: T[];
      /**
       * Predictions only: every row gave its id, its time and every feature, so the rows themselves decode to the
       * records without the schema (the store may keep the body as received).
       */
      verbatim?: boolean;
    }
  | { ok: false; errors: RowError[]; errorCount: number };

const MAX_REPORTED_ERRORS = 100;
const PREDICTION_KEYS = new Set(['id', 'time', 'version', 'segment', 'features', 'output', 'score', 'proba']);
const LABEL_KEYS = new Set(['predictionId', 'label', 'time']);
const INPUT_KEYS = new Set(['id', 'time', 'segment', 'key', 'features']);

class ErrorList {
  readonly errors: RowError[] = [];
  count = 0;
  add(row: number, field: string, message: string): void {
    this.count++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ row, field, message });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}

/** Times are refused before 1970 and more than this far ahead of the server's clock (a wrong unit or a bad clock). */
export const MAX_FUTURE_MS = 86_400_000;
/** Longest category value: longer ones are nearly always a text or a blob sent to the wrong feature. */
export const MAX_CATEGORY_LENGTH = 1024;
export const MAX_TEXT_LENGTH = 100_000;

// Times: epoch milliseconds or an ISO 8601 string with a zone; absent means "now" (when received).
function parseTime(value: unknown, now: number): number | string {
  if (value === undefined) return now;
  let ms: number | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'must be epoch milliseconds';
    ms = Math.floor(value);
  } else if (typeof value === 'string' && /\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) ms = parsed;
  }
  if (ms === undefined)
    return `must be an ISO 8601 time with a zone (e.g. 2026-01-31T12:00:00Z) or epoch milliseconds, got ${describe(value)}`;
  if (ms < 0) return `is before 1970 (${describe(value)}): send epoch milliseconds or an ISO 8601 time`;
  if (ms > now + MAX_FUTURE_MS)
    return `is more than a day after the server's clock (${new Date(now).toISOString()}), got ${describe(value)}: milliseconds, not microseconds?`;
  return ms;
}

function parseId(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0 && value.length <= 256) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

type FeatureCheck = (value: unknown) => string | undefined;

function featureCheck(feature: FeatureSpec): FeatureCheck {
  switch (feature.type) {
    case 'numeric':
      return (v) =>
        typeof v === 'number' && Number.isFinite(v)
          ? undefined
          : `expected a finite number or null, got ${describe(v)}`;
    case 'categorical':
      return (v) =>
        typeof v === 'string'
          ? v.length <= MAX_CATEGORY_LENGTH
            ? undefined
            : `a category of ${v.length} characters: at most ${MAX_CATEGORY_LENGTH} (is this a text feature?)`
          : typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
            ? undefined
            : `expected a category (string, number or boolean) or null, got ${describe(v)}`;
    case 'text':
      return (v) =>
        typeof v !== 'string'
          ? `expected a string or null, got ${describe(v)}`
          : v.length > MAX_TEXT_LENGTH
            ? `a text of ${v.length} characters: at most ${MAX_TEXT_LENGTH}`
            : undefined;
    case 'embedding': {
      const dims = feature.dimensions as number;
      return (v) => {
        if (!Array.isArray(v) || v.length !== dims)
          return `expected an array of ${dims} numbers, got ${describe(v)}${Array.isArray(v) ? ` of length ${v.length}` : ''}`;
        for (const x of v)
          if (typeof x !== 'number' || !Number.isFinite(x)) return 'embedding values must be finite numbers';
        return undefined;
      };
    }
  }
}

/** Ids seen in one batch: a second row with the same id is an error naming the first. */
class BatchIds {
  private readonly seen = new Map<string, number>();
  check(row: number, field: string, id: string, errors: ErrorList): void {
    const first = this.seen.get(id);
    if (first !== undefined) errors.add(row, field, `duplicate ${field} "${id}" (also row ${first})`);
    else this.seen.set(id, row);
  }
}

/** A row's id: the one given (checked, unique in the batch) or a new UUID; undefined after an error. */
function rowId(value: unknown, r: number, errors: ErrorList, ids: BatchIds): string | undefined {
  if (value === undefined) return randomUUID();
  const id = parseId(value);
  if (id === undefined) {
    errors.add(r, 'id', `expected a non-empty string (max 256) or an integer, got ${describe(value)}`);
    return undefined;
  }
  ids.check(r, 'id', id, errors);
  return id;
}

type RowValidator<T> = (
  row: Record<string, unknown>,
  index: number,
  errors: ErrorList,
  ids: BatchIds,
) => T | undefined;

// The part every batch shares: an array of objects without unknown fields, all rows valid or the batch refused.
function validateBatch<T>(
  rows: unknown,
  what: string,
  keys: ReadonlySet<string>,
  validateRow: RowValidator<T>,
): BatchResult<T> {
  const refuse = (message: string): BatchResult<T> => ({
    ok: false,
    errors: [{ row: -1, field: 'body', message }],
    errorCount: 1,
  });
  if (!Array.isArray(rows)) return refuse(`expected an array of ${what}`);
  if (rows.length === 0) return refuse('the batch is empty');
  const errors = new ErrorList();
  const ids = new BatchIds();
  const records: T[] = new Array(rows.length);
  const expected = [...keys].join(', ');
  for (let r = 0; r < rows.length; r++) {
    const row: unknown = rows[r];
    if (!isPlainObject(row)) {
      errors.add(r, '', `expected an object, got ${describe(row)}`);
      continue;
    }
    for (const key in row) if (!keys.has(key)) errors.add(r, key, `unknown field (expected ${expected})`);
    const before = errors.count;
    const record = validateRow(row, r, errors, ids);
    if (record !== undefined && errors.count === before) records[r] = record;
  }
  return errors.count > 0
    ? { ok: false, errors: errors.errors, errorCount: errors.count }
    : { ok: true, records };
}

/**
 * Validators for one model, compiled once when the model is loaded. A batch is accepted whole or refused with
 * every problem listed (up to 100, with the total), so nothing is half-stored.
 */
export interface BatchValidator {
  predictions(rows: unknown, now: number): BatchResult<PredictionRecord>;
  /** Rows to predict on (`POST …/predict`): features, optional id, time, segment and routing key. */
  inputs(rows: unknown, now: number): BatchResult<InputRecord>;
  labels(rows: unknown, now: number): BatchResult<LabelRecord>;
}

export function compileValidator(spec: ModelSpec): BatchValidator {
  const features = spec.features.map((f) => ({ name: f.name, check: featureCheck(f) }));
  const featureNames = new Set(spec.features.map((f) => f.name));
  const computed = spec.features.filter((f) => f.fromLabels).map((f) => f.name);
  const classes = modelClasses(spec);
  const classSet = classes ? new Set<ClassValue>(classes) : undefined;
  const classList = classes?.map((c) => JSON.stringify(c)).join(', ');

  let missingFeatures = 0;
  // A row naming every feature of the schema and nothing else keeps its own features object (no copy); otherwise
  // the missing ones are filled with null in a new one.
  const checkFeatures = (values: unknown, r: number, errors: ErrorList): Record<string, FeatureValue> => {
    if (!isPlainObject(values)) {
      errors.add(r, 'features', `expected an object of feature values, got ${describe(values)}`);
      return {};
    }
    let missing = 0;
    for (const f of features) {
      const v = values[f.name];
      if (v === undefined) missing++;
      else if (v !== null) {
        const problem = f.check(v);
        if (problem) errors.add(r, `features.${f.name}`, problem);
      }
    }
    for (const key in values)
      if (!featureNames.has(key))
        errors.add(r, `features.${key}`, "unknown feature (not in the model's schema)");
    if (missing === 0) return values as Record<string, FeatureValue>;
    missingFeatures += missing;
    const out: Record<string, FeatureValue> = {};
    for (const f of features) out[f.name] = (values[f.name] ?? null) as FeatureValue;
    return out;
  };

  const checkClass = (value: unknown): string | undefined => {
    if (spec.task === 'regression') {
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `expected a finite number, got ${describe(value)}`;
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      return `expected a class (string or number), got ${describe(value)}`;
    }
    if (classSet && !classSet.has(value))
      return `${describe(value)} is not one of the model's classes (${classList})`;
    return undefined;
  };

  const estimatedCheck = estimatedCheckOf(spec);
  const required = requiredOutput(spec);

  return {
    predictions(rows, now) {
      missingFeatures = 0;
      let verbatim = true;
      const result = validateBatch(
        rows,
        'predictions',
        PREDICTION_KEYS,
        (row, r, errors, ids): PredictionRecord | undefined => {
          if (row.id === undefined || row.time === undefined) verbatim = false;
          const id = rowId(row.id, r, errors, ids);
          if (id === undefined) return undefined;
          const time = parseTime(row.time, now);
          if (typeof time === 'string') errors.add(r, 'time', time);
          const out = checkFeatures(row.features, r, errors);
          const outputProblem = row.output === undefined ? 'is required' : checkClass(row.output);
          if (outputProblem) errors.add(r, 'output', outputProblem);
          let score: number | null = null;
          if (row.score !== undefined && row.score !== null) {
            if (spec.task !== 'binary')
              errors.add(r, 'score', 'only binary models take a score (use proba for multiclass)');
            else if (typeof row.score !== 'number' || !(row.score >= 0 && row.score <= 1))
              errors.add(r, 'score', `expected a probability in [0, 1], got ${describe(row.score)}`);
            else score = row.score;
          }
          let proba: Record<string, number> | null = null;
          if (row.proba !== undefined && row.proba !== null) {
            if (spec.task !== 'multiclass')
              errors.add(r, 'proba', 'only multiclass models take proba (binary models take score)');
            else if (!isPlainObject(row.proba))
              errors.add(r, 'proba', 'expected an object of class → probability');
            else {
              for (const [k, p] of Object.entries(row.proba)) {
                if (typeof p !== 'number' || !(p >= 0 && p <= 1))
                  errors.add(r, `proba.${k}`, `expected a probability in [0, 1], got ${describe(p)}`);
              }
              proba = row.proba as Record<string, number>;
            }
          }
          if (estimatedCheck && required === 'score' && score === null && row.score === undefined)
            errors.add(r, 'score', missingOutputMessage(spec, estimatedCheck));
          if (estimatedCheck && required === 'proba' && proba === null && row.proba === undefined)
            errors.add(r, 'proba', missingOutputMessage(spec, estimatedCheck));
          const version = row.version ?? null;
          if (version !== null && (typeof version !== 'string' || version.length > 128))
            errors.add(r, 'version', 'expected a string (max 128)');
          const segment = row.segment ?? null;
          if (segment !== null && (typeof segment !== 'string' || segment.length > 128))
            errors.add(r, 'segment', 'expected a string (max 128)');
          return {
            id,
            time: time as number,
            version: version as string | null,
            segment: segment as string | null,
            features: out,
            output: row.output as ClassValue,
            score,
            proba,
          };
        },
      );
      if (result.ok) result.verbatim = verbatim && missingFeatures === 0;
      return result;
    },

    inputs(rows, now) {
      return validateBatch(rows, 'rows', INPUT_KEYS, (row, r, errors, ids): InputRecord | undefined => {
        const id = rowId(row.id, r, errors, ids);
        if (id === undefined) return undefined;
        const time = parseTime(row.time, now);
        if (typeof time === 'string') errors.add(r, 'time', time);
        const key = row.key === undefined ? id : parseId(row.key);
        if (key === undefined) errors.add(r, 'key', 'expected a non-empty string or an integer');
        const segment = row.segment ?? null;
        if (segment !== null && (typeof segment !== 'string' || segment.length > 128))
          errors.add(r, 'segment', 'expected a string (max 128)');
        for (const name of computed)
          if (isPlainObject(row.features) && row.features[name] !== undefined)
            errors.add(
              r,
              `features.${name}`,
              "computed by Steward from the model's labels (fromLabels): leave it out",
            );
        const features = checkFeatures(row.features, r, errors);
        return { id, time: time as number, segment: segment as string | null, key: key as string, features };
      });
    },

    labels(rows, now) {
      return validateBatch(rows, 'labels', LABEL_KEYS, (row, r, errors, ids): LabelRecord | undefined => {
        const id = parseId(row.predictionId);
        if (id === undefined)
          errors.add(
            r,
            'predictionId',
            `expected the prediction's id (string or integer), got ${describe(row.predictionId)}`,
          );
        else ids.check(r, 'predictionId', id, errors);
        const problem = row.label === undefined ? 'is required' : checkClass(row.label);
        if (problem) errors.add(r, 'label', problem);
        const time = parseTime(row.time, now);
        if (typeof time === 'string') errors.add(r, 'time', time);
        return { predictionId: id as string, label: row.label as ClassValue, time: time as number };
      });
    },
  };
}
