import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogisticRegression } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../monitor/model-catalog.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Rows } from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { ArtifactStore } from './artifact-store.js';
import { Registry } from './registry.js';
import { type ModelVersion, RegistryError } from './version-records.js';

const rows = elec2Rows().slice(0, 1344);
const X = rows.map((r) => ELEC2_FEATURES.map((f) => r[f]));
const y = rows.map((r) => r.class);
const modelFile = (C: number) =>
  Buffer.from(JSON.stringify(new LogisticRegression({ C }).fit(X, y).toJSON()));
const onnx = readFileSync(new URL('./fixtures/classifier.onnx', import.meta.url));

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `registry on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let artifacts: ArtifactStore;
      let registry: Registry;
      beforeEach(async () => {
        store = await target.open();
        await new ModelCatalog(store).put(ELEC2_MODEL);
        artifacts = new ArtifactStore(mkdtempSync(join(tmpdir(), 'steward-artifacts-')));
        registry = new Registry(store, artifacts);
      });
      afterEach(async () => {
        await store.close();
      });

      it('numbers immutable versions, stores each artifact once under its sha256, and keeps lineage', async () => {
        const file = modelFile(1);
        const v1 = await registry.register('elec2', file, {
          actor: 'alice',
          lineage: { strategy: 'retrain', trainingWindow: { from: '1996-05-07', to: '1996-06-04' } },
        });
        const v2 = await registry.register('elec2', onnx, {
          actor: 'bob',
          parent: 1,
          description: 'exported',
        });
        const v3 = await registry.register('elec2', file, { actor: 'alice', parent: 2 });
        expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
        expect([v1.format, v2.format]).toEqual(['steward', 'onnx']);
        expect(v3.sha256).toBe(v1.sha256);
        expect(v1.lineage.trainingWindow).toEqual({ from: '1996-05-07', to: '1996-06-04' });
        expect(v3.parent).toBe(2);
        const files = readdirSync(join(artifacts.dir, 'sha256'), { recursive: true }).filter(
          (f) => String(f).length > 3,
        );
        expect(files).toHaveLength(2);
        const back = await registry.artifact('elec2', 3);
        expect(back.bytes.equals(file)).toBe(true);
        expect((await registry.list('elec2')).map((v) => v.version)).toEqual([3, 2, 1]);
        expect((await registry.list('elec2', { limit: 1, before: 3 })).map((v) => v.version)).toEqual([2]);
      });

      it('refuses broken artifacts, unknown parents and models, and notices a damaged file', async () => {
        await expect(
          registry.register('elec2', Buffer.from('{"kind":"Nope"}'), { actor: 'a' }),
        ).rejects.toThrow(/not a valid Steward model file/);
        await expect(registry.register('elec2', Buffer.from('hello'), { actor: 'a' })).rejects.toThrow(
          /cannot tell the artifact format/,
        );
        await expect(
          registry.register('elec2', Buffer.from('hello'), { actor: 'a', format: 'onnx' }),
        ).rejects.toThrow(/not an ONNX model/);
        await expect(registry.register('elec2', modelFile(1), { actor: 'a', parent: 9 })).rejects.toThrow(
          /parent version 9/,
        );
        await expect(registry.register('nope', modelFile(1), { actor: 'a' })).rejects.toMatchObject({
          status: 404,
        });
        expect(await registry.list('elec2')).toEqual([]);
        const v = await registry.register('elec2', modelFile(1), { actor: 'a' });
        writeFileSync(artifacts.path(v.sha256), '{"tampered": true}');
        await expect(registry.artifact('elec2', 1)).rejects.toThrow(/damaged on disk/);
      });

      it('promotes and rolls back atomically, promotions push and rollbacks pop, all in the history and audit', async () => {
        for (const C of [1, 0.1, 10]) await registry.register('elec2', modelFile(C), { actor: 'ci' });
        await expect(registry.rollback('elec2', 'production', { actor: 'ops' })).rejects.toThrow(
          /never been set/,
        );
        await registry.promote('elec2', 1, 'production', { actor: 'ops' });
        await expect(registry.rollback('elec2', 'production', { actor: 'ops' })).rejects.toThrow(
          /only had version 1/,
        );
        await registry.promote('elec2', 2, 'production', { actor: 'ops', reason: 'better F1' });
        await registry.promote('elec2', 3, 'production', { actor: 'ops' });
        await registry.promote('elec2', 3, 'shadow', { actor: 'ops' });
        // A version with two aliases is listed once, with both; a page counts versions, not aliases.
        const listed = (versions: readonly ModelVersion[]) =>
          versions.map((v) => [v.version, v.aliases.sort()]);
        expect(listed(await registry.list('elec2'))).toEqual([
          [3, ['production', 'shadow']],
          [2, []],
          [1, []],
        ]);
        expect(listed(await registry.list('elec2', { limit: 2 }))).toEqual([
          [3, ['production', 'shadow']],
          [2, []],
        ]);
        await expect(registry.list('nope')).rejects.toMatchObject({ status: 404 });
        expect(
          (await registry.rollback('elec2', 'production', { actor: 'ops', reason: 'canary worse' }))
            .toVersion,
        ).toBe(2);
        expect((await registry.rollback('elec2', 'production', { actor: 'ops' })).toVersion).toBe(1);
        expect((await registry.resolve('elec2', 'production'))?.version).toBe(1);
        expect((await registry.get('elec2', 3))?.aliases).toEqual(['shadow']);
        const { current, history } = await registry.aliases('elec2');
        expect(current).toEqual({ production: 1, shadow: 3 });
        expect(
          history.filter((h) => h.alias === 'production').map((h) => [h.action, h.fromVersion, h.toVersion]),
        ).toEqual([
          ['rollback', 2, 1],
          ['rollback', 3, 2],
          ['promote', 2, 3],
          ['promote', 1, 2],
          ['promote', null, 1],
        ]);
        expect(history.find((h) => h.reason === 'canary worse')?.actor).toBe('ops');
        const audit = await registry.audit('elec2');
        expect(audit.map((a) => a.action)).toEqual([
          'rollback',
          'rollback',
          'promote',
          'promote',
          'promote',
          'promote',
          'register',
          'register',
          'register',
        ]);
        await expect(registry.promote('elec2', 7, 'production', { actor: 'ops' })).rejects.toThrow(
          /version 7 of model "elec2" not found/,
        );
        await expect(registry.promote('elec2', 1, 'live' as never, { actor: 'ops' })).rejects.toBeInstanceOf(
          RegistryError,
        );
      });

      it('keeps training curves per version and numbers concurrent registrations without gaps', async () => {
        const versions = await Promise.all(
          [1, 2, 3, 4, 5].map((C) => registry.register('elec2', modelFile(C), { actor: 'ci' })),
        );
        expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5]);
        const points = Array.from({ length: 20 }, (_, step) => [
          { step, metric: 'loss', value: 1 / (step + 1) },
          { step, metric: 'val_accuracy', value: 0.6 + step / 100 },
        ]).flat();
        expect(await registry.logSteps('elec2', 2, points)).toBe(40);
        const curves = await registry.steps('elec2', 2);
        expect(curves.loss?.slice(0, 2)).toEqual([
          [0, 1],
          [1, 0.5],
        ]);
        expect(curves.val_accuracy).toHaveLength(20);
        await expect(registry.logSteps('elec2', 2, [{ step: -1, metric: 'loss', value: 1 }])).rejects.toThrow(
          /step must be a non-negative integer/,
        );
      });
    },
  );
}
