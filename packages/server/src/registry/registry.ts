import { restoreModel } from '@steward/core';
import { type Selectable, sql } from 'kysely';
import type { StoreConnection } from '../store/open-store.js';
import type { VersionsTable } from '../store/schema.js';
import { type Clock, systemClock } from '../time/clock.js';
import type { ArtifactStore } from './artifact-store.js';

export const ALIASES = ['production', 'candidate', 'shadow'] as const;
export type Alias = (typeof ALIASES)[number];
export const FORMATS = ['steward', 'onnx'] as const;
export type ArtifactFormat = (typeof FORMATS)[number];

/** Where a version came from: free-form, with the fields the update loop fills in. */
export interface Lineage {
  trainingWindow?: { from: string; to: string };
  strategy?: string;
  parameters?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelVersion {
  model: string;
  version: number;
  sha256: string;
  format: ArtifactFormat;
  size: number;
  parent: number | null;
  description: string | null;
  lineage: Lineage;
  createdBy: string;
  createdAt: number;
  /** Aliases pointing at this version now. */
  aliases: Alias[];
}

export interface AliasChange {
  alias: Alias;
  action: 'promote' | 'rollback' | 'clear';
  fromVersion: number | null;
  toVersion: number | null;
  reason: string | null;
  actor: string;
  at: number;
}

/** A registry request that cannot be done; `status` is the HTTP answer (400, 404 or 409). */
export class RegistryError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegisterOptions {
  format?: ArtifactFormat;
  parent?: number;
  description?: string;
  lineage?: Lineage;
  actor: string;
}

const MAX_STEPS_PER_CALL = 100_000;

function detectFormat(bytes: Uint8Array): ArtifactFormat | undefined {
  if (bytes[0] === 0x7b) return 'steward'; // '{'
  if (bytes[0] === 0x08) return 'onnx'; // ModelProto field 1 (ir_version), varint
  return undefined;
}

function checkArtifact(bytes: Uint8Array, format: ArtifactFormat): void {
  if (bytes.byteLength === 0) throw new RegistryError(400, 'the artifact is empty', 'artifact');
  if (format === 'onnx') {
    if (bytes[0] !== 0x08)
      throw new RegistryError(
        400,
        'not an ONNX model: an ONNX file starts with its ir_version field',
        'artifact',
      );
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RegistryError(
      400,
      `not a Steward model file: invalid JSON (${(error as Error).message})`,
      'artifact',
    );
  }
  try {
    restoreModel(json);
  } catch (error) {
    throw new RegistryError(400, `not a valid Steward model file: ${(error as Error).message}`, 'artifact');
  }
}

/**
 * The model registry: immutable numbered versions whose artifacts are content-addressed, aliases
 * (`production`, `candidate`, `shadow`) whose every change is kept, and an audit trail.
 */
export class Registry {
  constructor(
    private readonly store: StoreConnection,
    private readonly artifacts: ArtifactStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async register(model: string, bytes: Uint8Array, options: RegisterOptions): Promise<ModelVersion> {
    await this.requireModel(model);
    const format = options.format ?? detectFormat(bytes);
    if (!format)
      throw new RegistryError(
        400,
        'cannot tell the artifact format: give format "steward" or "onnx"',
        'format',
      );
    checkArtifact(bytes, format);
    if (options.parent !== undefined && !(await this.get(model, options.parent))) {
      throw new RegistryError(
        400,
        `parent version ${options.parent} of model "${model}" does not exist`,
        'parent',
      );
    }
    const { sha256, size } = this.artifacts.put(bytes);
    const now = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const version = await this.store.db.transaction().execute(async (trx) => {
          // PostgreSQL: one registration per model at a time, so concurrent uploads get consecutive numbers.
          if (this.store.dialect === 'postgres')
            await sql`select pg_advisory_xact_lock(hashtext(${`versions/${model}`}))`.execute(trx);
          const last = await trx
            .selectFrom('versions')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('model', '=', model)
            .executeTakeFirst();
          const next = Number(last?.v ?? 0) + 1;
          await trx
            .insertInto('versions')
            .values({
              model,
              version: next,
              sha256,
              format,
              size,
              parent: options.parent ?? null,
              description: options.description ?? null,
              lineage: JSON.stringify(options.lineage ?? {}),
              created_by: options.actor,
              created_at: now,
            })
            .execute();
          await trx
            .insertInto('audit_events')
            .values({
              at: now,
              actor: options.actor,
              action: 'register',
              model,
              detail: JSON.stringify({ version: next, sha256, format, size }),
            })
            .execute();
          return next;
        });
        return (await this.get(model, version)) as ModelVersion;
      } catch (error) {
        // Two registrations raced for the same number: take the next one.
        if (attempt < 3 && /unique|duplicate|constraint/i.test((error as Error).message)) continue;
        throw error;
      }
    }
  }

