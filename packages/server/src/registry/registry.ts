// The model registry's front: numbered versions of content-addressed artifacts, the aliases that point at them
// (alias-changes.ts), training curves (training-steps.ts) and the audit trail (audit-trail.ts).
import { type Selectable, sql } from 'kysely';
import type { StoreConnection } from '../store/open-store.js';
import type { VersionsTable } from '../store/schema.js';
import { type Clock, systemClock } from '../time/clock.js';
import { changeAlias, clearAlias } from './alias-changes.js';
import { checkArtifact, detectFormat } from './artifact-format.js';
import type { ArtifactStore } from './artifact-store.js';
import { readAudit } from './audit-trail.js';
import { logTrainingSteps, readTrainingSteps } from './training-steps.js';
import {
  type Alias,
  type AliasChange,
  type ArtifactFormat,
  type Lineage,
  type ModelVersion,
  type RegisterOptions,
  RegistryError,
} from './version-records.js';
import {
  decodeVocabulary,
  encodeVocabulary,
  type VersionVocabulary,
  type VocabularyLineage,
  vocabularyLineage,
} from './vocabulary.js';

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
    const lineage: Lineage = { ...(options.lineage ?? {}) };
    if (options.vocabulary) lineage.vocabulary = this.storeVocabulary(options.vocabulary);
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
              lineage: JSON.stringify(lineage),
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

  /** A model's versions, newest first: `limit` of them (default all) below version `before` (default none). */
  async list(model: string, page: { limit?: number; before?: number } = {}): Promise<ModelVersion[]> {
    let versions = this.store.db
      .selectFrom('versions')
      .selectAll()
      .where('model', '=', model)
      .orderBy('version', 'desc');
    if (page.before !== undefined) versions = versions.where('version', '<', page.before);
    if (page.limit !== undefined) versions = versions.limit(page.limit);
    // One statement, as dashboards poll it: the model (no row: not found), its page of versions (none: a row of
    // nulls), each with a row per alias that points at it.
    const rows = await this.store.db
      .selectFrom('models as m')
      .leftJoin(versions.as('v'), (join) => join.onTrue())
      .leftJoin('aliases as a', (join) =>
        join.onRef('a.model', '=', 'v.model').onRef('a.version', '=', 'v.version'),
      )
      .selectAll('v')
      .select('a.alias')
      .where('m.name', '=', model)
      .orderBy('v.version', 'desc')
      .execute();
    if (rows.length === 0) throw modelNotFound(model);
    const aliases = new Map<Alias, number>();
    const listed = new Map<number, Selectable<VersionsTable>>();
    for (const { alias, ...row } of rows) {
      if (row.version === null) continue;
      const version = Number(row.version);
      if (alias !== null) aliases.set(alias as Alias, version);
      if (!listed.has(version)) listed.set(version, row as Selectable<VersionsTable>);
    }
    return [...listed.values()].map((r) => toVersion(r, aliases));
  }

  /** The newest version registered (whatever its aliases). */
  async newest(model: string): Promise<ModelVersion | undefined> {
    const row = await this.store.db
      .selectFrom('versions')
      .selectAll()
      .where('model', '=', model)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toVersion(row, await this.current(model)) : undefined;
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

  /** The words a version learnt from, per text column; null when it has none on record (an uploaded model). */
  async vocabulary(model: string, version: number): Promise<VersionVocabulary | null> {
    const found = await this.get(model, version);
    const sha256 = (found?.lineage.vocabulary as VocabularyLineage | undefined)?.sha256;
    return sha256 ? decodeVocabulary(this.artifacts.get(sha256)) : null;
  }

  /**
   * Attaches the words a version learnt from to a version registered without them (an uploaded model): once, as a
   * version's record does not change (409 when it has them).
   */
  async setVocabulary(
    model: string,
    version: number,
    vocabulary: VersionVocabulary,
    actor: string,
  ): Promise<ModelVersion> {
    const found = await this.require(model, version);
    if (found.lineage.vocabulary)
      throw new RegistryError(409, `version ${version} of model "${model}" has its vocabulary already`);
    const lineage = { ...found.lineage, vocabulary: this.storeVocabulary(vocabulary) };
    const now = this.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('versions')
        .set({ lineage: JSON.stringify(lineage) })
        .where('model', '=', model)
        .where('version', '=', version)
        .execute();
      await trx
        .insertInto('audit_events')
        .values({
          at: now,
          actor,
          action: 'vocabulary',
          model,
          detail: JSON.stringify({ version, ...lineage.vocabulary }),
        })
        .execute();
    });
    return { ...found, lineage };
  }

  /** Stores a vocabulary beside the artifacts; what a version's lineage says of it. */
  private storeVocabulary(vocabulary: VersionVocabulary): VocabularyLineage {
    return vocabularyLineage(this.artifacts.put(encodeVocabulary(vocabulary)).sha256, vocabulary);
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
    return changeAlias(this.store, this.clock, model, alias, options, async () => ({
      action: 'promote',
      to: version,
    }));
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
    return changeAlias(this.store, this.clock, model, alias, options, async (trx) => {
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
  clearAlias(
    model: string,
    alias: Alias,
    options: { actor: string; reason?: string },
  ): Promise<AliasChange | undefined> {
    return clearAlias(this.store, this.clock, model, alias, options);
  }

  /** Where each alias points, and its newest changes (the first page of `aliasHistory`). */
  async aliases(
    model: string,
    limit = 50,
  ): Promise<{ current: Partial<Record<Alias, number>>; history: AliasChange[] }> {
    return {
      current: Object.fromEntries(await this.current(model)) as Partial<Record<Alias, number>>,
      history: await this.aliasHistory(model, { limit }),
    };
  }

  /** Alias changes, newest first: `limit` of them below change `before` (the `id` of the last of the page before). */
  async aliasHistory(model: string, page: { limit?: number; before?: number } = {}): Promise<AliasChange[]> {
    await this.requireModel(model);
    let query = this.store.db
      .selectFrom('alias_history')
      .selectAll()
      .where('model', '=', model)
      .orderBy('id', 'desc')
      .limit(page.limit ?? 50);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: Number(r.id),
      alias: r.alias as Alias,
      action: r.action as AliasChange['action'],
      fromVersion: r.from_version === null ? null : Number(r.from_version),
      toVersion: r.to_version === null ? null : Number(r.to_version),
      reason: r.reason,
      actor: r.actor,
      at: Number(r.at),
    }));
  }

  /** Appends points of training curves (loss, validation score, …) for a version. */
  async logSteps(model: string, version: number, points: unknown): Promise<number> {
    await this.require(model, version);
    return logTrainingSteps(this.store, this.clock, model, version, points);
  }

  async steps(model: string, version: number): Promise<Record<string, Array<[number, number]>>> {
    await this.require(model, version);
    return readTrainingSteps(this.store, model, version);
  }

  async audit(model?: string, limit = 200) {
    return readAudit(this.store, model, limit);
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
    if (!row) throw modelNotFound(model);
  }

  private async require(model: string, version: number): Promise<ModelVersion> {
    await this.requireModel(model);
    const found = Number.isInteger(version) ? await this.get(model, version) : undefined;
    if (!found) throw new RegistryError(404, `version ${version} of model "${model}" not found`);
    return found;
  }
}

const modelNotFound = (model: string) =>
  new RegistryError(404, `model "${model}" not found (create it first)`);

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
