import { DomainError } from '../spec/domain-error.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { REFERENCE_OUTPUT_KEYS, referenceRowProblems } from './estimation/estimation-inputs.js';
import { windowStart } from './ingestion.js';

/** The most rows a stored reference holds. */
export const MAX_REFERENCE_ROWS = 100_000;

export class ReferenceDataError extends DomainError {
  constructor(readonly issues: Array<{ row: number; field: string; message: string }>) {
    super(
      400,
      'invalid_reference',
      `invalid reference: ${issues
        .slice(0, 5)
        .map((i) => `row ${i.row} ${i.field}: ${i.message}`)
        .join('; ')}`,
      issues,
    );
  }
}

/**
 * Stores a named reference data set (for example the training data) as rows of the model's features; a row may
 * also carry its `label`, which update runs can mix into their training data (`update.referenceSample`), and the
 * model's output on it (`score`, `proba` or `output`), which the estimator of `estimation.reference` fits on.
 */
export async function putReference(
  store: StoreConnection,
  spec: ModelSpec,
  name: string,
  rows: unknown,
  now = Date.now(),
): Promise<number> {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new ReferenceDataError([
      { row: -1, field: 'body', message: 'expected a non-empty array of feature rows' },
    ]);
  if (rows.length > MAX_REFERENCE_ROWS)
    throw new ReferenceDataError([
      { row: -1, field: 'body', message: `at most ${MAX_REFERENCE_ROWS} rows (sample the reference)` },
    ]);
  const names = new Set(spec.features.map((f) => f.name));
  const issues: Array<{ row: number; field: string; message: string }> = [];
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      issues.push({ row: i, field: '', message: 'expected an object of feature values' });
    else
      for (const key of Object.keys(row))
        if (!names.has(key) && !REFERENCE_OUTPUT_KEYS.has(key))
          issues.push({ row: i, field: key, message: "unknown feature (not in the model's schema)" });
  });
  if (issues.length === 0 && spec.estimation?.reference === name)
    issues.push(...referenceRowProblems(spec, rows as Array<Record<string, unknown>>));
  if (issues.length > 0) throw new ReferenceDataError(issues.slice(0, 100));
  await store.db
    .insertInto('references')
    .values({ model: spec.name, name, rows: JSON.stringify(rows), created_at: now })
    .onConflict((oc) =>
      oc.columns(['model', 'name']).doUpdateSet({ rows: JSON.stringify(rows), created_at: now }),
    )
    .execute();
  return rows.length;
}

export async function getReference(
  store: StoreConnection,
  model: string,
  name: string,
): Promise<Array<Record<string, unknown>> | undefined> {
  const row = await store.db
    .selectFrom('references')
    .select('rows')
    .where('model', '=', model)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? (JSON.parse(row.rows) as Array<Record<string, unknown>>) : undefined;
}

export async function listReferences(
  store: StoreConnection,
  model: string,
): Promise<Array<{ name: string; createdAt: number }>> {
  const rows = await store.db
    .selectFrom('references')
    .select(['name', 'created_at'])
    .where('model', '=', model)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, createdAt: Number(r.created_at) }));
}

export type ReferenceSpec = string | { window: string };

/**
 * The rows a drift comparison runs against: a stored reference by name, or the predictions of the window that
 * starts at an ISO time. A string explains what is missing and how to provide it.
 */
export async function resolveReference(
  store: StoreConnection,
  spec: ModelSpec,
  reference: ReferenceSpec,
  limit: number,
): Promise<Array<Record<string, unknown>> | string> {
  if (typeof reference === 'string') {
    const rows = await getReference(store, spec.name, reference);
    return (
      rows ??
      `no reference "${reference}" (upload it with PUT /api/v1/models/${spec.name}/references/${reference})`
    );
  }
  const start = Date.parse(reference.window);
  if (!Number.isFinite(start)) return `reference window "${reference.window}" is not an ISO time`;
  const from = windowStart(start, spec.window);
  const found = await queryPredictions(store.db, spec.name, {
    from,
    to: from + spec.window,
    features: true,
    limit,
  });
  return found.length > 0
    ? found.map((r) => r.features)
    : `the reference window starting ${new Date(from).toISOString()} has no predictions`;
}
