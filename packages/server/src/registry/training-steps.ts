// Training curves (loss, validation score, trials…) logged per version, step by step.
import type { StoreConnection } from '../store/open-store.js';
import type { Clock } from '../time/clock.js';
import { RegistryError } from './version-records.js';

const MAX_STEPS_PER_CALL = 100_000;

/** Appends points of training curves (loss, validation score, …) for a version. */
export async function logTrainingSteps(
  store: StoreConnection,
  clock: Clock,
  model: string,
  version: number,
  points: unknown,
): Promise<number> {
  if (!Array.isArray(points) || points.length === 0 || points.length > MAX_STEPS_PER_CALL) {
    throw new RegistryError(
      400,
      `expected an array of 1 to ${MAX_STEPS_PER_CALL} { step, metric, value } points`,
      'body',
    );
  }
  const now = clock.now();
  const rows = points.map((p, i) => {
    const { step, metric, value } = (p ?? {}) as { step?: unknown; metric?: unknown; value?: unknown };
    if (!Number.isInteger(step) || (step as number) < 0)
      throw new RegistryError(400, `point ${i}: step must be a non-negative integer`, `[${i}].step`);
    if (typeof metric !== 'string' || metric.length === 0 || metric.length > 128)
      throw new RegistryError(400, `point ${i}: metric must be a name`, `[${i}].metric`);
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new RegistryError(400, `point ${i}: value must be a finite number`, `[${i}].value`);
    return { model, version, metric, step: step as number, value, at: now };
  });
  await store.db.transaction().execute(async (trx) => {
    for (let s = 0; s < rows.length; s += 500) {
      await trx
        .insertInto('training_steps')
        .values(rows.slice(s, s + 500))
        .onConflict((oc) =>
          oc
            .columns(['model', 'version', 'metric', 'step'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), at: eb.ref('excluded.at') })),
        )
        .execute();
    }
  });
  return rows.length;
}

/** A version's curves by metric, as [step, value] pairs in step order. */
export async function readTrainingSteps(
  store: StoreConnection,
  model: string,
  version: number,
): Promise<Record<string, Array<[number, number]>>> {
  const rows = await store.db
    .selectFrom('training_steps')
    .select(['metric', 'step', 'value'])
    .where('model', '=', model)
    .where('version', '=', version)
    .orderBy('metric')
    .orderBy('step')
    .execute();
  const curves: Record<string, Array<[number, number]>> = {};
  for (const r of rows) {
    curves[r.metric] ??= [];
    curves[r.metric]?.push([Number(r.step), r.value]);
  }
  return curves;
}
