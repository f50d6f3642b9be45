// The batches bench/ingest posts and times: 1000 Elec2 predictions each, streamed one a second in time order
// (Elec2's own half-hours span years), with ids in the order they are sent or as UUIDs.
import { randomUUID } from 'node:crypto';
import { compileValidator } from '../../packages/server/src/monitor/ingest-rows.js';
import { modelSpec } from '../../packages/server/src/spec/model-spec.js';
import type { PredictionRecord } from '../../packages/server/src/spec/records.js';
import { ELEC2_MODEL, elec2Predictions } from '../../packages/server/src/testing/elec2.js';

export const BATCH = 1000;
const STREAM_START = Date.UTC(2026, 0, 1);
const source = elec2Predictions();

export interface Workload {
  payloads: string[];
  /** The payloads encoded once: the load generator should take as little of the machine's CPU as it can. */
  bodies: Buffer[];
  rows: number;
}

export function workload(batches: number, ids: 'ordered' | 'uuid'): Workload {
  const payloads = Array.from({ length: batches }, (_, b) =>
    JSON.stringify(
      Array.from({ length: BATCH }, (_, i) => {
        const { label: _label, ...p } = source[(b * BATCH + i) % source.length] as (typeof source)[number];
        const id = ids === 'uuid' ? randomUUID() : `b${b}-${i}`;
        return { ...p, id, time: STREAM_START + (b * BATCH + i) * 1000 };
      }),
    ),
  );
  return { payloads, bodies: payloads.map((p) => Buffer.from(p)), rows: BATCH * batches };
}

export const elec2Spec = modelSpec.parse(ELEC2_MODEL);
export const elec2Validator = compileValidator(elec2Spec);

/** The payloads as the server stores them: parsed and validated. */
export function validatedBatches(payloads: readonly string[]): PredictionRecord[][] {
  return payloads.map((p) => {
    const result = elec2Validator.predictions(JSON.parse(p), Date.now());
    if (!result.ok) throw new Error(`bench data invalid: ${JSON.stringify(result.errors[0])}`);
    return result.records;
  });
}
