import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type StoreConnection } from '../store/open-store.js';
import { testStores } from '../testing/test-stores.js';
import { JobQueue } from './job-queue.js';

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `job queue on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      beforeEach(async () => {
        store = await target.open();
      });
      afterEach(async () => {
        await store.close();
      });

      it('keeps one update per model queued or running', async () => {
        const queue = new JobQueue(store);
        const first = await queue.enqueue('update', 'a', { n: 1 });
        const again = await queue.enqueue('update', 'a', { n: 2 });
        expect([first.created, again.created]).toEqual([true, false]);
        expect(again.job.id).toBe(first.job.id);
        expect((await queue.enqueue('update', 'b', {})).created).toBe(true);
      });

      it('gives a job whose worker died to another worker once its lease expires, until attempts run out', async () => {
        const queue = new JobQueue(store, 50);
        const { job } = await queue.enqueue('update', 'a', {}, 2);
        const t0 = Date.now();
        expect((await queue.claim('w1', t0))?.id).toBe(job.id);
        expect(await queue.claim('w2', t0 + 10)).toBeUndefined();
        const retaken = await queue.claim('w2', t0 + 100);
        expect(retaken).toMatchObject({ id: job.id, attempts: 2 });
        expect(await queue.heartbeat(job, 'w1', t0 + 101)).toBe(false); // w1 lost it
        expect(await queue.claim('w3', t0 + 1000)).toBeUndefined(); // out of attempts: failed, not run a third time
        expect(await queue.get(job.id)).toMatchObject({
          status: 'failed',
          error: expect.stringMatching(/lease expired/),
        });
      });

      it.skipIf(target.name !== 'postgres')(
        'never hands one job to two workers claiming at once',
        async () => {
          const queue = new JobQueue(store);
          for (let i = 0; i < 40; i++) await queue.enqueue('update', `model-${i}`, {});
          // Two more connections pools, as two worker processes would have.
          const others = await Promise.all(
            [0, 1].map(() => openStore(target.lastUrl as { url: string; schema?: string })),
          );
          try {
            const claimed: string[] = [];
            await Promise.all(
              others.map(async (other, w) => {
                const q = new JobQueue(other);
                for (;;) {
                  const job = await q.claim(`w${w}`);
                  if (!job) return;
                  claimed.push(job.id);
                }
              }),
            );
            expect(claimed).toHaveLength(40);
            expect(new Set(claimed).size).toBe(40);
          } finally {
            await Promise.all(others.map((o) => o.close()));
          }
        },
      );
    },
  );
}
