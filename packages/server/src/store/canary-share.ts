import type { StoreConnection } from './open-store.js';

/** The canary share of a running canary rollout, if the model has one: serving routes by it, update runs write it. */
export async function activeCanaryShare(store: StoreConnection, model: string): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('rollouts')
    .select('share')
    .where('model', '=', model)
    .where('status', '=', 'running')
    .where('mode', '=', 'canary')
    .executeTakeFirst();
  return row?.share;
}
