import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StewardApp } from '../http/app.js';
import type { CheckSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_MODEL } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { testStores } from '../testing/test-stores.js';
import { acknowledgeAlert, listAlerts, updateAlert } from './alerts.js';

const HOUR = 3_600_000;
const failing = { status: 'failing' as const, value: 0.6, message: 'accuracy 0.6 below 0.7' };

for (const target of testStores()) {
  describe.skipIf(target.skip !== undefined)(
    `alert acknowledgement on ${target.name}${target.skip ? ` (${target.skip})` : ''}`,
    () => {
      let store: StoreConnection;
      let steward: StewardApp;
      beforeEach(async () => {
        store = await target.open();
        steward = await testApp(store);
      });
      afterEach(async () => {
        await steward.app.close();
        await store.close();
      });

      it("raises a detector's warning zone as a warning under a critical check, and escalates when it fails", async () => {
        const { model } = await steward.context.catalog.put({
          ...ELEC2_MODEL,
          checks: [{ type: 'detector', name: 'ddm', detector: 'DDM', severity: 'critical' }],
          notifiers: [],
        });
        const check = model.spec.checks[0] as CheckSpec;
        const context = { log: () => {} };
        const day = (d: number) => ({ start: d * 86_400_000, end: (d + 1) * 86_400_000 });
        const warning = { status: 'warning' as const, value: 0.3, message: 'DDM is in its warning zone' };
        await updateAlert(store, model.spec, check, warning, day(1), 0, context);
        expect((await listAlerts(store, { model: 'elec2' }))[0]).toMatchObject({ severity: 'warning' });
        await updateAlert(store, model.spec, check, failing, day(2), HOUR, context);
        expect((await listAlerts(store, { model: 'elec2' }))[0]).toMatchObject({
          severity: 'critical',
          occurrences: 2,
        });
        // Back in the warning zone: the open alert keeps the worst it has seen.
        await updateAlert(store, model.spec, check, warning, day(3), 2 * HOUR, context);
        expect((await listAlerts(store, { model: 'elec2' }))[0]).toMatchObject({
          severity: 'critical',
          occurrences: 3,
        });
      });

      it('keeps an acknowledged alert open but stops re-notifying it; the next alert starts unacknowledged', async () => {
        const { model } = await steward.context.catalog.put({
          ...ELEC2_MODEL,
          alertCooldown: '1h',
          checks: [{ type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.7 }],
          notifiers: [{ type: 'log' }],
        });
        const check = model.spec.checks[0] as CheckSpec;
        const events: string[] = [];
        const context = { log: (line: string) => events.push(JSON.parse(line).event as string) };
        const day = (d: number) => ({ start: d * 86_400_000, end: (d + 1) * 86_400_000 });
        await updateAlert(store, model.spec, check, failing, day(10), 0, context);
        await updateAlert(store, model.spec, check, failing, day(11), 2 * HOUR, context);
        expect(events).toEqual(['opened', 'repeated']);
        const [open] = await listAlerts(store, { model: 'elec2' });
        expect(open).toMatchObject({ occurrences: 2, firstWindow: day(10).start, lastWindow: day(11).start });

        const acknowledged = await acknowledgeAlert(store, open?.id as string, 'ops@example', 3 * HOUR);
        expect(acknowledged).toMatchObject({
          status: 'open',
          acknowledgedBy: 'ops@example',
          acknowledgedAt: 3 * HOUR,
        });
        // A second acknowledgement keeps the first.
        expect(
          (await acknowledgeAlert(store, open?.id as string, 'someone-else', 4 * HOUR))?.acknowledgedBy,
        ).toBe('ops@example');
        await updateAlert(store, model.spec, check, failing, day(12), 6 * HOUR, context);
        expect(events).toEqual(['opened', 'repeated']);
        expect((await listAlerts(store, { model: 'elec2' }))[0]).toMatchObject({
          occurrences: 3,
          lastWindow: day(12).start,
        });

        await updateAlert(
          store,
          model.spec,
          check,
          { status: 'ok', value: 0.9, message: 'ok' },
          day(13),
          7 * HOUR,
          context,
        );
        await updateAlert(store, model.spec, check, failing, day(14), 8 * HOUR, context);
        expect(events).toEqual(['opened', 'repeated', 'resolved', 'opened']);
        expect(await listAlerts(store, { acknowledged: false })).toHaveLength(1);
        expect(await listAlerts(store, { acknowledged: true, status: 'resolved' })).toHaveLength(1);
        expect(await acknowledgeAlert(store, 'no-such-alert', 'x')).toBeUndefined();
      });

      it('filters and acknowledges over the API, and answers bad filters and unknown alerts clearly', async () => {
        const { model } = await steward.context.catalog.put({
          ...ELEC2_MODEL,
          checks: [
            { type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.7 },
            { type: 'dataQuality', name: 'missing', maxMissingShare: 0.1, severity: 'warning' },
          ],
          notifiers: [],
        });
        const [accuracyCheck, missingCheck] = model.spec.checks as [CheckSpec, CheckSpec];
        await updateAlert(store, model.spec, accuracyCheck, failing, { start: 0, end: 1 }, 0, {
          log: () => {},
        });
        await updateAlert(
          store,
          model.spec,
          missingCheck,
          { ...failing, status: 'warning' },
          { start: 0, end: 1 },
          1,
          {
            log: () => {},
          },
        );
        const get = async (query: string) => steward.app.inject({ url: `/api/v1/alerts${query}` });
        expect((await get('?severity=critical')).json().map((a: { check: string }) => a.check)).toEqual([
          'accuracy-floor',
        ]);
        expect((await get('?check=missing')).json()).toHaveLength(1);
        const bad = await get('?severity=urgent');
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error).toMatchObject({
          code: 'bad_query',
          message:
            'the query is not valid: severity: Invalid option: expected one of "info"|"warning"|"critical"',
          details: [{ field: 'severity' }],
        });
        const id = (await get('?check=missing')).json()[0].id as string;
        const ack = await steward.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/acknowledge` });
        expect(ack.statusCode).toBe(200);
        expect(ack.json().acknowledgedBy).toMatch(/^anonymous@/);
        expect((await get('?acknowledged=false')).json().map((a: { check: string }) => a.check)).toEqual([
          'accuracy-floor',
        ]);
        const missing = await steward.app.inject({ method: 'POST', url: '/api/v1/alerts/nope/acknowledge' });
        expect(missing.statusCode).toBe(404);
        expect(missing.json().error.message).toContain('alert "nope"');
      });
    },
  );
}
