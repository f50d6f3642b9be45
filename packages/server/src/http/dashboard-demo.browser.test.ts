import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../cli/test-helpers.js';
import { openStore, type StoreConnection } from '../store/open-store.js';
import { testApp } from '../testing/test-app.js';
import type { StewardApp } from './app.js';
import { dashboardDir } from './dashboard.js';

const CHROMIUM = '/usr/bin/chromium';
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const ready = existsSync(CHROMIUM) && dashboardDir() !== undefined && existsSync(CLI);
if (!ready)
  console.warn(
    'skipping the whole-demo dashboard test: needs /usr/bin/chromium and a built server and dashboard (npm run build)',
  );

/**
 * The dashboard on the store a user has after the whole demo (`npm start`): Elec2's 916 days through the loop, every
 * run, version, alias change and alert it made. The store is built by the demo itself (`steward demo --exit`), or
 * taken from STEWARD_DEMO_STORE (a `scheduled.db` built before). Screenshots at 1440×900 go to test-artifacts/.
 */
describe.skipIf(!ready)('the dashboard on the whole demo (916 days, every run and version)', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  let browser: Browser;
  let url: string;
  const api = async <T>(path: string): Promise<T> => (await steward.app.inject({ url: path })).json() as T;
  const open = async (hash: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${url}${hash}`);
    return page;
  };
  const attribute = async (page: Page, selector: string, name: string): Promise<unknown> =>
    JSON.parse((await page.locator(selector).getAttribute(name)) as string);
  const screenshot = async (page: Page, name: string) => {
    mkdirSync(new URL('test-artifacts/', repoRoot), { recursive: true });
    writeFileSync(new URL(`test-artifacts/demo-${name}.png`, repoRoot), await page.screenshot());
  };

  beforeAll(async () => {
    let path = process.env.STEWARD_DEMO_STORE;
    if (!path) {
      const dir = mkdtempSync(join(tmpdir(), 'steward-demo-'));
      execFileSync('node', [CLI, 'demo', '--exit', '--port', '0', '--store', dir], {
        cwd: new URL('.', repoRoot).pathname,
        stdio: 'ignore',
      });
      path = join(dir, 'scheduled.db');
    }
    store = await openStore({ url: path });
    steward = await testApp(store, { runJobs: false });
    await steward.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(steward.app.server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await steward?.app.close();
    await store?.close();
  });

  test('the store holds what a year of maintenance makes', async () => {
    const versions = await api<unknown[]>('/api/v1/models/elec2/versions?limit=1000');
    const runs = await api<unknown[]>('/api/v1/models/elec2/updates?limit=1000');
    const windows = await api<unknown[]>(
      '/api/v1/models/elec2/metrics?from=0&to=2000000000000&maxWindows=1000',
    );
    expect(versions.length).toBeGreaterThanOrEqual(40);
    expect(runs.length).toBeGreaterThanOrEqual(200);
    expect(windows.length).toBeGreaterThanOrEqual(900);
    expect(windows.length).toBeLessThanOrEqual(1000);
  });

  test('overview and metrics: every chart draws, no two version labels overlap, marker lines are thinned', async () => {
    const overview = await open('');
    await overview.locator('tr[data-model="elec2"]').waitFor();
    await screenshot(overview, 'overview');
    await overview.close();
    const page = await open('#/models/elec2');
    const charts = page.locator('.chart[data-chart]');
    await charts.first().locator('canvas').waitFor();
    await expect.poll(async () => page.locator('.chart[data-marker-labels]').count()).toBeGreaterThan(0);
    let withVersions = 0;
    for (const chart of await page.locator('.chart[data-marker-labels]').all()) {
      const boxes = JSON.parse((await chart.getAttribute('data-marker-labels')) as string) as Array<{
        left: number;
        right: number;
      }>;
      for (let k = 1; k < boxes.length; k++)
        expect((boxes[k] as { left: number }).left).toBeGreaterThan(
          (boxes[k - 1] as { right: number }).right,
        );
      // The estimated-accuracy chart marks only where labels stop.
      const markers = JSON.parse((await chart.getAttribute('data-markers')) as string) as Array<{
        kind: string;
      }>;
      if (!markers.some((m) => m.kind === 'version')) continue;
      withVersions++;
      // 302 versions and 147 alerts over one chart's width: full-height lines thinned to one per 24 px a kind.
      const lines = JSON.parse((await chart.getAttribute('data-marker-lines')) as string) as Record<
        'alert' | 'version',
        number[]
      >;
      expect(lines.version.length).toBeGreaterThan(10);
      for (const kind of ['alert', 'version'] as const)
        for (let k = 1; k < lines[kind].length; k++)
          expect((lines[kind][k] as number) - (lines[kind][k - 1] as number)).toBeGreaterThanOrEqual(23.9);
    }
    // accuracy, f1, ROC AUC and the prediction count.
    expect(withVersions).toBe(4);
    await screenshot(page, 'metrics');
    await page.close();
  });

  test('drift: each window against the training data of the version serving it, not one colour, all in view', async () => {
    const page = await open('#/models/elec2/drift');
    await page.locator('button.cell').first().waitFor();
    // A year of weekly versions: the reference changes along the row, named where it does.
    const named = (await page.locator('tr.heatmap-reference th[data-reference]').allInnerTexts()).filter(
      (t) => t !== '',
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.every((t) => /^v\d+$/.test(t))).toBe(true);
    expect(
      await page.locator('.heatmap-scroll').evaluate((e) => e.scrollWidth - e.clientWidth),
    ).toBeLessThanOrEqual(0);
    const colours = await page
      .locator('button.cell')
      .evaluateAll((cells) =>
        cells.map((c) => (c as unknown as { style: { background: string } }).style.background),
      );
    expect(new Set(colours).size).toBeGreaterThan(5);
    await screenshot(page, 'drift');
    await page.close();
  });

  test('versions: the newest alias change first, and the production version’s details in the first screen', async () => {
    const history = await api<Array<{ at: number; toVersion: number | null }>>(
      '/api/v1/models/elec2/aliases/history?limit=1',
    );
    const aliases = await api<{ current: { production: number } }>('/api/v1/models/elec2/aliases');
    const page = await open('#/models/elec2/versions');
    const lineage = page.locator(`.lineage[data-version="${aliases.current.production}"]`);
    await lineage.waitFor();
    const top = await lineage.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeLessThan(900);
    const first = await page.locator('ul.alias-history li').first().innerText();
    expect(first).toContain(`→ v${history[0]?.toVersion}`);
    expect(first).toContain(new Date(history[0]?.at as number).toISOString().slice(0, 10));
    await screenshot(page, 'versions');
    await page.close();
  });

  test("runs: the gate chart pools the listed runs' candidate and production on the gate's rows", async () => {
    type Run = {
      startedAt: number;
      steps: Array<{ name: string; status: string; detail: Record<string, unknown> }>;
    };
    const runs = await api<Run[]>('/api/v1/models/elec2/updates?limit=50');
    const compared = runs
      .map((r) => {
        const detail = r.steps.find((s) => s.name === 'evaluate' && s.status === 'done')?.detail;
        const primary = detail?.primary as { candidate?: unknown; production?: unknown } | undefined;
        return typeof primary?.candidate === 'number' && typeof primary.production === 'number'
          ? { time: r.startedAt, rows: detail?.rows as number, c: primary.candidate, p: primary.production }
          : undefined;
      })
      .filter((c) => c !== undefined)
      .sort((a, b) => a.time - b.time);
    expect(compared.length).toBeGreaterThan(10);
    const newest = compared.slice(-10);
    const rows = newest.reduce((sum, c) => sum + c.rows, 0);
    const page = await open('#/models/elec2/runs');
    const chart = '.chart[data-chart="gate-metrics"]';
    await page.locator(`${chart} canvas`).waitFor();
    expect(await attribute(page, chart, 'data-x')).toEqual(compared.map((c) => c.time / 1000));
    const series = (await attribute(page, chart, 'data-series')) as Record<string, number[]>;
    expect(series.candidate?.at(-1)).toBeCloseTo(newest.reduce((sum, c) => sum + c.c * c.rows, 0) / rows, 12);
    expect(series['production, same rows']?.at(-1)).toBeCloseTo(
      newest.reduce((sum, c) => sum + c.p * c.rows, 0) / rows,
      12,
    );
    expect(await page.locator('figcaption', { hasText: 'on the rows the gate compared' }).count()).toBe(1);
    await screenshot(page, 'runs-gate');
    await page.close();
  });

  test('runs: "Show older runs" pages down to the oldest run, which opens', async () => {
    const runs = await api<Array<{ id: string }>>('/api/v1/models/elec2/updates?limit=1000');
    const oldest = runs.at(-1)?.id as string;
    const page = await open('#/models/elec2/runs');
    const row = page.locator(`tr[data-run="${oldest}"]`);
    await page.locator('tr[data-run]').first().waitFor();
    // Each click asks for fifty more; the list keeps what it shows while the next page loads.
    for (let shown = 50; (await row.count()) === 0; shown += 50) {
      await page.locator('button.show-older').click();
      await expect.poll(() => page.locator('tr[data-run]').count()).toBe(Math.min(shown + 50, runs.length));
    }
    expect(await page.locator('tr[data-run]').count()).toBe(runs.length);
    await screenshot(page, 'runs');
    await row.locator('a').click();
    await page.locator(`section.run[data-run="${oldest}"]`).waitFor();
    await screenshot(page, 'run');
    await page.close();
  });

  test('alerts: the page opens on open alerts, and lists every alert when asked', async () => {
    const page = await open('#/alerts');
    await page.locator('select[name="status"]').waitFor();
    expect(await page.locator('select[name="status"]').inputValue()).toBe('open');
    await page.locator('select[name="status"]').selectOption('');
    await page.locator('tr[data-alert]').first().waitFor();
    await screenshot(page, 'alerts');
    await page.close();
  });
});
