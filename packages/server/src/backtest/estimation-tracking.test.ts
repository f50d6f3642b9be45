import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { covariateShiftStream } from '@steward/core';
import { describe, expect, it } from 'vitest';
import { modelSpec } from '../spec/model-spec.js';
import { trackEstimates, type WindowEstimate } from './estimation-tracking.js';
import type { History } from './history.js';
import { backtest } from './run-backtest.js';

const HOUR = 3_600_000;

describe('trackEstimates', () => {
  // Eight 1-hour windows of 10 rows; realized accuracy is the share of rows whose output equals the label.
  const realized = [0.9, 0.6, 0.5, 0.9, 0.9, 0.6, 0.9, 0.9];
  const estimated = [0.88, 0.75, 0.62, 0.65, 0.9, 0.7, 0.9, 0.6];
  const times: number[] = [];
  const labels: number[] = [];
  const outputs: number[] = [];
  realized.forEach((accuracy, w) => {
    for (let k = 0; k < 10; k++) {
      times.push(w * HOUR + k * 60_000);
      labels.push(1);
      outputs.push(k < accuracy * 10 ? 1 : 0);
    }
  });
  const history = { rows: times.length, times, labels } as unknown as History;
  const estimates: WindowEstimate[] = estimated.map((value, w) => ({
    start: w * HOUR,
    end: (w + 1) * HOUR,
    value,
    standardError: 0.05,
  }));
  const spec = modelSpec.parse({
    name: 'm',
    task: 'binary',
    features: [{ name: 'x', type: 'numeric' }],
    window: '1h',
    checks: [{ type: 'metric', name: 'floor', metric: 'accuracy', min: 0.7, minLabels: 5 }],
  });

  it('scores the estimate per window and replays an estimated twin of the accuracy check', () => {
    const tracking = trackEstimates({
      estimates,
      spec,
      history,
      outputs,
      trainEnd: 0,
      labelWaitMs: 2 * HOUR,
    });
    const errors = estimated.map((e, w) => Math.abs(e - (realized[w] as number)));
    expect(tracking?.windows).toBe(8);
    expect(tracking?.meanAbsoluteError).toBeCloseTo(errors.reduce((a, b) => a + b) / 8, 12);
    // Within 1.96 × 0.05 = 0.098: windows 0, 4 and 6 (window 5 misses by 0.002).
    expect(tracking?.coverage).toBe(3 / 8);
    // Episodes below 0.7: windows 1–2 (the estimate flags window 2, closing one hour after window 1: the realized
    // check waits two hours after window 1 closes, so the lead is one window) and window 5 (not flagged: 0.7 is not
    // below 0.7). False alarms: windows 3 and 7.
    expect(tracking?.metric).toBe('accuracy');
    expect(tracking?.check).toEqual({
      name: 'floor',
      bound: 0.7,
      episodes: 2,
      flagged: 1,
      meanLeadWindows: 1,
      falseAlarms: 2,
    });
  });

  it("tracks a regressor by its MAE, past the bound meaning above a check's max", () => {
    // Outputs 0, labels 1 on the first `errors` rows of a window of 10: MAE = errors / 10.
    const maes = [0.2, 0.6, 0.2];
    const regressionHistory = {
      rows: 30,
      times: Array.from({ length: 30 }, (_, i) => Math.floor(i / 10) * HOUR + (i % 10) * 60_000),
      labels: Array.from({ length: 30 }, (_, i) =>
        i % 10 < (maes[Math.floor(i / 10)] as number) * 10 ? 1 : 0,
      ),
    } as unknown as History;
    const regressionSpec = modelSpec.parse({
      name: 'r',
      task: 'regression',
      features: [{ name: 'x', type: 'numeric' }],
      window: '1h',
      checks: [{ type: 'metric', name: 'ceiling', metric: 'mae', max: 0.5, minLabels: 5 }],
    });
    const tracking = trackEstimates({
      estimates: [0.25, 0.55, 0.6].map((value, w) => ({
        start: w * HOUR,
        end: (w + 1) * HOUR,
        value,
        standardError: 0.1,
      })),
      spec: regressionSpec,
      history: regressionHistory,
      outputs: new Array(30).fill(0),
      trainEnd: 0,
      labelWaitMs: HOUR,
    });
    expect(tracking?.metric).toBe('mae');
    expect(tracking?.meanAbsoluteError).toBeCloseTo((0.05 + 0.05 + 0.4) / 3, 12);
    expect(tracking?.coverage).toBe(2 / 3);
    // Window 1 is above 0.5 and flagged as it closes (one window before its labels are in); window 2 is a false alarm.
    expect(tracking?.check).toEqual({
      name: 'ceiling',
      bound: 0.5,
      episodes: 1,
      flagged: 1,
      meanLeadWindows: 1,
      falseAlarms: 1,
    });
  });

  it('has no check to compare with when the policy watches no realized accuracy floor', () => {
    const bare = modelSpec.parse({ ...spec, checks: [] });
    expect(
      trackEstimates({ estimates, spec: bare, history, outputs, trainEnd: 0, labelWaitMs: HOUR })?.check,
    ).toBeNull();
    expect(
      trackEstimates({ estimates: [], spec, history, outputs, trainEnd: 0, labelWaitMs: HOUR }),
    ).toBeNull();
  });
});

