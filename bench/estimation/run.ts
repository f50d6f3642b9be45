// Performance estimation without labels: the time to estimate 100 windows of 10^4 rows (CBPE, binary; DLE,
// regression), beside computing their realized metric from labels (the reference: what estimation stands in for),
// and how closely the estimates tracked the realized metric on the seeded covariate-shift streams of
// @steward/core/streams. Results: bench/results/estimation.json (its `elec2` entry, from elec2.ts, is kept).
//   npx tsx bench/estimation/run.ts
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accuracy,
  covariateShiftRegressionStream,
  covariateShiftStream,
  DirectLossEstimator,
  estimateBinaryPerformance,
  IsotonicRegression,
  LinearRegression,
  LogisticRegression,
  mae,
} from '@steward/core';
import { best, root, seeded, writeResults } from '../lib.js';

const WINDOWS = 100;
const ROWS = 10_000;
const random = seeded(1);
const probabilities = Array.from({ length: WINDOWS }, () =>
  Float64Array.from({ length: ROWS }, () => random()),
);
const labels = probabilities.map((w) => Array.from(w, (p) => (random() < p ? 1 : 0)));
const predicted = probabilities.map((w) => Array.from(w, (p) => (p >= 0.5 ? 1 : 0)));
const estimate = best(5, () => probabilities.map((w) => estimateBinaryPerformance(w).accuracy));
const realized = best(5, () => labels.map((y, i) => accuracy(y, predicted[i] as number[])));
console.log(
  `estimate ${WINDOWS} windows × ${ROWS} rows: ${(estimate.seconds * 1000).toFixed(0)} ms (realized accuracy from labels ${(realized.seconds * 1000).toFixed(0)} ms, ratio ${(estimate.seconds / realized.seconds).toFixed(2)})`,
);

// Tracking on the covariate-shift stream, windows of 1,000 rows.
const stream = covariateShiftStream({ n: 105_000, seed: 3 });
const model = new LogisticRegression().fit(stream.X.slice(0, 3000), stream.y.slice(0, 3000));
const positive = (X: number[][]) => model.predictProba(X).map((p) => p[1] as number);
const calibrator = new IsotonicRegression({ outOfBounds: 'clip' }).fit(
  positive(stream.X.slice(3000, 5000)),
  stream.y.slice(3000, 5000),
);
const tracked = Array.from({ length: 100 }, (_, w) => {
  const start = 5000 + w * 1000;
  const X = stream.X.slice(start, start + 1000);
  const e = estimateBinaryPerformance(calibrator.predict(positive(X)));
  const r = accuracy(stream.y.slice(start, start + 1000), Array.from(model.predict(X), Number));
  return {
    estimated: e.accuracy,
    realized: r,
    covered: Math.abs(e.accuracy - r) <= 1.96 * e.accuracyStandardError,
  };
});
const meanAbsoluteError =
  tracked.reduce((s, t) => s + Math.abs(t.estimated - t.realized), 0) / tracked.length;
