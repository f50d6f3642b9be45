import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { LinearRegression, LogisticRegression } from '@steward/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../cli/test-helpers.js';
import type { StoreConnection } from '../store/open-store.js';
import { createToken } from '../store/tokens.js';
import { ELEC2_FEATURES, ELEC2_MODEL, ELEC2_START, ELEC2_STEP, elec2Rows } from '../testing/elec2.js';
import { testApp, uploadModel } from '../testing/test-app.js';
import { type TestStore, testStores } from '../testing/test-stores.js';
import type { UpdateRun } from '../update/run-record.js';
import type { StewardApp } from './app.js';
import { dashboardDir } from './dashboard.js';

const CHROMIUM = '/usr/bin/chromium';
const ready = existsSync(CHROMIUM) && dashboardDir() !== undefined;
if (!ready)
  console.warn(
    'skipping the dashboard browser test: needs /usr/bin/chromium and a built dashboard (npm run build)',
  );

const data = elec2Rows();
const featuresOf = (i: number) =>
  Object.fromEntries(ELEC2_FEATURES.map((f) => [f, (data[i] as Record<string, number>)[f]]));
const ALL = 'from=0&to=2000000000000';

describe.skipIf(!ready)('the dashboard in headless Chromium, on a server seeded with Elec2 traffic', () => {
  let store: StoreConnection;
  let steward: StewardApp;
  let browser: Browser;
  let url: string;
  let run: UpdateRun;
  const api = async (method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) => {
    const response = await steward.app.inject({ method, url: path, ...(payload ? { payload } : {}) });
    if (response.statusCode >= 400) throw new Error(`${method} ${path}: ${response.body}`);
    return response.json();
  };
  /** Serves rows [from, to) of Elec2 through the predict endpoint, then sends their labels. */
  const traffic = async (from: number, to: number) => {
    for (let s = from; s < to; s += 1000) {
      const rows = Array.from({ length: Math.min(1000, to - s) }, (_, k) => ({
        id: `r${s + k}`,
        time: ELEC2_START + (s + k) * ELEC2_STEP,
        features: featuresOf(s + k),
      }));
      await api('POST', '/api/v1/models/elec2/predict', rows);
      await api(
        'POST',
        '/api/v1/models/elec2/labels',
        rows.map((r, k) => ({ predictionId: r.id, label: data[s + k]?.class as number })),
      );
    }
  };
  const open = async (hash: string, width = 1440): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${url}${hash}`);
    return page;
  };
  const screenshot = async (page: Page, name: string) => {
    mkdirSync(new URL('test-artifacts/', repoRoot), { recursive: true });
    writeFileSync(
      new URL(`test-artifacts/dashboard-${name}.png`, repoRoot),
      await page.screenshot({ fullPage: true }),
    );
  };
  const attribute = async (page: Page, selector: string, name: string) =>
    JSON.parse((await page.locator(selector).first().getAttribute(name)) as string);

  beforeAll(async () => {
    store = await (testStores()[0] as TestStore).open();
    steward = await testApp(store);
    await api('PUT', '/api/v1/models/elec2', {
      ...ELEC2_MODEL,
      checks: [
        { type: 'metric', name: 'accuracy-floor', metric: 'accuracy', min: 0.7, minLabels: 30 },
        {
          type: 'anomaly',
          name: 'accuracy-band',
          metric: 'accuracy',
          method: 'robust',
          options: { minValues: 7 },
        },
        { type: 'drift', name: 'feature-drift', reference: 'training' },
      ],
      notifiers: [],
      update: {
        window: '112d',
        minRows: 1000,
        strategy: 'tune',
        learner: { kind: 'LogisticRegression', params: {} },
        tune: { space: { C: { type: 'loguniform', low: 0.001, high: 100 } }, budget: 8, algorithm: 'random' },
      },
    });
    await api('PUT', '/api/v1/models/demand', {
      name: 'demand',
      task: 'regression',
      features: [{ name: 'period', type: 'numeric' }],
    });
    await api(
      'PUT',
      '/api/v1/models/elec2/references/training',
      data.slice(0, 1344).map((_, i) => featuresOf(i)),
    );
    const stale = new LogisticRegression().fit(
      data.slice(0, 1344).map((_, i) => ELEC2_FEATURES.map((f) => (data[i] as Record<string, number>)[f])),
      data.slice(0, 1344).map((r) => r.class),
    );
    await uploadModel(steward, 'elec2', stale);
    await api('PUT', '/api/v1/models/elec2/aliases/production', { version: 1 });
    await traffic(3624, 9000);
    await steward.context.checks.runOnce();
    await api('POST', '/api/v1/models/elec2/updates');
    run = (await steward.context.worker.runOnce()) as UpdateRun;
    // Version 2 (if promoted) serves the next three weeks.
    await traffic(9000, 10_008);
    await steward.context.checks.runOnce();
    await steward.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(steward.app.server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await steward?.app.close();
    await store?.close();
  });

  test('the update run the page tests rely on was promoted through the gate', () => {
    expect(run.status).toBe('promoted');
  });

  test('the overview shows each model with its health, production version, key metric, trend and open alerts', async () => {
    const metrics = (await api('GET', `/api/v1/models/elec2/metrics?${ALL}`)) as Array<{
      metrics: { accuracy: number };
    }>;
    const health = await api('GET', '/api/v1/models/elec2/health');
    for (const width of [1440, 1920]) {
      const page = await open('', width);
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      const row = page.locator('tr[data-model="elec2"]');
      await row.waitFor();
      const cells = await row.locator('td').allInnerTexts();
      expect(cells.slice(0, 4)).toEqual(['elec2', 'binary', health.status, 'v2']);
      expect(cells[4]).toBe(
        `accuracy ${(metrics.at(-1) as (typeof metrics)[number]).metrics.accuracy.toFixed(3)}`,
      );
      expect(Number(cells[6])).toBe(health.openAlerts);
      expect(JSON.parse((await row.locator('.sparkline').getAttribute('data-series')) as string)).toEqual(
        metrics.slice(-30).map((w) => w.metrics.accuracy),
      );
      expect((await row.locator('.sparkline canvas').boundingBox())?.width).toBeGreaterThan(100);
      const empty = await page.locator('tr[data-model="demand"] td').allInnerTexts();
      expect(empty.slice(0, 5)).toEqual(['demand', 'regression', 'ok', '—', 'rmse —']);
      const openAlerts = (await api('GET', '/api/v1/alerts?status=open')) as unknown[];
      await expect.poll(() => page.locator('table.alerts tbody tr').count()).toBe(openAlerts.length);
      expect(failed).toEqual([]);
      await screenshot(page, width === 1440 ? 'overview' : 'overview-wide');
      await page.close();
    }
  });

  test('metric timelines carry the data, the threshold, the anomaly band, and version and alert markers', async () => {
    const metrics = (await api('GET', `/api/v1/models/elec2/metrics?${ALL}`)) as Array<{
      start: string;
      count: number;
      metrics: { accuracy: number };
    }>;
    const results = (await api(
      'GET',
      '/api/v1/models/elec2/checks?check=accuracy-band&limit=5000',
    )) as Array<{
      windowStart: string;
      detail: { lower: number | null } | null;
    }>;
    const served = (await api('GET', `/api/v1/models/elec2/served?${ALL}`)) as Array<{
      version: string;
      first: string;
    }>;
    const alerts = (await api('GET', '/api/v1/alerts?model=elec2&limit=500')) as Array<{
      check: string;
      firstWindow: number;
    }>;
    const page = await open('#/models/elec2');
    const chart = '.chart[data-chart="accuracy"]';
    await page.locator(`${chart} canvas`).waitFor();
    expect(await attribute(page, chart, 'data-x')).toEqual(metrics.map((w) => Date.parse(w.start) / 1000));
    const series = await attribute(page, chart, 'data-series');
    expect(series.accuracy).toEqual(metrics.map((w) => w.metrics.accuracy));
    expect(series['accuracy-floor min']).toEqual(metrics.map(() => 0.7));
    const band = await attribute(page, chart, 'data-band');
    const lowerByStart = new Map(results.map((r) => [r.windowStart, r.detail?.lower ?? null]));
    expect(band.lower).toEqual(metrics.map((w) => lowerByStart.get(w.start) ?? null));
    expect(band.lower.filter((v: number | null) => v !== null).length).toBeGreaterThan(50);
    const markers = (await attribute(page, chart, 'data-markers')) as Array<{
      x: number;
      label: string;
      kind: string;
    }>;
    expect(markers.filter((m) => m.kind === 'version')).toEqual([
      { x: Date.parse(served[1]?.first as string) / 1000, label: 'v2', kind: 'version' },
    ]);
    expect(
      markers
        .filter((m) => m.kind === 'alert')
        .map((m) => m.label)
        .sort(),
    ).toEqual(alerts.map((a) => a.check).sort());
    expect((await page.locator(`${chart} canvas`).boundingBox())?.width).toBeGreaterThan(800);
    expect(await attribute(page, '.chart[data-chart="count"]', 'data-series')).toEqual({
      count: metrics.map((w) => w.count),
    });
    await screenshot(page, 'model-metrics');
    // The last week, counted back from the newest prediction (the data's clock, not the wall clock): the daily
    // windows that reach into those seven days, the newest last.
    await page.locator('select[name="range"]').selectOption('week');
    await expect
      .poll(async () => (await attribute(page, chart, 'data-x')).length)
      .toBeLessThan(metrics.length);
    const week = (await attribute(page, chart, 'data-x')) as number[];
    expect(week.at(-1)).toBe(Date.parse((metrics.at(-1) as { start: string }).start) / 1000);
    expect((week.at(-1) as number) - (week[0] as number)).toBeLessThanOrEqual(7 * 86_400);
    expect(week.length).toBeGreaterThanOrEqual(7);
    await page.close();
  });

  test('a drag across a chart zooms the page: every tab keeps the range, and a marker shows its details on hover', async () => {
    const served = (await api('GET', `/api/v1/models/elec2/served?${ALL}`)) as Array<{ first: string }>;
    const page = await open('#/models/elec2/metrics');
    const chart = '.chart[data-chart="accuracy"]';
    await page.locator(`${chart} canvas`).waitFor();
    const everything = (await attribute(page, chart, 'data-x')) as number[];
    // Hovering the version marker (the x scale runs from the first window to the last).
    const over = (await page.locator(`${chart} .u-over`).boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    const [first, last] = [everything[0] as number, everything.at(-1) as number];
    const v2 = Date.parse(served[1]?.first as string) / 1000;
    await page.mouse.move(over.x + ((v2 - first) / (last - first)) * over.width, over.y + over.height / 2);
    const hover = page.locator(`${chart} .marker-hover`);
    await hover.waitFor();
    expect(await hover.innerText()).toContain(
      `version v2 · ${new Date(v2 * 1000).toISOString().slice(0, 10)}`,
    );
    // Drag from 30% to 50% of the plot's width: that part of the history, in finer windows where merged.
    await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.4, over.y + over.height / 2, { steps: 5 });
    await page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.locator('select[name="range"]').inputValue()).toBe('custom');
    const range = /range=([^&]+)/.exec(new URL(page.url()).hash)?.[1] as string;
    const [from, to] = range.split('..').map((t) => Date.parse(`${t}Z`) / 1000) as [number, number];
    expect(from).toBeGreaterThan(first + (last - first) * 0.25);
    expect(to).toBeLessThan(first + (last - first) * 0.55);
    await expect
      .poll(async () => (await attribute(page, chart, 'data-x')).length)
      .toBeLessThan(everything.length);
    const zoomed = (await attribute(page, chart, 'data-x')) as number[];
    expect(zoomed.length).toBeGreaterThan(3);
    // Windows that overlap the range: each starts before its end, the first no earlier than a window before it.
    expect(zoomed.every((t) => t < to && t >= from - 86_400)).toBe(true);
    // Every tab follows: the address carries the range.
    await page.locator('nav.tabs a', { hasText: 'Predictions' }).click();
    const output = '.chart[data-chart="output-distribution"]';
    await page.locator(`${output} canvas`).waitFor();
    expect(await attribute(page, output, 'data-x')).toEqual(zoomed);
    await page.locator('nav.tabs a', { hasText: 'Drift' }).click();
    await page.locator('table.heatmap button.cell').first().waitFor();
    const starts = await page
      .locator('table.heatmap tbody tr')
      .first()
      .locator('[data-window]')
      .evaluateAll((cells) => cells.map((c) => Date.parse(c.getAttribute('data-window') as string) / 1000));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((t) => t < to && t >= from - 86_400)).toBe(true);
    expect(await page.locator('select[name="range"]').inputValue()).toBe('custom');
    await screenshot(page, 'drift-zoomed');
    // Back to everything.
    await page.locator('button[name="range-reset"]').click();
    await page.locator('nav.tabs a', { hasText: 'Metrics' }).click();
    await expect.poll(async () => (await attribute(page, chart, 'data-x')).length).toBe(everything.length);
    expect(new URL(page.url()).hash).toBe('#/models/elec2/metrics');
    await page.close();
  });

  test('accuracy estimated without labels (CBPE) is drawn beside the realized accuracy, with its band', async () => {
    const estimated = (await api('GET', `/api/v1/models/elec2/estimated?${ALL}&maxWindows=1000`)) as {
      calibration: { rows: number };
      windows: Array<{
        start: string;
        estimated: { accuracy: number; accuracyStandardError: number } | null;
        realized: { accuracy: number } | null;
      }>;
    };
    expect(estimated.calibration.rows).toBeGreaterThanOrEqual(100);
    const page = await open('#/models/elec2/metrics');
    const chart = '.chart[data-chart="estimated-accuracy"]';
    await page.locator(`${chart} canvas`).waitFor();
    expect(await attribute(page, chart, 'data-x')).toEqual(
      estimated.windows.map((w) => Date.parse(w.start) / 1000),
    );
    const series = await attribute(page, chart, 'data-series');
    expect(series['estimated accuracy']).toEqual(estimated.windows.map((w) => w.estimated?.accuracy ?? null));
    expect(series['realized accuracy']).toEqual(estimated.windows.map((w) => w.realized?.accuracy ?? null));
    const band = await attribute(page, chart, 'data-band');
    const first = estimated.windows[0]?.estimated as { accuracy: number; accuracyStandardError: number };
    expect(band.lower[0]).toBeCloseTo(first.accuracy - 1.96 * first.accuracyStandardError, 12);
    expect(await page.locator('figure.estimated figcaption').innerText()).toContain(
      `calibrated on ${estimated.calibration.rows} labelled predictions`,
    );
    // Every metric has its band: F1 chosen, its estimate and ±1.96 of its standard error are drawn.
    const withF1 = estimated.windows as unknown as Array<{
      estimated: { f1: number; f1StandardError: number } | null;
    }>;
    expect(withF1[0]?.estimated?.f1StandardError).toBeGreaterThan(0);
    await page.selectOption('select[name="estimated-metric"]', 'f1');
    const f1Chart = '.chart[data-chart="estimated-f1"]';
    await page.locator(`${f1Chart} canvas`).waitFor();
    const f1Series = await attribute(page, f1Chart, 'data-series');
    expect(f1Series['estimated f1']).toEqual(withF1.map((w) => w.estimated?.f1 ?? null));
    const f1Band = await attribute(page, f1Chart, 'data-band');
    const f1First = withF1[0]?.estimated as { f1: number; f1StandardError: number };
    expect(f1Band.lower[0]).toBeCloseTo(Math.max(0, f1First.f1 - 1.96 * f1First.f1StandardError), 12);
    await page.close();
    // A regressor's chart is its MAE estimated by DLE, beside the realized MAE: two days of demand, the first labelled.
    const start = Date.UTC(2024, 0, 1);
    const demandRows = Array.from({ length: 480 }, (_, i) => ({
      id: `d${i}`,
      time: start + i * 360_000,
      features: { period: (i % 48) / 48 },
      output: 0.5,
    }));
    await api('POST', '/api/v1/models/demand/predictions', demandRows);
    await api(
      'POST',
      '/api/v1/models/demand/labels',
      demandRows
        .slice(0, 240)
        .map((r, i) => ({ predictionId: r.id, label: 0.5 + ((i % 48) / 48) ** 2, time: r.time })),
    );
    const mae = (await api('GET', `/api/v1/models/demand/estimated?${ALL}&maxWindows=1000`)) as {
      method: string;
      windows: Array<{ estimated: { mae: number } | null; realized: { mae: number } | null }>;
    };
    expect(mae.method).toBe('dle');
    const demand = await open('#/models/demand/metrics');
    const maeChart = '.chart[data-chart="estimated-mae"]';
    await demand.locator(`${maeChart} canvas`).waitFor();
    const maeSeries = await attribute(demand, maeChart, 'data-series');
    expect(maeSeries['estimated mae']).toEqual(mae.windows.map((w) => w.estimated?.mae ?? null));
    expect(maeSeries['realized mae']).toEqual(mae.windows.map((w) => w.realized?.mae ?? null));
    expect(await demand.locator('figure.estimated figcaption').innerText()).toContain(
      'estimated without labels (DLE)',
    );
    expect(await demand.locator('select[name="estimated-metric"]').inputValue()).toBe('mae');
    await demand.close();
  });

  test('version labels never overlap, however dense; version and alert markers can be hidden', async () => {
    // Eighty versions, a new one every half hour for forty hours: far more labels than fit side by side.
    await api('PUT', '/api/v1/models/busy', {
      name: 'busy',
      task: 'binary',
      features: [{ name: 'x', type: 'numeric' }],
    });
    const start = Date.UTC(2024, 0, 1);
    await api(
      'POST',
      '/api/v1/models/busy/predictions',
      Array.from({ length: 400 }, (_, i) => ({
        id: `b${i}`,
        time: start + i * 6 * 60_000,
        version: String(1 + Math.floor(i / 5)),
        features: { x: i % 7 },
        output: i % 2,
      })),
    );
    const page = await open('#/models/busy');
    const chart = page.locator('.chart[data-chart="count"]');
    await chart.locator('canvas').waitFor();
    expect(JSON.parse((await chart.getAttribute('data-markers')) as string)).toHaveLength(79);
    await expect.poll(async () => (await chart.getAttribute('data-marker-labels')) !== null).toBe(true);
    const boxes = JSON.parse((await chart.getAttribute('data-marker-labels')) as string) as Array<{
      left: number;
      right: number;
    }>;
    expect(boxes.length).toBeGreaterThan(3);
    expect(boxes.length).toBeLessThan(79);
    for (let k = 1; k < boxes.length; k++)
      expect((boxes[k] as { left: number }).left).toBeGreaterThan((boxes[k - 1] as { right: number }).right);
    await screenshot(page, 'model-metrics-dense-versions');
    await page.locator('input[name="version-markers"]').uncheck();
    await expect
      .poll(async () => JSON.parse((await chart.getAttribute('data-markers')) as string))
      .toEqual([]);
    expect(JSON.parse((await chart.getAttribute('data-marker-labels')) as string)).toEqual([]);
    await page.close();
  });

  test('the predictions tab plots predicted class shares and score quantiles per window', async () => {
    const windows = (await api('GET', `/api/v1/models/elec2/windows?${ALL}`)) as Array<{
      profile: {
        output: { count: number; top: Array<[string, number]> };
        score: { quantiles: { p50: number } };
      };
    }>;
    const page = await open('#/models/elec2/predictions');
    await page.locator('.chart[data-chart="output-distribution"] canvas').waitFor();
    const shares = await attribute(page, '.chart[data-chart="output-distribution"]', 'data-series');
    expect(shares['class 1']).toEqual(
      windows.map((w) => (w.profile.output.top.find(([c]) => c === '1')?.[1] ?? 0) / w.profile.output.count),
    );
    for (const [i, v] of shares['class 0'].entries()) expect(v + shares['class 1'][i]).toBeCloseTo(1, 12);
    const scores = await attribute(page, '.chart[data-chart="score-distribution"]', 'data-series');
    expect(scores['score p50']).toEqual(windows.map((w) => w.profile.score.quantiles.p50));
    await screenshot(page, 'model-predictions');
    await page.close();
  });

  test('the drift heatmap matches the API and a cell opens that feature’s two distributions', async () => {
    const all = (await api('GET', `/api/v1/models/elec2/drift/windows?${ALL}`)) as { windows: unknown[] };
    const drift = (await api(
      'GET',
      `/api/v1/models/elec2/drift/windows?${ALL}&maxWindows=70&against=serving`,
    )) as {
      windowMs: number;
      windows: Array<{
        start: string;
        end: string;
        reference?: string;
        columns: Record<string, { score: number }> | null;
      }>;
    };
    // More windows than the heatmap's 70 columns: the server merges them, and the whole range is shown.
    expect(all.windows.length).toBeGreaterThan(70);
    expect(drift.windows.length).toBeLessThanOrEqual(70);
    expect(drift.windowMs).toBe(2 * 86_400_000);
    const page = await open('#/models/elec2/drift');
    await page.locator('button.cell').first().waitFor();
    const shown = drift.windows;
    const judged = shown.filter((w) => w.columns !== null);
    expect(await page.locator('table.heatmap thead tr:first-child th[title]').allInnerTexts()).toEqual(
      shown.map((w) => w.start.slice(0, 10)),
    );
    // Each window against the version production served: version 1 (uploaded, the stored reference stands in),
    // then version 2's training data from its promotion on; the row names it where it changes.
    const references = shown.map((w) => w.reference);
    expect(references[0]).toBe('the uploaded reference "training"');
    expect(references.at(-1)).toMatch(/^v2's training data \(\d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}\)$/);
    expect(
      await page
        .locator('tr.heatmap-reference th[data-reference]')
        .evaluateAll((ths) => ths.map((t) => t.getAttribute('data-reference'))),
    ).toEqual(references);
    expect(
      (await page.locator('tr.heatmap-reference th[data-reference]').allInnerTexts()).filter((t) => t !== ''),
    ).toEqual(['ref', 'v2']);
    expect(await page.locator('.drift-legend .swatch').count()).toBe(5);
    // The whole range fits at 1440 px: nothing scrolled out of sight.
    expect(
      await page.locator('.heatmap-scroll').evaluate((e) => e.scrollWidth - e.clientWidth),
    ).toBeLessThanOrEqual(0);
    const colours = await page
      .locator('button.cell')
      .evaluateAll((cells) =>
        cells.map((c) => (c as unknown as { style: { background: string } }).style.background),
      );
    expect(new Set(colours).size).toBeGreaterThan(5);
    expect(await page.locator('button.cell').count()).toBe(judged.length * ELEC2_FEATURES.length);
    expect(await page.locator('td.cell-empty').count()).toBe(
      (shown.length - judged.length) * ELEC2_FEATURES.length,
    );
    // A window version 2 served: its distributions against version 2's training data.
    const target = judged.at(-2) as (typeof shown)[number];
    const cell = page.locator(`button.cell[data-feature="nswprice"][data-window="${target.start}"]`);
    expect(Number(await cell.getAttribute('data-score'))).toBe(target.columns?.nswprice?.score);
    await cell.click();
    const detail = page.locator('.feature-drift[data-feature="nswprice"] .distribution');
    await detail.waitFor();
    const expected = await api(
      'GET',
      `/api/v1/models/elec2/drift/feature?feature=nswprice&from=${encodeURIComponent(target.start)}&to=${encodeURIComponent(target.end)}&against=serving`,
    );
    expect(expected.score).toBe(target.columns?.nswprice?.score);
    expect(JSON.parse((await detail.getAttribute('data-reference')) as string)).toEqual(
      expected.distribution.reference,
    );
    expect(JSON.parse((await detail.getAttribute('data-current')) as string)).toEqual(
      expected.distribution.current,
    );
    expect(await page.locator('.feature-drift figcaption').innerText()).toContain(
      "reference rows of v2's training data (",
    );
    await screenshot(page, 'model-drift');
    // Against the uploaded reference: the windows version 1 served are judged as before, version 2's differently.
    const uploaded = (await api(
      'GET',
      `/api/v1/models/elec2/drift/windows?${ALL}&maxWindows=70`,
    )) as typeof drift;
    uploaded.windows.forEach((w, i) => {
      const same = JSON.stringify(w.columns) === JSON.stringify(shown[i]?.columns);
      expect(same).toBe(shown[i]?.reference === 'the uploaded reference "training"');
    });
    const summary = () => page.locator('section.drift p').nth(1).innerText();
    const drifted = async () => Number(/^(\d+) of (\d+) windows/.exec(await summary())?.[1]);
    const serving = await drifted();
    await page.locator('select[name="against"]').selectOption('reference');
    await expect.poll(summary).toMatch(/^(\d+) of \1 windows/);
    expect(serving).toBeLessThanOrEqual(await drifted());
    await page.locator('select[name="against"]').selectOption('previous');
    await expect
      .poll(summary)
      .toMatch(/windows of 2 days have at least one drifted feature\. Against the window before/);
    expect(await drifted()).toBeLessThan(shown.length);
    expect(
      await page.locator('table.heatmap tbody tr').first().locator('td').first().getAttribute('class'),
    ).toBe('cell-empty');
    await page.close();
  });

  test('a model without a reference shows each window against the one before, and says how to add one', async () => {
    await api('PUT', '/api/v1/models/noref', { ...ELEC2_MODEL, name: 'noref', checks: [], notifiers: [] });
    await api(
      'POST',
      '/api/v1/models/noref/predictions',
      Array.from({ length: 480 }, (_, i) => ({
        id: `n${i}`,
        time: ELEC2_START + i * ELEC2_STEP,
        output: 0,
        features: featuresOf(i),
      })),
    );
    const page = await open('#/models/noref/drift');
    const note = page.locator('p.no-reference');
    await note.waitFor();
    expect(await note.innerText()).toMatch(
      /^No version with a training window has served yet, and no reference is stored: each window is shown against the one before it\. To compare with the training data, upload/,
    );
    expect(await page.locator('select[name="against"]').inputValue()).toBe('previous');
    // Ten days, the first with nothing before it: nine judged windows of six features.
    await page.locator('button.cell').first().waitFor();
    expect(await page.locator('button.cell').count()).toBe(9 * ELEC2_FEATURES.length);
    await page.close();
  });

  test('a text feature: word-share cells in the heatmap; a drifted one names the words that moved', async () => {
    const energy = ['price', 'market', 'demand', 'supply', 'energy', 'grid', 'load', 'peak'];
    const weather = ['weather', 'rain', 'cloud', 'storm', 'wind', 'sun', 'cold', 'heat'];
    let seed = 11;
    const pick = (vocab: string[]) => {
      seed = (seed * 16807) % 2147483647;
      return vocab[seed % vocab.length] as string;
    };
    const text = (vocab: string[]) => Array.from({ length: 8 }, () => pick(vocab)).join(' ');
    await api('PUT', '/api/v1/models/notes', {
      name: 'notes',
      task: 'binary',
      window: '1d',
      labelGrace: '1d',
      features: [{ name: 'body', type: 'text' }],
      checks: [],
      notifiers: [],
    });
    await api(
      'PUT',
      '/api/v1/models/notes/references/training',
      Array.from({ length: 200 }, () => ({ body: text(energy) })),
    );
    const day = 86_400_000;
    await api(
      'POST',
      '/api/v1/models/notes/predictions',
      Array.from({ length: 200 }, (_, i) => ({
        id: `t${i}`,
        time: ELEC2_START + (i < 100 ? 0 : day) + (i % 100) * 600_000,
        output: 0,
        features: { body: text(i < 100 ? energy : [...energy.slice(4), ...weather]) },
      })),
    );
    const page = await open('#/models/notes/drift');
    await page.locator('button.cell').first().waitFor();
    const cells = page.locator('button.cell[data-feature="body"]');
    expect(await cells.count()).toBe(2);
    await cells.nth(1).click();
    const words = page.locator('.feature-drift[data-feature="body"] .terms p[data-side="current"]');
    await words.waitFor();
    const named = (await words.innerText()).replace('More in this window: ', '').split(', ');
    expect(named.slice(0, 4).every((w) => weather.includes(w))).toBe(true);
    expect(await page.locator('.feature-drift figcaption').innerText()).toContain(
      'domain classifier ROC AUC',
    );
    await page.close();
  });

  test('the data-quality tab lists every feature with its missing share and latest range', async () => {
    const page = await open('#/models/elec2/quality');
    await page.locator('table.data-quality tbody tr').first().waitFor();
    expect(
      await page
        .locator('table.data-quality tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-feature'))),
    ).toEqual([...ELEC2_FEATURES]);
    const cells = await page.locator('tr[data-feature="nswprice"] td').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['nswprice', 'numeric', '0.0%']);
    expect(cells[4]).toMatch(/^\d\.\d{3} · \d\.\d{3} · \d\.\d{3}$/);
    // Nothing is missing: the sparkline is a flat line at zero, drawn (it was blank: a zero-height scale).
    const sparkline = page.locator('tr[data-feature="nswprice"] .sparkline');
    expect(
      JSON.parse((await sparkline.getAttribute('data-series')) as string).every((v: number) => v === 0),
    ).toBe(true);
    const drawn = await sparkline.locator('canvas').evaluate((canvas) => {
      // Structural types: the tests are type-checked without the DOM library.
      const c = canvas as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
        };
      };
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let blue = 0;
      for (let i = 0; i < data.length; i += 4)
        if ((data[i + 2] as number) > 150 && (data[i] as number) < 120 && (data[i + 3] as number) > 0) blue++;
      return blue;
    });
    expect(drawn).toBeGreaterThan(50);
    await screenshot(page, 'model-quality');
    await page.close();
  });

  test('versions show lineage, the gate comparison and smoothed training curves; promote and rollback work', async () => {
    const v2 = await api('GET', '/api/v1/models/elec2/versions/2');
    const curves = (await api('GET', '/api/v1/models/elec2/versions/2/steps')) as Record<
      string,
      Array<[number, number]>
    >;
    const page = await open('#/models/elec2/versions');
    const lineage = page.locator('.lineage[data-version="2"]');
    await lineage.waitFor();
    const primary = lineage.locator('table.gate-table tr[data-metric="accuracy"] td');
    expect((await primary.allInnerTexts()).slice(0, 4)).toEqual([
      'accuracy',
      'primary',
      v2.lineage.evaluation.primary.production.toFixed(4),
      v2.lineage.evaluation.primary.candidate.toFixed(4),
    ]);
    const p = v2.lineage.evaluation.test.pValue as number;
    expect(await lineage.locator('.gate-test').innerText()).toContain(
      `p = ${p < 1e-4 ? p.toExponential(2) : p.toFixed(4)}`,
    );
    const curve = '.chart[data-chart="curve-trial score"]';
    await page.locator(`${curve} canvas`).waitFor();
    const before = await attribute(page, curve, 'data-series');
    expect(before['trial score (raw)']).toEqual(curves['trial score']?.map(([, v]) => v));
    await page.locator('.smoothing input').fill('0');
    await expect
      .poll(async () => (await attribute(page, curve, 'data-series'))['trial score'])
      .toEqual(before['trial score (raw)']);
    await screenshot(page, 'model-versions');

    const production = async () => (await api('GET', '/api/v1/models/elec2/aliases')).current.production;
    await page.locator('tr[data-version="1"] button', { hasText: 'Promote' }).click();
    await page.locator('tr[data-version="1"] td', { hasText: 'production' }).waitFor();
    expect(await production()).toBe(1);
    await page.getByRole('button', { name: 'Roll back production' }).click();
    await page.locator('tr[data-version="2"] td', { hasText: 'production' }).waitFor();
    expect(await production()).toBe(2);
    // The alias history starts with the newest change: the rollback just made.
    await expect
      .poll(async () => page.locator('.alias-history li').first().innerText())
      .toMatch(/production rollback: v1 → v2 by /);
    await page.close();
  });

  test('with sixty versions, the list pages and the oldest one, chosen on the second page, opens within the first viewport', async () => {
    await api('PUT', '/api/v1/models/fleet', {
      name: 'fleet',
      task: 'regression',
      features: [{ name: 'period', type: 'numeric' }],
    });
    for (let v = 1; v <= 60; v++)
      await uploadModel(steward, 'fleet', new LinearRegression().fit([[0], [1], [2]], [0, v, 2 * v]));
    const page = await open('#/models/fleet/versions');
    const heading = page.locator('h3', { hasText: 'Versions, newest first' });
    await heading.waitFor();
    // The first page: the newest fifty, v60 at the top, and a button for the rest.
    expect(await heading.innerText()).toBe('Versions, newest first (50 shown)');
    expect(await page.locator('table.versions tbody tr').first().getAttribute('data-version')).toBe('60');
    expect(await page.locator('table.versions tr[data-version="1"]').count()).toBe(0);
    await page.locator('button.show-older', { hasText: 'Show older versions' }).click();
    const oldest = page.locator('table.versions tr[data-version="1"] button.link');
    await oldest.waitFor();
    await oldest.click();
    const lineage = page.locator('.lineage[data-version="1"]');
    await lineage.waitFor();
    // Its top, on the page (not the viewport): the details must not sit below sixty rows.
    const top = await lineage.evaluate(
      (el) => el.getBoundingClientRect().top + (globalThis as unknown as { scrollY: number }).scrollY,
    );
    expect(top).toBeLessThan(900);
    expect(await heading.innerText()).toBe('Versions, newest first (60 shown)');
    expect(await page.locator('button.show-older', { hasText: 'Show older versions' }).count()).toBe(0);
    await screenshot(page, 'model-versions-many');
    await page.close();
  });

  test('update runs list and detail show steps, progress and the gate table', async () => {
    const page = await open('#/models/elec2/runs');
    const row = page.locator(`tr[data-run="${run.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('promoted');
    await screenshot(page, 'model-runs');
    await row.locator('a').click();
    await page.locator('ol.steps li').first().waitFor();
    expect(
      await page.locator('ol.steps li').evaluateAll((items) => items.map((i) => i.getAttribute('data-step'))),
    ).toEqual(['dataset', 'train', 'evaluate', 'refit', 'register', 'promote']);
    expect(await page.locator('progress').getAttribute('value')).toBe('6');
    // Step details are read by people: `key: value` lines, times as dates (not JSON, ISO strings or epoch ms).
    const dataset = run.steps.find((s) => s.name === 'dataset')?.detail as { from: string; rows: number };
    const text = await page.locator('li[data-step="dataset"] pre.detail').innerText();
    expect(text).toContain(`from: ${dataset.from.slice(0, 16).replace('T', ' ')}\n`);
    expect(text).toContain(`rows: ${dataset.rows}`);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|\b\d{12,13}\b|[{}"]/);
    const gate = run.steps.find((s) => s.name === 'evaluate')?.detail as { primary: { improvement: number } };
    expect(await page.locator('table.gate-table tr[data-metric="accuracy"] td').nth(4).innerText()).toBe(
      gate.primary.improvement.toFixed(4),
    );
    await screenshot(page, 'run-detail');
    await page.close();
  });

  test('the alerts page filters by severity and acknowledges an alert', async () => {
    const page = await open('#/alerts');
    await page.locator('table.alerts tbody tr').first().waitFor();
    await page.locator('select[name="status"]').selectOption('');
    await page.locator('select[name="severity"]').selectOption('critical');
    const critical = (await api('GET', '/api/v1/alerts?severity=critical')) as Array<{
      id: string;
      status: string;
    }>;
    await expect.poll(() => page.locator('table.alerts tbody tr').count()).toBe(critical.length);
    expect(
      await page
        .locator('table.alerts tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity'))),
    ).toEqual(critical.map(() => 'critical'));
    await page.locator('select[name="severity"]').selectOption('');
    await page.locator('select[name="status"]').selectOption('open');
    const first = page.locator('table.alerts tbody tr').first();
    await first.waitFor();
    const id = (await first.getAttribute('data-alert')) as string;
    await first.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator(`tr[data-alert="${id}"] td`, { hasText: /^anonymous@/ }).waitFor();
    const acknowledged = (await api('GET', '/api/v1/alerts?acknowledged=true')) as Array<{ id: string }>;
    expect(acknowledged.map((a) => a.id)).toEqual([id]);
    await screenshot(page, 'alerts');
    await page.close();
  });

  test('on a server that needs a token, pages say so, and a token entered once lets them load', async () => {
    const secured = await testApp(store, { requireAuth: true });
    await secured.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(secured.app.server.address() as AddressInfo).port}/`;
    const { token } = await createToken(store, 'dashboard-test', ['read']);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(base);
      const error = page.getByRole('alert');
      await error.waitFor();
      expect(await error.innerText()).toContain('needs an API token');
      await page.getByRole('link', { name: 'Enter a token' }).click();
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Save' }).click();
      await screenshot(page, 'token');
      await page.getByRole('link', { name: 'Back to the models' }).click();
      await page.locator('tr[data-model="elec2"]').waitFor();
    } finally {
      await page.close();
      await secured.app.close();
    }
  });
});