  async list(model: string): Promise<ModelVersion[]> {
    await this.requireModel(model);
    const rows = await this.store.db
      .selectFrom('versions')
      .selectAll()
      .where('model', '=', model)
      .orderBy('version')
      .execute();
    const aliases = await this.current(model);
    return rows.map((r) => toVersion(r, aliases));
  }

  async get(model: string, version: number): Promise<ModelVersion | undefined> {
    const row = await this.store.db
      .selectFrom('versions')
      .selectAll()
      .where('model', '=', model)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toVersion(row, await this.current(model)) : undefined;
  }

  async artifact(model: string, version: number): Promise<{ version: ModelVersion; bytes: Buffer }> {
    const found = await this.require(model, version);
    return { version: found, bytes: this.artifacts.get(found.sha256) };
  }

  /** The version an alias points at, if any. */
  async resolve(model: string, alias: Alias): Promise<ModelVersion | undefined> {
    return (await this.resolveAll(model))[alias];
  }

  /** Every alias of the model with its version, in two queries (serving asks this on every request). */
  async resolveAll(model: string): Promise<Partial<Record<Alias, ModelVersion>>> {
    const current = await this.current(model);
    if (current.size === 0) return {};
    const rows = await this.store.db
      .selectFrom('versions')
      .selectAll()
      .where('model', '=', model)
      .where('version', 'in', [...new Set(current.values())])
      .execute();
    const byNumber = new Map(rows.map((r) => [Number(r.version), toVersion(r, current)]));
    const resolved: Partial<Record<Alias, ModelVersion>> = {};
    for (const [alias, version] of current) {
      const found = byNumber.get(version);
      if (found) resolved[alias] = found;
    }
    return resolved;
  }

  /** Points `alias` at `version` (atomic; recorded in the alias history and the audit trail). */
  async promote(
    model: string,
    version: number,
    alias: Alias,
    options: { actor: string; reason?: string },
  ): Promise<AliasChange> {
    await this.require(model, version);
    return this.changeAlias(model, alias, options, async () => ({ action: 'promote', to: version }));
  }

  /**
   * Points `alias` back at the version it had before its latest promotion that is still in effect (promotions
   * push, rollbacks pop: rolling back twice goes two promotions back).
   */
  async rollback(
    model: string,
    alias: Alias,
    options: { actor: string; reason?: string },
  ): Promise<AliasChange> {
    await this.requireModel(model);
    return this.changeAlias(model, alias, options, async (trx) => {
      const history = await trx
        .selectFrom('alias_history')
        .select(['action', 'to_version'])
        .where('model', '=', model)
        .where('alias', '=', alias)
        .orderBy('id')
        .execute();
      const stack: number[] = [];
      for (const h of history) {
        if (h.action === 'promote') stack.push(Number(h.to_version));
        else if (h.action === 'rollback') stack.pop();
        else stack.length = 0;
      }
      if (stack.length < 2) {
        throw new RegistryError(
          409,
          `nothing to roll back to: ${alias} of model "${model}" has ${stack.length === 0 ? 'never been set' : `only had version ${stack[0]}`}`,
        );
      }
      return { action: 'rollback', to: stack[stack.length - 2] as number };
    });
  }