const coverage = tracked.filter((t) => t.covered).length / tracked.length;
const realizedRange = [
  Math.min(...tracked.map((t) => t.realized)),
  Math.max(...tracked.map((t) => t.realized)),
];
console.log(
  `covariate shift: mean |estimated − realized| ${meanAbsoluteError.toFixed(4)}, band (±1.96 SE) covers ${(coverage * 100).toFixed(0)}% of windows, realized accuracy ${realizedRange.map((v) => v.toFixed(3)).join('–')}`,
);
// DLE on the regression covariate-shift stream: for each window size, a stream whose inputs move the whole way over
// 100 windows; a linear model on its first 2,000 rows, the loss models on the next 4,000. (The realized MAE of 1,000
// rows is itself about 0.018 from its expectation, a floor no estimate gets under.)
const dleTracking = (rowsPerWindow: number) => {
  const regression = covariateShiftRegressionStream({ n: 6000 + 100 * rowsPerWindow, seed: 11, shift: 1 });
  const linear = new LinearRegression().fit(regression.X.slice(0, 2000), regression.y.slice(0, 2000));
  const dle = new DirectLossEstimator().fit(
    regression.X.slice(2000, 6000),
    Array.from(linear.predict(regression.X.slice(2000, 6000))),
    regression.y.slice(2000, 6000),
  );
  const windows = Array.from({ length: 100 }, (_, w) => {
    const start = 6000 + w * rowsPerWindow;
    const X = regression.X.slice(start, start + rowsPerWindow);
    const predicted = Array.from(linear.predict(X));
    const e = dle.estimate(X, predicted);
    const r = mae(regression.y.slice(start, start + rowsPerWindow), predicted);
    return {
      error: Math.abs(e.mae - r),
      relative: Math.abs(e.mae - r) / r,
      covered: Math.abs(e.mae - r) <= 1.96 * e.maeStandardError,
      r,
    };
  });
  return {
    result: {
      stream: `covariateShiftRegressionStream({ n: ${6000 + 100 * rowsPerWindow}, seed: 11, shift: 1 })`,
      rowsPerWindow,
      windows: windows.length,
      meanAbsoluteError: Math.round((windows.reduce((s, w) => s + w.error, 0) / windows.length) * 1e4) / 1e4,
      meanRelativeError:
        Math.round((windows.reduce((s, w) => s + w.relative, 0) / windows.length) * 1e4) / 1e4,
      bandCoverage: windows.filter((w) => w.covered).length / windows.length,
      realizedMae: [Math.min(...windows.map((w) => w.r)), Math.max(...windows.map((w) => w.r))].map(
        (v) => Math.round(v * 1e4) / 1e4,
      ),
    },
    regression,
    linear,
    dle,
  };
};
const dleSmall = dleTracking(1000);
const dleLarge = dleTracking(4000);
console.log('DLE, windows of 1,000 rows:', dleSmall.result);
console.log('DLE, windows of 4,000 rows:', dleLarge.result);
const { regression, linear, dle } = dleLarge;
const speedX = regression.X.slice(6000, 6000 + ROWS);
const speedPredicted = Array.from(linear.predict(speedX));
const speedY = regression.y.slice(6000, 6000 + ROWS);
const dleSpeed = best(3, () =>
  Array.from({ length: WINDOWS }, () => dle.estimate(speedX, speedPredicted).mae),
);
const maeSpeed = best(3, () => Array.from({ length: WINDOWS }, () => mae(speedY, speedPredicted)));
console.log(
  `DLE ${WINDOWS} windows × ${ROWS} rows: ${(dleSpeed.seconds * 1000).toFixed(0)} ms (realized MAE ${(maeSpeed.seconds * 1000).toFixed(0)} ms)`,
);

const previous = join(root, 'bench/results/estimation.json');
const kept = existsSync(previous)
  ? (JSON.parse(readFileSync(previous, 'utf8')) as { elec2?: unknown }).elec2
  : undefined;
/** Estimating WINDOWS windows of ROWS rows against computing the realized metric from labels. */
function speedOf(estimated: { seconds: number }, realized: { seconds: number }) {
  return {
    windows: WINDOWS,
    rowsPerWindow: ROWS,
    estimateMs: Math.round(estimated.seconds * 1000 * 10) / 10,
    realizedMs: Math.round(realized.seconds * 1000 * 10) / 10,
    ratio: Math.round((estimated.seconds / realized.seconds) * 100) / 100,
  };
}

writeResults(
  'estimation',
  { reference: 'realized accuracy computed from labels on the same windows, same process' },
  {
    speed: speedOf(estimate, realized),
    covariateShift: {
      stream:
        'covariateShiftStream({ n: 105000, seed: 3 }): windows of 1,000 rows after 5,000 reference rows',
      windows: tracked.length,
      meanAbsoluteError: Math.round(meanAbsoluteError * 1e4) / 1e4,
      bandCoverage: coverage,
      realizedAccuracy: realizedRange.map((v) => Math.round(v * 1e4) / 1e4),
    },
    dle: {
      setup: 'a linear model on 2,000 rows, the loss models on the next 4,000, then 100 windows',
      speed: speedOf(dleSpeed, maeSpeed),
      windowsOf1000: dleSmall.result,
      windowsOf4000: dleLarge.result,
    },
    ...(kept ? { elec2: kept } : {}),
  },
);
