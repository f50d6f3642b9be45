import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { LogisticRegression } from '@steward/core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../cli/test-helpers.js';
import type { StoreConnection } from '../store/open-store.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { StewardApp } from './app.js';
import { dashboardDir } from './dashboard.js';

const CHROMIUM = '/usr/bin/chromium';
const ready = existsSync(CHROMIUM) && dashboardDir() !== undefined;
if (!ready)
  console.warn(
    'skipping the dashboard browser test: needs /usr/bin/chromium and a built dashboard (npm run build)',
  );

describe.skipIf(!ready)('the dashboard in headless Chromium, on a server seeded with Elec2 traffic', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  let url: string;
  const data = elec2Rows();

  beforeAll(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store);
    const api = (method: 'POST' | 'PUT', path: string, payload: object) =>
      steward.app.inject({ method, url: path, payload });
    await api('PUT', '/api/v1/models/elec2', {
      ...ELEC2_MODEL,
      checks: [{ type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.7, minLabels: 30 }],
      notifiers: [],
    });
    await api('PUT', '/api/v1/models/demand', {
      name: 'demand',
      task: 'regression',
      features: [{ name: 'period', type: 'numeric' }],
    });
    const model = new LogisticRegression().fit(
      data.slice(0, 1344).map((r) => ELEC2_FEATURES.map((f) => r[f])),
      data.slice(0, 1344).map((r) => r.class),
    );
    await steward.app.inject({
      method: 'POST',
      url: '/api/v1/models/elec2/versions',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(JSON.stringify(model.toJSON())),
    });
    await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
    const rows = data.slice(3624, 3624 + 48 * 40).map((r, i) => ({
      id: `r${i}`,
      time: ELEC2_START + (3624 + i) * ELEC2_STEP,
      features: Object.fromEntries(ELEC2_FEATURES.map((f) => [f, r[f]])),
    }));
    for (let s = 0; s < rows.length; s += 500) {
      await api('POST', '/api/v1/models/elec2/predict', rows.slice(s, s + 500));
      await api(
        'POST',
        '/api/v1/models/elec2/labels',
        rows
          .slice(s, s + 500)
          .map((r, i) => ({ predictionId: r.id, label: data[3624 + s + i]?.class as number })),
      );
    }
    await steward.context.checks.runOnce();
    await steward.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(steward.app.server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await steward?.app.close();
    await store?.close();
  });

  test('the overview shows each model with its health, production version, key metric and its trend', async () => {
    const expected = (
      await steward.app.inject({ url: '/api/v1/models/elec2/metrics?from=0&to=2000000000000' })
    ).json() as Array<{ metrics: { accuracy: number } }>;
    const health = (await steward.app.inject({ url: '/api/v1/models/elec2/health' })).json();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      await page.goto(url);
      const row = page.locator('tr[data-model="elec2"]');
      await row.waitFor();
      const cells = await row.locator('td').allInnerTexts();
      expect(cells.slice(0, 4)).toEqual(['elec2', 'binary', health.status, 'v1']);
      const latest = expected[expected.length - 1] as { metrics: { accuracy: number } };
      expect(cells[4]).toBe(`accuracy ${latest.metrics.accuracy.toFixed(3)}`);
      expect(Number(cells[6])).toBe(health.openAlerts);
      const series = JSON.parse((await row.locator('.sparkline').getAttribute('data-series')) as string);
      expect(series).toEqual(expected.slice(-30).map((w) => w.metrics.accuracy));
      const canvas = await row.locator('.sparkline canvas').boundingBox();
      expect(canvas?.width).toBeGreaterThan(100);
      const empty = await page.locator('tr[data-model="demand"] td').allInnerTexts();
      expect(empty.slice(0, 5)).toEqual(['demand', 'regression', 'ok', '—', 'rmse —']);
      expect(failed).toEqual([]);
      mkdirSync(new URL('test-artifacts/', repoRoot), { recursive: true });
      writeFileSync(
        new URL('test-artifacts/dashboard-overview.png', repoRoot),
        await page.screenshot({ fullPage: true }),
      );
    } finally {
      await browser.close();
    }
  });

  test("the model page plots each window's metrics with the check threshold, and promotes and rolls back", async () => {
    const expected = (
      await steward.app.inject({ url: '/api/v1/models/elec2/metrics?from=0&to=2000000000000' })
    ).json() as Array<{ metrics: { accuracy: number } }>;
    const retrained = new LogisticRegression().fit(
      data.slice(3624, 5000).map((r) => ELEC2_FEATURES.map((f) => r[f])),
      data.slice(3624, 5000).map((r) => r.class),
    );
    await steward.app.inject({
      method: 'POST',
      url: '/api/v1/models/elec2/versions',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(JSON.stringify(retrained.toJSON())),
    });
    const production = async () =>
      (await steward.app.inject({ url: '/api/v1/models/elec2/aliases' })).json().current.production;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      await page.goto(url);
      await page.getByRole('link', { name: 'elec2' }).click();
      const timeline = page.locator('.timeline[data-metric="accuracy"]');
      await timeline.waitFor();
      expect(JSON.parse((await timeline.getAttribute('data-series')) as string)).toEqual(
        expected.map((w) => w.metrics.accuracy),
      );
      expect(JSON.parse((await timeline.getAttribute('data-thresholds')) as string)).toEqual([0.7]);
      expect((await timeline.locator('canvas').boundingBox())?.width).toBeGreaterThan(500);
      await page.locator('tr[data-version="2"] button', { hasText: 'Promote' }).click();
      await page.locator('tr[data-version="2"] td', { hasText: 'production' }).waitFor();
      expect(await production()).toBe(2);
      await page.getByRole('button', { name: 'Roll back production' }).click();
      await page.locator('tr[data-version="1"] td', { hasText: 'production' }).waitFor();
      expect(await production()).toBe(1);
      expect(dialogs).toEqual([
        'Promote v2 of elec2 to production?',
        'Roll elec2 production back to its previous version?',
      ]);
      writeFileSync(
        new URL('test-artifacts/dashboard-model.png', repoRoot),
        await page.screenshot({ fullPage: true }),
      );
    } finally {
      await browser.close();
    }
  });
});