  /** Removes an alias (a candidate or shadow whose rollout ended); recorded like any change. */
  async clearAlias(
    model: string,
    alias: Alias,
    options: { actor: string; reason?: string },
  ): Promise<AliasChange | undefined> {
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('aliases')
        .select('version')
        .where('model', '=', model)
        .where('alias', '=', alias)
        .executeTakeFirst();
      if (!current) return undefined;
      await trx.deleteFrom('aliases').where('model', '=', model).where('alias', '=', alias).execute();
      const change: AliasChange = {
        alias,
        action: 'clear',
        fromVersion: Number(current.version),
        toVersion: null,
        reason: options.reason ?? null,
        actor: options.actor,
        at: now,
      };
      await recordAliasChange(trx, model, change);
      return change;
    });
  }

  async aliases(model: string): Promise<{ current: Partial<Record<Alias, number>>; history: AliasChange[] }> {
    await this.requireModel(model);
    const rows = await this.store.db
      .selectFrom('alias_history')
      .selectAll()
      .where('model', '=', model)
      .orderBy('id', 'desc')
      .limit(1000)
      .execute();
    return {
      current: Object.fromEntries(await this.current(model)) as Partial<Record<Alias, number>>,
      history: rows.map((r) => ({
        alias: r.alias as Alias,
        action: r.action as AliasChange['action'],
        fromVersion: r.from_version === null ? null : Number(r.from_version),
        toVersion: r.to_version === null ? null : Number(r.to_version),
        reason: r.reason,
        actor: r.actor,
        at: Number(r.at),
      })),
    };
  }

  /** Appends points of training curves (loss, validation score, …) for a version. */
  async logSteps(model: string, version: number, points: unknown): Promise<number> {
    await this.require(model, version);
    if (!Array.isArray(points) || points.length === 0 || points.length > MAX_STEPS_PER_CALL) {
      throw new RegistryError(
        400,
        `expected an array of 1 to ${MAX_STEPS_PER_CALL} { step, metric, value } points`,
        'body',
      );
    }
    const now = this.clock.now();
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
    await this.store.db.transaction().execute(async (trx) => {
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

  async steps(model: string, version: number): Promise<Record<string, Array<[number, number]>>> {
    await this.require(model, version);
    const rows = await this.store.db
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

  async audit(
    model?: string,
    limit = 200,
  ): Promise<Array<{ at: number; actor: string; action: string; model: string | null; detail: unknown }>> {
    let q = this.store.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit);
    if (model) q = q.where('model', '=', model);
    const rows = await q.execute();
    return rows.map((r) => ({
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      model: r.model,
      detail: JSON.parse(r.detail),
    }));
  }

  private async changeAlias(
    model: string,
    alias: Alias,
    options: { actor: string; reason?: string },
    decide: (trx: StoreConnection['db']) => Promise<{ action: AliasChange['action']; to: number }>,
  ): Promise<AliasChange> {
    if (!(ALIASES as readonly string[]).includes(alias))
      throw new RegistryError(400, `alias must be one of ${ALIASES.join(', ')}`, 'alias');
    const now = this.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      // PostgreSQL: serialise changes of one alias across processes (SQLite transactions are serial already).
      if (this.store.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${`${model}/${alias}`}))`.execute(trx);
      const { action, to } = await decide(trx);
      const current = await trx
        .selectFrom('aliases')
        .select('version')
        .where('model', '=', model)
        .where('alias', '=', alias)
        .executeTakeFirst();
      const from = current ? Number(current.version) : null;
      await trx
        .insertInto('aliases')
        .values({ model, alias, version: to, updated_at: now })
        .onConflict((oc) => oc.columns(['model', 'alias']).doUpdateSet({ version: to, updated_at: now }))
        .execute();
      const change: AliasChange = {
        alias,
        action,
        fromVersion: from,
        toVersion: to,
        reason: options.reason ?? null,
        actor: options.actor,
        at: now,
      };
      await recordAliasChange(trx, model, change);
      return change;
    });
  }

  private async current(model: string): Promise<Map<Alias, number>> {
    const rows = await this.store.db
      .selectFrom('aliases')
      .select(['alias', 'version'])
      .where('model', '=', model)
      .execute();
    return new Map(rows.map((r) => [r.alias as Alias, Number(r.version)]));
  }

  private async requireModel(model: string): Promise<void> {
    const row = await this.store.db
      .selectFrom('models')
      .select('name')
      .where('name', '=', model)
      .executeTakeFirst();
    if (!row) throw new RegistryError(404, `model "${model}" not found (create it first)`);
  }

  private async require(model: string, version: number): Promise<ModelVersion> {
    await this.requireModel(model);
    const found = Number.isInteger(version) ? await this.get(model, version) : undefined;
    if (!found) throw new RegistryError(404, `version ${version} of model "${model}" not found`);
    return found;
  }
}

// Every alias change goes to the alias history and the audit trail, in the caller's transaction.
async function recordAliasChange(
  trx: StoreConnection['db'],
  model: string,
  change: AliasChange,
): Promise<void> {
  await trx
    .insertInto('alias_history')
    .values({
      model,
      alias: change.alias,
      action: change.action,
      from_version: change.fromVersion,
      to_version: change.toVersion,
      reason: change.reason,
      actor: change.actor,
      at: change.at,
    })
    .execute();
  await trx
    .insertInto('audit_events')
    .values({
      at: change.at,
      actor: change.actor,
      action: change.action,
      model,
      detail: JSON.stringify(change),
    })
    .execute();
}

function toVersion(r: Selectable<VersionsTable>, aliases: Map<Alias, number>): ModelVersion {
  const version = Number(r.version);
  return {
    model: r.model,
    version,
    sha256: r.sha256,
    format: r.format as ArtifactFormat,
    size: Number(r.size),
    parent: r.parent === null ? null : Number(r.parent),
    description: r.description,
    lineage: JSON.parse(r.lineage) as Lineage,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    aliases: [...aliases].filter(([, v]) => v === version).map(([a]) => a),
  };
}
