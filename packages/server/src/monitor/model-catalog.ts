import { type ModelSpec, ModelSpecError, type ModelSpecInput, parseModelSpec } from '../spec/model-spec.js';
import { backfillLabelHistory } from '../store/label-history.js';
import type { StoreConnection } from '../store/open-store.js';
import { type Clock, systemClock } from '../time/clock.js';
import { estimationReferenceProblem, storedOutputsProblem } from './estimation/estimation-inputs.js';
import { type BatchValidator, compileValidator } from './ingest-rows.js';

/** A model as the server uses it: its validated spec and the batch validator compiled from it. */
export interface LoadedModel {
  spec: ModelSpec;
  validator: BatchValidator;
  createdAt: number;
  updatedAt: number;
}

// Other server processes may change a model; a cached copy is re-read after this long.
const CACHE_MS = 5_000;

/** Models by name, cached with their compiled validators. */
export class ModelCatalog {
  private readonly cache = new Map<string, { model: LoadedModel; loadedAt: number }>();

  constructor(
    private readonly store: StoreConnection,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates or replaces a model. Returns whether it was created. */
  async put(input: ModelSpecInput | unknown): Promise<{ model: LoadedModel; created: boolean }> {
    const spec = parseModelSpec(input);
    const existing = await this.store.db
      .selectFrom('models')
      .select(['spec', 'created_at', 'updated_at'])
      .where('name', '=', spec.name)
      .executeTakeFirst();
    const before = existing ? (JSON.parse(existing.spec) as ModelSpec) : undefined;
    if (before) {
      for (const field of ['task', 'window'] as const) {
        if (before[field] !== spec[field]) {
          throw new ModelSpecError([
            {
              field,
              message: `model "${spec.name}" has ${field} ${JSON.stringify(before[field])}; it cannot change once data is recorded (create a new model)`,
            },
          ]);
        }
      }
    }
    const outputs = await storedOutputsProblem(this.store, spec);
    if (outputs) throw new ModelSpecError([{ field: 'checks', message: outputs }]);
    const reference = await estimationReferenceProblem(this.store, spec);
    if (reference) throw new ModelSpecError([{ field: 'estimation.reference', message: reference }]);
    // updated_at tells caches a spec changed: it moves forward even when the clock (simulated) has not.
    const now = Math.max(this.clock.now(), existing ? Number(existing.updated_at) + 1 : 0);
    await this.store.db
      .insertInto('models')
      .values({
        name: spec.name,
        task: spec.task,
        spec: JSON.stringify(spec),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('name').doUpdateSet({ spec: JSON.stringify(spec), updated_at: now }))
      .execute();
    // Label features declared on a model that has labels: their history starts from the labels stored.
    if (before && !before.features.some((f) => f.fromLabels) && spec.features.some((f) => f.fromLabels))
      await backfillLabelHistory(this.store.db, spec.name);
    const model: LoadedModel = {
      spec,
      validator: compileValidator(spec),
      createdAt: Number(existing?.created_at ?? now),
      updatedAt: now,
    };
    this.cache.set(spec.name, { model, loadedAt: Date.now() });
    return { model, created: existing === undefined };
  }

  async get(name: string): Promise<LoadedModel | undefined> {
    const cached = this.cache.get(name);
    if (cached && Date.now() - cached.loadedAt < CACHE_MS) return cached.model;
    const row = await this.store.db
      .selectFrom('models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) {
      this.cache.delete(name);
      return undefined;
    }
    if (cached && cached.model.updatedAt === Number(row.updated_at)) {
      cached.loadedAt = Date.now();
      return cached.model;
    }
    const spec = parseModelSpec(JSON.parse(row.spec));
    const model: LoadedModel = {
      spec,
      validator: compileValidator(spec),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
    this.cache.set(name, { model, loadedAt: Date.now() });
    return model;
  }

  async list(): Promise<LoadedModel[]> {
    const rows = await this.store.db.selectFrom('models').select('name').orderBy('name').execute();
    const models: LoadedModel[] = [];
    for (const row of rows) {
      const model = await this.get(row.name);
      if (model) models.push(model);
    }
    return models;
  }

  /**
   * Deletes a model and everything it owns, in one transaction: monitoring data, versions and aliases, runs, jobs
   * and rollouts, so a model created again under the name starts empty (no production version to serve). The audit
   * trail stays, with the deletion in it. Artifact files are content-addressed and may be shared: they stay.
   */
  async delete(name: string, actor = 'unknown'): Promise<boolean> {
    return this.store.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('models').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      const versions = await trx
        .selectFrom('versions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('model', '=', name)
        .executeTakeFirstOrThrow();
      for (const table of MODEL_TABLES) await trx.deleteFrom(table).where('model', '=', name).execute();
      await trx
        .insertInto('audit_events')
        .values({
          at: this.clock.now(),
          actor,
          action: 'delete-model',
          model: name,
          detail: JSON.stringify({ versions: Number(versions.n) }),
        })
        .execute();
      this.cache.delete(name);
      return true;
    });
  }
}

/** Every table whose rows belong to one model (by its `model` column), but the audit trail. */
export const MODEL_TABLES = [
  'prediction_batches',
  'prediction_ids',
  'prediction_ids_recent',
  'labels',
  'label_history',
  'profiles',
  'window_labels',
  'window_label_deltas',
  'window_label_shards',
  'references',
  'estimated_windows',
  'check_states',
  'check_results',
  'alerts',
  'versions',
  'aliases',
  'alias_history',
  'training_steps',
  'shadow_predictions',
  'jobs',
  'update_runs',
  'rollouts',
] as const;
