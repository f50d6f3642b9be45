import type { Registry } from '../registry/registry.js';
import type { ModelVersion } from '../registry/version-records.js';
import { buildVocabulary, type VersionVocabulary } from '../registry/vocabulary.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { RunDataset } from './run-dataset.js';

// Strategies whose candidate keeps what the version it starts from learnt (ensemble: production may be a member).
const GOES_ON = new Set(['fineTune', 'incremental', 'online', 'ensemble']);

/**
 * The words of each text column a candidate learnt from: its training rows (with the held-out ones when it was
 * refit on them) and, when it went on from `from` (a fine-tune, an incremental or online update, an ensemble
 * that may keep it as a member), that version's words. Undefined for a model without text columns.
 */
export async function candidateVocabulary(
  registry: Registry,
  spec: ModelSpec,
  policy: UpdatePolicy,
  data: RunDataset,
  refit: boolean,
  from: ModelVersion | undefined,
): Promise<VersionVocabulary | undefined> {
  const columns = spec.features.filter((f) => f.type === 'text').map((f) => f.name);
  if (columns.length === 0) return undefined;
  const base =
    from && GOES_ON.has(policy.strategy) ? await registry.vocabulary(spec.name, from.version) : null;
  const rows = refit ? [...data.records, ...data.heldRecords] : data.records;
  return buildVocabulary(columns, rows, base ?? undefined);
}
