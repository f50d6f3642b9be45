import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { StoreConnection } from './open-store.js';

export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const PREFIX = 'stw_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function parseScopes(text: string | readonly string[]): Scope[] {
  const list =
    typeof text === 'string'
      ? text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...text];
  if (list.length === 0) throw new Error(`give at least one scope (${SCOPES.join(', ')})`);
  for (const s of list)
    if (!(SCOPES as readonly string[]).includes(s))
      throw new Error(`unknown scope "${s}" (scopes: ${SCOPES.join(', ')})`);
  return [...new Set(list)] as Scope[];
}

/** Creates a token; the secret is returned once and only its SHA-256 is stored. */
export async function createToken(
  store: StoreConnection,
  name: string,
  scopes: readonly Scope[],
): Promise<{ token: string; info: TokenInfo }> {
  const token = PREFIX + randomBytes(32).toString('base64url');
  const id = randomUUID();
  const now = Date.now();
  await store.db
    .insertInto('tokens')
    .values({ id, name, hash: hashToken(token), scopes: scopes.join(','), created_at: now })
    .execute();
  return {
    token,
    info: { id, name, scopes: [...scopes], createdAt: now, lastUsedAt: null, revokedAt: null },
  };
}

/** The token's scopes, or undefined for an unknown or revoked token. */
export async function verifyToken(store: StoreConnection, token: string): Promise<TokenInfo | undefined> {
  if (!token.startsWith(PREFIX)) return undefined;
  const hash = hashToken(token);
  // Looked up by its hash (an index probe reveals nothing of the secret), then compared in constant time anyway.
  const row = await store.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
  if (
    !row ||
    !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex')) ||
    row.revoked_at !== null
  )
    return undefined;
  return toInfo(row);
}

export async function touchToken(store: StoreConnection, id: string, now: number): Promise<void> {
  await store.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listTokens(store: StoreConnection): Promise<TokenInfo[]> {
  const rows = await store.db.selectFrom('tokens').selectAll().orderBy('created_at').execute();
  return rows.map(toInfo);
}

export async function revokeToken(store: StoreConnection, id: string): Promise<boolean> {
  const result = await store.db
    .updateTable('tokens')
    .set({ revoked_at: Date.now() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toInfo(row: {
  id: string;
  name: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',') as Scope[],
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
