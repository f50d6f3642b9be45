import type { Kysely } from 'kysely';
import type { LabelRecord } from '../spec/records.js';
import type { WindowLabels } from '../window-state/window-labels.js';
import { writeLabelHistory } from './label-history.js';
import { appendLabelDelta, type LabelLookups, labelDeltas, type ShardLog } from './label-states.js';
import { matchWaitingLabels, upsertLabels } from './label-upserts.js';
import type { Database } from './schema.js';

/** A label write of one model: labels that came in, or labels waiting for predictions that arrived (of `ids`, or all). */
export type LabelWrite =
  | { kind: 'labels'; records: readonly LabelRecord[] }
  | { kind: 'match'; ids?: readonly string[] };

export interface LabelWritten {
  /** Labels whose prediction is stored (`labels`), or labels no longer waiting (`match`). */
  count: number;
  /** The number of the delta appended to the shard (undefined: no window changed). */
  n?: number;
  deltas: Map<number, WindowLabels>;
}

/**
 * One transaction: the labels themselves, then one delta of the windows' states on `shard`. The caller serialises a
 * shard's writes of a model and, after the commit, sets `log.n` and adds the windows to `log.windows` (a failed
 * write leaves the log unusable).
 */
export function writeLabels(db: Kysely<Database>, ...write: LabelWriteArgs): Promise<LabelWritten> {
  return retryingConflicts(() => db.transaction().execute((trx) => writeLabelsIn(trx, ...write)));
}

/** What a label write takes besides its connection: the model, the shard, its log, the write, the time, the cache. */
type LabelWriteArgs = Parameters<typeof writeLabelsIn> extends [unknown, ...infer Rest] ? Rest : never;

/** The statements of a label write, in a transaction the caller holds open (the SQLite writer thread's group). */
export async function writeLabelsIn(
  trx: Kysely<Database>,
  model: { name: string; window: number; labelHistory?: boolean },
  shard: string,
  log: ShardLog,
  write: LabelWrite,
  now: number,
  lookups: LabelLookups = {},
): Promise<LabelWritten> {
  let count: number;
  let changes: Parameters<typeof labelDeltas>[1];
  if (write.kind === 'labels') {
    const stored = await upsertLabels(trx, model.name, write.records, now, lookups);
    count = stored.matched;
    changes = stored.changes;
  } else {
    changes = await matchWaitingLabels(trx, model.name, write.ids, lookups);
    count = changes.length;
  }
  if (model.labelHistory) await writeLabelHistory(trx, model.name, changes);
  const deltas = labelDeltas(model.window, changes);
  const n = await appendLabelDelta(trx, model.name, shard, log, deltas, now);
  return n === undefined ? { count, deltas } : { count, n, deltas };
}

/** PostgreSQL gives up one of two transactions that wait on each other (deadlock, serialization): run it again. */
async function retryingConflicts<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}
