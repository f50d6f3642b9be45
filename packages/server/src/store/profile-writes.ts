// Window profiles written back after a batch moved them.
import type { Database, Db } from './schema.js';

/** Upserts this process's share of window profiles (one statement for up to 500). */
export async function writeProfiles(db: Db, rows: ReadonlyArray<Database['profiles']>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await upsertProfiles(db, rows.slice(i, i + 500));
}

async function upsertProfiles(db: Db, rows: Array<Database['profiles']>): Promise<void> {
  await db
    .insertInto('profiles')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['model', 'window_start', 'shard']).doUpdateSet((eb) => ({
        count: eb.ref('excluded.count'),
        profile: eb.ref('excluded.profile'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
