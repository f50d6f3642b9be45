// Alias changes: promote, roll back, clear; each one atomic and kept in the alias history and the audit trail.
import { sql } from 'kysely';
import type { StoreConnection } from '../store/open-store.js';
import type { Clock } from '../time/clock.js';
import { ALIASES, type Alias, type AliasChange, RegistryError } from './version-records.js';

/**
 * Points an alias at the version `decide` picks, in one transaction with its history and audit records; changes of
 * one alias are serialised across processes.
 */
export async function changeAlias(
  store: StoreConnection,
  clock: Clock,
  model: string,
  alias: Alias,
  options: { actor: string; reason?: string },
  decide: (trx: StoreConnection['db']) => Promise<{ action: AliasChange['action']; to: number }>,
): Promise<AliasChange> {
  if (!(ALIASES as readonly string[]).includes(alias))
    throw new RegistryError(400, `alias must be one of ${ALIASES.join(', ')}`, 'alias');
  const now = clock.now();
  return store.db.transaction().execute(async (trx) => {
    // PostgreSQL: serialise changes of one alias across processes (SQLite transactions are serial already).
    if (store.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtext(${`${model}/${alias}`}))`.execute(trx);
    const { action, to } = await decide(trx);
    const current = await aliasRow(trx, model, alias);
    await trx
      .insertInto('aliases')
      .values({ model, alias, version: to, updated_at: now })
      .onConflict((oc) => oc.columns(['model', 'alias']).doUpdateSet({ version: to, updated_at: now }))
      .execute();
    const from = current ? Number(current.version) : null;
    return record(trx, model, { alias, action, fromVersion: from, toVersion: to }, options, now);
  });
}

/** Removes an alias (a candidate or shadow whose rollout ended); recorded like any change. */
export async function clearAlias(
  store: StoreConnection,
  clock: Clock,
  model: string,
  alias: Alias,
  options: { actor: string; reason?: string },
): Promise<AliasChange | undefined> {
  const now = clock.now();
  return store.db.transaction().execute(async (trx) => {
    const current = await aliasRow(trx, model, alias);
    if (!current) return undefined;
    await trx.deleteFrom('aliases').where('model', '=', model).where('alias', '=', alias).execute();
    const change = { alias, action: 'clear' as const, fromVersion: Number(current.version), toVersion: null };
    return record(trx, model, change, options, now);
  });
}

async function record(
  trx: StoreConnection['db'],
  model: string,
  change: Pick<AliasChange, 'alias' | 'action' | 'fromVersion' | 'toVersion'>,
  options: { actor: string; reason?: string },
  at: number,
): Promise<AliasChange> {
  const full: AliasChange = { ...change, reason: options.reason ?? null, actor: options.actor, at };
  await recordAliasChange(trx, model, full);
  return full;
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

function aliasRow(trx: StoreConnection['db'], model: string, alias: Alias) {
  return trx
    .selectFrom('aliases')
    .select('version')
    .where('model', '=', model)
    .where('alias', '=', alias)
    .executeTakeFirst();
}