describe('steward backtest reports how the estimated accuracy tracked the realized one', () => {
  it('on a covariate-shift stream, where CBPE holds, the estimate made as each window closed is close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-estimation-test-'));
    const stream = covariateShiftStream({ n: 12_000, seed: 3, shift: -0.3 });
    const data = join(dir, 'shift.csv');
    const start = Date.UTC(2024, 0, 1);
    writeFileSync(
      data,
      [
        'time,x0,x1,y',
        ...stream.X.map(
          (x, i) => `${new Date(start + i * 60_000).toISOString()},${x[0]},${x[1]},${stream.y[i]}`,
        ),
      ].join('\n'),
    );
    const policy = join(dir, 'fixed.yaml');
    // A model that is never replaced (a year between runs): the estimate must follow its accuracy as the inputs move.
    writeFileSync(
      policy,
      [
        'task: binary',
        'window: 2h',
        'checks:',
        '  - { type: metric, name: floor, metric: accuracy, min: 0.78, minLabels: 30 }',
        'update: { every: 365d, window: 1d, learner: { kind: LogisticRegression }, gate: { mode: always } }',
      ].join('\n'),
    );
    const { report } = await backtest({
      data,
      history: { label: 'y', time: 'time' },
      delay: { ms: 6 * HOUR },
      cadence: { ms: 2 * HOUR },
      train: { ms: 24 * HOUR },
      policies: [policy],
      ungated: false,
      jobs: 1,
      storeDir: join(dir, 'stores'),
    });
    const tracking = report.strategies[0]?.estimation;
    // 12,000 minutes less the day of training and the windows before the first labels: 84 windows of 120 rows.
    expect(tracking?.windows).toBeGreaterThanOrEqual(80);
    // Realized accuracy over 120 rows has a sampling error of about 0.037, so |estimate − realized| averages about
    // 0.03 even for a perfect estimate; the band (which is that sampling error) should hold it about 95% of the time.
    expect(tracking?.meanAbsoluteError).toBeLessThan(0.035);
    expect(tracking?.coverage).toBeGreaterThanOrEqual(0.9);
    // The windows below the floor here are sampling noise around 0.80, which no estimate foresees; where it flags
    // one, it does so when the window closes, 3 windows (the 6 h label delay) before the realized check can.
    expect(tracking?.check?.episodes).toBeGreaterThanOrEqual(10);
    expect(tracking?.check?.flagged).toBeGreaterThanOrEqual(1);
    expect(tracking?.check?.meanLeadWindows).toBe(3);
  }, 120_000);
});
