// What an estimated check needs from each prediction, checked where a user can still fix it: when the spec is
// applied (against what is stored) and when predictions are logged.
import type { CheckSpec, ModelSpec } from '../../spec/model-spec.js';
import type { JoinedPrediction } from '../../spec/records.js';
import type { StoreConnection } from '../../store/open-store.js';
import { queryPredictions } from '../../store/prediction-reads.js';

type MetricCheck = Extract<CheckSpec, { type: 'metric' }>;

/** The model's first check on an estimated metric, if any. */
export function estimatedCheckOf(spec: ModelSpec): MetricCheck | undefined {
  return spec.checks.find((c): c is MetricCheck => c.type === 'metric' && c.estimated);
}

/** The field each prediction must carry for a classifier's estimate: a binary score, multiclass probabilities. */
export function requiredOutput(spec: ModelSpec): 'score' | 'proba' | undefined {
  return spec.task === 'binary' ? 'score' : spec.task === 'multiclass' ? 'proba' : undefined;
}

function neededOutput(spec: ModelSpec): string {
  return spec.task === 'binary'
    ? `each prediction's score (the probability of ${JSON.stringify(spec.positiveClass ?? spec.classes?.[1] ?? 1)})`
    : "each prediction's class probabilities (proba)";
}

/** Why a logged prediction without its score (or probabilities) is refused by a model with an estimated check. */
export function missingOutputMessage(spec: ModelSpec, check: MetricCheck): string {
  return `required: check "${check.name}" watches estimated ${check.metric}, which is estimated from ${neededOutput(spec)}`;
}

/**
 * When a spec with an estimated check is applied to a model that already has predictions: a problem if the newest
 * of them (its last window of data) carry no score (binary) or probabilities (multiclass) to estimate from.
 */
export async function storedOutputsProblem(
  store: StoreConnection,
  spec: ModelSpec,
): Promise<string | undefined> {
  const check = estimatedCheckOf(spec);
  const field = requiredOutput(spec);
  if (!check || !field) return undefined;
  const newest = await store.db
    .selectFrom('prediction_batches')
    .select((eb) => eb.fn.max('max_time').as('last'))
    .where('model', '=', spec.name)
    .executeTakeFirst();
  if (newest?.last === null || newest?.last === undefined) return undefined;
  const last = Number(newest.last);
  const rows = await queryPredictions(store.db, spec.name, { from: last + 1 - spec.window, to: last + 1 });
  if (rows.length === 0 || rows.some((r: JoinedPrediction) => r[field] !== null)) return undefined;
  return `check "${check.name}" watches estimated ${check.metric}, but none of ${spec.name}'s newest ${rows.length} predictions has a ${field} to estimate from: log ${neededOutput(spec)}`;
}

/** The keys a reference row may carry besides the features: its label and the model's output on it. */
export const REFERENCE_OUTPUT_KEYS = new Set(['label', 'score', 'proba', 'output']);

/**
 * What keeps a reference from fitting the estimator (`estimation.reference`): every row needs a label and the
 * model's output on it (a binary score, multiclass probabilities, a regressor's numeric output).
 */
export function referenceRowProblems(
  spec: ModelSpec,
  rows: ReadonlyArray<Record<string, unknown>>,
): Array<{ row: number; field: string; message: string }> {
  const problems: Array<{ row: number; field: string; message: string }> = [];
  const need = spec.task === 'binary' ? 'score' : spec.task === 'multiclass' ? 'proba' : 'output';
  rows.forEach((row, i) => {
    if (row.label === undefined || row.label === null)
      problems.push({
        row: i,
        field: 'label',
        message:
          'the estimator is fitted on this reference (estimation.reference): every row needs its label',
      });
    const value = row[need];
    const ok =
      need === 'score'
        ? typeof value === 'number' && value >= 0 && value <= 1
        : need === 'proba'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === 'number' && Number.isFinite(value);
    if (!ok)
      problems.push({
        row: i,
        field: need,
        message: `the estimator is fitted on this reference (estimation.reference): every row needs the model's ${need === 'score' ? 'score (a probability in [0, 1])' : need === 'proba' ? 'class probabilities (an object of class → probability)' : 'output (a number)'}`,
      });
  });
  return problems;
}

/** When a spec names a stored reference for its estimator: a problem if that reference cannot fit it. */
export async function estimationReferenceProblem(
  store: StoreConnection,
  spec: ModelSpec,
): Promise<string | undefined> {
  const name = spec.estimation?.reference;
  if (!name) return undefined;
  const stored = await store.db
    .selectFrom('references')
    .select('rows')
    .where('model', '=', spec.name)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!stored) return undefined; // it may be uploaded after the spec; estimates say it is missing until then
  const problems = referenceRowProblems(spec, JSON.parse(stored.rows) as Array<Record<string, unknown>>);
  if (problems.length === 0) return undefined;
  const first = problems[0] as (typeof problems)[number];
  return `reference "${name}" cannot fit the estimator: ${problems.length} problem${problems.length === 1 ? '' : 's'}, the first row ${first.row} ${first.field}: ${first.message}`;
}
