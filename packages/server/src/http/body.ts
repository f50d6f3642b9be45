import type { RawBatch } from '../store/prediction-batch.js';
import { ApiError } from './api-error.js';

const NDJSON = /ndjson|jsonl|json-seq/;

/** Parses a JSON document, or NDJSON (one JSON value per line) into an array; errors name the line. */
export function parseBody(text: string, contentType: string): unknown {
  if (NDJSON.test(contentType)) {
    const rows: unknown[] = [];
    let line = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const piece = text.slice(start, end).trim();
      line++;
      if (piece.length > 0) {
        try {
          rows.push(JSON.parse(piece));
        } catch (error) {
          throw new ApiError(
            400,
            'bad_json',
            `NDJSON line ${line} is not valid JSON: ${(error as Error).message}`,
            [{ row: rows.length, field: '', message: `line ${line}: ${(error as Error).message}` }],
          );
        }
      }
      start = end + 1;
    }
    return rows;
  }
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'bad_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

const rawBodies = new WeakMap<object, RawBatch>();

/** Keeps the text a request's body was parsed from, for the store to keep as received (see prediction-batch.ts). */
export function keepRawBody(request: object, text: string, contentType: string): void {
  rawBodies.set(request, { text, format: NDJSON.test(contentType) ? 'ndjson' : 'json' });
}

export function rawBody(request: object): RawBatch | undefined {
  return rawBodies.get(request);
}
