import type { ClassValue, FeatureValue, PredictionRecord } from '../monitor/ingest-rows.js';

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
