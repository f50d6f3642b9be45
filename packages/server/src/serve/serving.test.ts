import { readFileSync } from 'node:fs';
import { LogisticRegression } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { ELEC2_FEATURES, ELEC2_MODEL, elec2Rows } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { stickyFraction } from './serving.js';

const data = elec2Rows();
const X = (from: number, to: number) => data.slice(from, to).map((r) => ELEC2_FEATURES.map((f) => r[f]));
const Y = (from: number, to: number) => data.slice(from, to).map((r) => r.class);
const stale = new LogisticRegression().fit(X(0, 1344), Y(0, 1344));
const recent = new LogisticRegression().fit(X(3624, 9000), Y(3624, 9000));
const rowsAt = (from: number, to: number, prefix = 'q') =>
  data.slice(from, to).map((r, i) => ({
    id: `${prefix}${from + i}`,
    features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
  }));

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `serving on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      const upload = async (model: string, bytes: Buffer, alias?: string) => {
        const v = (
          await steward.app.inject({
            method: 'POST',
            url: `/api/v1/models/${model}/versions`,
            headers: { 'content-type': 'application/octet-stream' },
            payload: bytes,
          })
        ).json();
        if (alias)
          await steward.app.inject({
            method: 'PUT',
            url: `/api/v1/models/${model}/aliases/${alias}`,
            payload: { version: v.version },
          });
        return v.version as number;
      };
      const predict = (model: string, rows: object) =>
        steward.app.inject({ method: 'POST', url: `/api/v1/models/${model}/predict`, payload: rows });

      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store);
        await steward.context.catalog.put(ELEC2_MODEL);
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it('answers with the production version, as the model file predicts, and logs the predictions with their version', async () => {
        expect((await predict('elec2', rowsAt(9000, 9010))).statusCode).toBe(409);
        await upload('elec2', Buffer.from(JSON.stringify(stale.toJSON())), 'production');
        const res = await predict('elec2', { rows: rowsAt(9000, 9100) });
        expect(res.statusCode).toBe(200);
        const served = res.json().predictions as Array<{
          id: string;
          output: number;
          score: number;
          version: number;
          variant: string;
        }>;
        const proba = stale.predictProba(X(9000, 9100));
        expect(served.map((p) => p.score)).toEqual(proba.map((p) => p[1]));
        expect(served.map((p) => p.output)).toEqual([...stale.predict(X(9000, 9100))]);
        expect(new Set(served.map((p) => `${p.version} ${p.variant}`))).toEqual(new Set(['1 production']));
        const logged = await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER });
        expect(logged).toHaveLength(100);
        expect(new Set(logged.map((r) => r.version))).toEqual(new Set(['1']));
        const bad = await predict('elec2', [{ features: { nswprice: 'x' } }]);
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.details[0]).toEqual({
          row: 0,
          field: 'features.nswprice',
          message: 'expected a finite number or null, got "x"',
        });
        const missing = await predict('elec2', [{ features: { nswprice: 0.1 } }]);
        expect(missing.statusCode).toBe(422);
        expect(missing.json().error.message).toMatch(/feature period: this model file takes numbers/);
        expect(
          await queryPredictions(store.db, 'elec2', { from: 0, to: Number.MAX_SAFE_INTEGER }),
        ).toHaveLength(100);
      });

      it('sends a sticky share of keys to the canary and lets a shadow predict without changing the answer', async () => {
        await upload('elec2', Buffer.from(JSON.stringify(stale.toJSON())), 'production');
        await upload('elec2', Buffer.from(JSON.stringify(recent.toJSON())), 'candidate');
        await steward.context.catalog.put({ ...ELEC2_MODEL, serving: { canaryShare: 0.3 } });
        const rows = rowsAt(9000, 10000);
        const first = (await predict('elec2', rows)).json().predictions as Array<{
          id: string;
          variant: string;
          version: number;
        }>;
        const canary = first.filter((p) => p.variant === 'candidate');
        expect(canary.length / rows.length).toBeGreaterThan(0.25);
        expect(canary.length / rows.length).toBeLessThan(0.35);
        expect(canary.every((p) => p.version === 2 && stickyFraction(p.id) < 0.3)).toBe(true);
        const again = (
          await predict(
            'elec2',
            rows.map((r) => ({ ...r, id: `again-${r.id}`, key: r.id })),
          )
        ).json().predictions as Array<{ variant: string }>;
        expect(again.map((p) => p.variant)).toEqual(first.map((p) => p.variant));

        await steward.context.catalog.put({ ...ELEC2_MODEL, serving: { canaryShare: 0 } });
        await steward.app.inject({
          method: 'PUT',
          url: '/api/v1/models/elec2/aliases/shadow',
          payload: { version: 2 },
        });
        const shadowed = (await predict('elec2', rowsAt(20000, 20050, 's'))).json().predictions as Array<{
          score: number;
          version: number;
        }>;
        expect(shadowed.map((p) => p.score)).toEqual(stale.predictProba(X(20000, 20050)).map((p) => p[1]));
        const shadowRows = await store.db
          .selectFrom('shadow_predictions')
          .selectAll()
          .where('version', '=', 2)
          .orderBy('id')
          .execute();
        expect(shadowRows).toHaveLength(50);
        const expected = new Map(
          rowsAt(20000, 20050, 's').map((r, i) => [r.id, recent.predictProba(X(20000, 20050))[i]?.[1]]),
        );
        expect(shadowRows.every((r) => r.score === expected.get(r.id))).toBe(true);
      });

      it('serves an ONNX classifier with its class probabilities', async () => {
        const expected = JSON.parse(
          readFileSync(new URL('../registry/fixtures/expected.json', import.meta.url), 'utf8'),
        ).classifier as { input: number[][]; probability: number[][]; label: number[] };
        await steward.context.catalog.put({
          name: 'toy',
          task: 'multiclass',
          classes: [0, 1, 2],
          features: [
            { name: 'a', type: 'numeric' },
            { name: 'b', type: 'numeric' },
          ],
        });
        await upload(
          'toy',
          readFileSync(new URL('../registry/fixtures/classifier.onnx', import.meta.url)),
          'production',
        );
        const res = await predict(
          'toy',
          expected.input.map(([a, b]) => ({ features: { a, b } })),
        );
        const served = res.json().predictions as Array<{ output: number; proba: Record<string, number> }>;
        expect(served.map((p) => p.output)).toEqual(expected.label);
        served.forEach((p, i) => {
          for (const k of [0, 1, 2])
            expect(p.proba[String(k)]).toBeCloseTo(expected.probability[i]?.[k] as number, 6);
        });
      });
    },
  );
}
