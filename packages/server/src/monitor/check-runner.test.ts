import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accuracy, detectDrift } from '@steward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConnection } from '../store/open-store.js';
import {
  ELEC2_FEATURES,
  ELEC2_MODEL,
  type Elec2Prediction,
  elec2Predictions,
  elec2Rows,
} from '../testing/elec2.js';
import { testStores } from '../testing/test-stores.js';
import { CheckRunner } from './check-runner.js';
import { modelHealth } from './health.js';
import { Ingestion } from './ingestion.js';
import { ModelCatalog } from './model-catalog.js';
import type { AlertEvent } from './notifiers.js';
import { putReference } from './references.js';

const DAY = 86_400_000;
const predictions = elec2Predictions();
const first = (predictions[0] as Elec2Prediction).time;
const days = 30;
const rows = predictions.filter((p) => p.time < first + days * DAY);

async function webhookServer(): Promise<{
  server: Server;
  url: string;
  received: AlertEvent[];
  attempts: () => number;
}> {
  const received: AlertEvent[] = [];
  let attempts = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      attempts++;
      // The first delivery fails, so the notifier must retry it.
      if (attempts === 1) {
        response.statusCode = 503;
        response.end();
        return;
      }
      received.push(JSON.parse(body) as AlertEvent);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    attempts: () => attempts,
  };
}

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `checks and alerts on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let hook: Awaited<ReturnType<typeof webhookServer>>;
      beforeEach(async () => {
        store = await target.open();
        hook = await webhookServer();
      });
      afterEach(async () => {
        hook.server.close();
        await store.close();
      });

      it('judges closed Elec2 days, opens one deduplicated alert per failing check, notifies with retries and resolves', async () => {
        const catalog = new ModelCatalog(store);
        const { model } = await catalog.put({
          ...ELEC2_MODEL,
          alertCooldown: '1d',
          checks: [
            { type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.75, minLabels: 20 },
            { type: 'dataQuality', name: 'missing', maxMissingShare: 0.1 },
            { type: 'drift', name: 'feature-drift', reference: 'training', driftShare: 0.3 },
            { type: 'detector', name: 'ddm', detector: 'DDM' },
          ],
          notifiers: [{ type: 'webhook', url: hook.url, retries: 2 }, { type: 'log' }],
        });
        // The reference: Elec2's first four weeks, which the example model was trained on.
        const training = elec2Rows()
          .slice(0, 1344)
          .map((r) => Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])));
        expect(await putReference(store, model.spec, 'training', training)).toBe(1344);

        const ingestion = new Ingestion(store);
        const records = model.validator.predictions(
          rows.map(({ label: _l, ...p }) => p),
          Date.now(),
        );
        const labels = model.validator.labels(
          rows.map((p) => ({ predictionId: p.id, label: p.label, time: p.time })),
          Date.now(),
        );
        if (!records.ok || !labels.ok) throw new Error('fixture rows invalid');
        await ingestion.predictions(model, records.records);
        await ingestion.labels(model, labels.records);

        const logged: string[] = [];
        const runner = new CheckRunner(store, catalog, { log: (l) => logged.push(l), backoffMs: () => 5 });
        const now = first + days * DAY + 1;
        const summary = await runner.runOnce(now);

        const expected = Array.from({ length: days }, (_, d) => {
          const mine = rows.filter((r) => r.time >= first + d * DAY && r.time < first + (d + 1) * DAY);
          return accuracy(
            mine.map((r) => r.label),
            mine.map((r) => r.output),
          );
        });
        const accuracyResults = summary.results.filter((r) => r.check === 'accuracy-floor');
        expect(accuracyResults.map((r) => r.result.value)).toEqual(expected);
        expect(accuracyResults.map((r) => r.result.status)).toEqual(
          expected.map((a) => (a < 0.75 ? 'failing' : 'ok')),
        );
        expect(
          summary.results.filter((r) => r.check === 'missing').every((r) => r.result.status === 'ok'),
        ).toBe(true);
        const drift = summary.results.filter((r) => r.check === 'feature-drift');
        expect(drift).toHaveLength(days);
        const dayRows = (d: number) =>
          rows
            .filter((r) => r.time >= first + d * DAY && r.time < first + (d + 1) * DAY)
            .map((r) => r.features);
        const direct = Array.from({ length: days }, (_, d) =>
          detectDrift(training, dayRows(d), { driftShare: 0.3 }),
        );
        expect(drift.map((r) => r.result.value)).toEqual(direct.map((r) => r.driftShare));
        expect(drift.map((r) => r.result.status)).toEqual(
          direct.map((r) => (r.datasetDrift ? 'warning' : 'ok')),
        );

        // Alerts: one open per check at most; notifications only on transitions (the cool-down holds repeats back).
        const statuses = accuracyResults.map((r) => r.result.status);
        let opened = 0;
        let resolved = 0;
        statuses.forEach((s, i) => {
          const before = i === 0 ? 'ok' : statuses[i - 1];
          if (s === 'failing' && before === 'ok') opened++;
          if (s === 'ok' && before === 'failing') resolved++;
        });
        expect(opened).toBeGreaterThan(0);
        const events = hook.received.filter((e) => e.check === 'accuracy-floor');
        expect(events.filter((e) => e.event === 'opened')).toHaveLength(opened);
        expect(events.filter((e) => e.event === 'resolved')).toHaveLength(resolved);
        expect(events.filter((e) => e.event === 'repeated')).toHaveLength(0);
        expect(hook.attempts()).toBe(hook.received.length + 1);
        const alerts = await store.db
          .selectFrom('alerts')
          .selectAll()
          .where('check_name', '=', 'accuracy-floor')
          .execute();
        expect(alerts.filter((a) => a.status === 'open').length).toBe(statuses.at(-1) === 'failing' ? 1 : 0);
        expect(alerts.reduce((n, a) => n + Number(a.occurrences), 0)).toBe(
          statuses.filter((s) => s === 'failing').length,
        );
        expect(logged.some((l) => l.includes('"msg":"steward alert"'))).toBe(true);

        const health = await modelHealth(store, 'elec2');
        const latest = health.checks.map((c) => c.status);
        expect(health.status).toBe(
          latest.includes('failing') ? 'failing' : latest.includes('warning') ? 'warning' : 'ok',
        );
        expect(health.checks.find((c) => c.check === 'accuracy-floor')?.value).toBe(expected.at(-1));

        // Nothing new closed: a second run records nothing; a window closing later is judged once.
        expect((await runner.runOnce(now)).results).toHaveLength(0);
        const second = new CheckRunner(store, catalog, { log: () => {}, backoffMs: () => 5 });
        expect((await second.runOnce(now + DAY)).results).toHaveLength(0);
      });

      it('flags a day whose volume is anomalous and a day with too many missing values', async () => {
        const catalog = new ModelCatalog(store);
        const { model } = await catalog.put({
          ...ELEC2_MODEL,
          checks: [
            {
              type: 'anomaly',
              name: 'volume',
              metric: 'count',
              method: 'robust',
              options: { minValues: 10 },
            },
            { type: 'dataQuality', name: 'missing', maxMissingShare: 0.1, severity: 'critical' },
          ],
          notifiers: [],
        });
        const counts = Array.from({ length: 30 }, (_, d) => (d === 25 ? 5 : 40 + ((d * 7) % 17)));
        let k = 0;
        const batch = counts.flatMap((n, d) =>
          Array.from({ length: n }, (_, i) => {
            const p = predictions[k++] as Elec2Prediction;
            const features: Record<string, number | null> = { ...p.features };
            if (d === 27 && i % 5 < 2) features.nswprice = null;
            return {
              id: `d${d}-${i}`,
              time: first + d * DAY + i * 60_000,
              features,
              output: p.output,
              score: p.score,
            };
          }),
        );
        const records = model.validator.predictions(batch, Date.now());
        if (!records.ok) throw new Error(JSON.stringify(records.errors));
        await new Ingestion(store).predictions(model, records.records);
        const summary = await new CheckRunner(store, catalog, { log: () => {} }).runOnce(first + 30 * DAY);
        const volume = summary.results.filter((r) => r.check === 'volume');
        expect(volume.map((r) => r.result.status).filter((s) => s !== 'ok')).toEqual(['warning']);
        expect(volume[25]?.result).toMatchObject({ status: 'warning', value: 5 });
        expect((volume[25]?.result.detail as { lower: number } | undefined)?.lower).toBeGreaterThan(5);
        const missing = summary.results.filter((r) => r.check === 'missing');
        expect(missing.map((r, d) => [d, r.result.status]).filter(([, s]) => s !== 'ok')).toEqual([
          [27, 'failing'],
        ]);
        expect(missing[27]?.result.message).toBe(
          `1 feature(s) over 0.1 missing: nswprice ${(18 / 42).toFixed(3)}`,
        );
        const health = await modelHealth(store, 'elec2');
        expect(health.checks.map((c) => c.status)).toEqual(['ok', 'ok']);
      });
    },
  );
}
