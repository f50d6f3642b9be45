import type { ClassValue, FeatureValue, PredictionRecord } from '../spec/records.js';

/**
 * How a batch record holds its predictions: `records`, a JSON array of validated records; `json` / `ndjson`, the
 * request body exactly as received, kept only when its rows decode to the same records without the model's schema
 * (see `BatchResult.verbatim`), so the ingest path stores what it already holds instead of encoding it again.
 */
export type BatchFormat = 'records' | 'json' | 'ndjson';

/** A request body a batch was validated from. */
export interface RawBatch {
  text: string;
  format: 'json' | 'ndjson';
}

export interface StoredBatch {
  format: string;
  body: string;
  /** JSON array of the row positions not stored (their ids were already stored: a retried batch). */
  skip: string | null;
}

/**
 * Everything of a batch's predictions but their features, a JSON array a field (see `batchColumns`): what metrics,
 * versions and label joins read, at a fraction of the body's size and without a row object to build per value.
 */
export interface BatchColumns {
  id: string[];
  time: number[];
  output: ClassValue[];
  score: Array<number | null> | null;
  proba: Array<Record<string, number> | null> | null;
  version: Array<string | null> | null;
  segment: Array<string | null> | null;
}

export interface BatchRow {
  min: number;
  max: number;
  format: BatchFormat;
  body: string;
  /** The batch's ids as a JSON array. */
  ids: string;
  columns: string;
}

/** The batch record of `records`: their time range, body (the request's own when `raw` is given), ids and columns. */
export function batchRow(records: readonly PredictionRecord[], raw: RawBatch | undefined): BatchRow {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.time < min) min = r.time;
    if (r.time > max) max = r.time;
  }
  const ids = JSON.stringify(records.map((r) => r.id));
  const columns = batchColumns(records, ids);
  return raw
    ? { min, max, format: raw.format, body: raw.text, ids, columns }
    : { min, max, format: 'records', body: JSON.stringify(records), ids, columns };
}

/**
 * What labels need of each prediction, as a JSON array of `[id, time, output, score, proba]` tuples: SQLite copies
 * them into its id key from this (a few values a row, read in one pass) rather than from the columns' JSON, where a
 * path a value costs in proportion to the batch.
 */
export function idValuesJson(records: readonly PredictionRecord[]): string {
  return JSON.stringify(records.map((r) => [r.id, r.time, r.output, r.score, r.proba]));
}

/** The columns of `records`; `ids` is their ids as a JSON array, already encoded for the key. */
export function batchColumns(records: readonly PredictionRecord[], ids: string): string {
  const n = records.length;
  const time = new Array<number>(n);
  const output = new Array<ClassValue>(n);
  const score = new Array<number | null>(n);
  const proba = new Array<Record<string, number> | null>(n);
  const version = new Array<string | null>(n);
  const segment = new Array<string | null>(n);
  let present = 0; // bit flags: which of score, proba, version, segment any row has
  for (let i = 0; i < n; i++) {
    const r = records[i] as PredictionRecord;
    time[i] = r.time;
    output[i] = r.output;
    score[i] = r.score;
    proba[i] = r.proba;
    version[i] = r.version;
    segment[i] = r.segment;
    if (r.score !== null) present |= 1;
    if (r.proba !== null) present |= 2;
    if (r.version !== null) present |= 4;
    if (r.segment !== null) present |= 8;
  }
  // A field no row has is stored as null (most batches have no proba, version or segment).
  const rest = JSON.stringify({
    time,
    output,
    score: present & 1 ? score : null,
    proba: present & 2 ? proba : null,
    version: present & 4 ? version : null,
    segment: present & 8 ? segment : null,
  });
  return `{"id":${ids},${rest.slice(1)}`;
}

/** A batch's columns and the positions of its stored rows in a time range (all when no range is given). */
export interface ColumnRows {
  columns: BatchColumns;
  rows: number[];
}

export function columnRows(
  columns: string,
  skip: string | null,
  time?: { from: number; to: number },
): ColumnRows {
  const c = JSON.parse(columns) as BatchColumns;
  const skipped = skip === null ? undefined : new Set(JSON.parse(skip) as number[]);
  const rows: number[] = [];
  for (let i = 0; i < c.id.length; i++) {
    if (skipped?.has(i)) continue;
    const t = c.time[i] as number;
    if (!time || (t >= time.from && t < time.to)) rows.push(i);
  }
  return { columns: c, rows };
}

/** Row `i` of a batch's columns, without its features (`features` is empty). */
export function recordAt(c: BatchColumns, i: number): PredictionRecord {
  return {
    id: c.id[i] as string,
    time: c.time[i] as number,
    version: c.version?.[i] ?? null,
    segment: c.segment?.[i] ?? null,
    features: {},
    output: c.output[i] as ClassValue,
    score: c.score?.[i] ?? null,
    proba: c.proba?.[i] ?? null,
  };
}

/** The predictions a batch record stores, in the order they were sent. */
export function decodeBatch(batch: StoredBatch): PredictionRecord[] {
  const skip = batch.skip === null ? undefined : new Set(JSON.parse(batch.skip) as number[]);
  let records: PredictionRecord[];
  if (batch.format === 'records') records = JSON.parse(batch.body) as PredictionRecord[];
  else if (batch.format === 'json') records = (JSON.parse(batch.body) as RawRow[]).map(normalise);
  else if (batch.format === 'ndjson') records = ndjsonRows(batch.body).map(normalise);
  else throw new Error(`prediction batch in an unknown format "${batch.format}": upgrade Steward`);
  return skip ? records.filter((_, i) => !skip.has(i)) : records;
}

interface RawRow {
  id: string | number;
  time: number | string;
  version?: string | null;
  segment?: string | null;
  features: Record<string, FeatureValue>;
  output: ClassValue;
  score?: number | null;
  proba?: Record<string, number> | null;
}

// The validator's own normalisation of a row that has an id, a time and every feature (the rows kept verbatim).
function normalise(row: RawRow): PredictionRecord {
  return {
    id: typeof row.id === 'number' ? String(row.id) : row.id,
    time: typeof row.time === 'number' ? Math.floor(row.time) : Date.parse(row.time),
    version: row.version ?? null,
    segment: row.segment ?? null,
    features: row.features,
    output: row.output,
    score: row.score ?? null,
    proba: row.proba ?? null,
  };
}

function ndjsonRows(text: string): RawRow[] {
  const rows: RawRow[] = [];
  for (const line of text.split('\n')) {
    // Trimmed as the request's parser trimmed it (it also strips spaces JSON.parse refuses, such as U+00A0).
    const piece = line.trim();
    if (piece.length > 0) rows.push(JSON.parse(piece) as RawRow);
  }
  return rows;
}
