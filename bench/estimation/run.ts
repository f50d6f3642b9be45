// Performance estimation without labels: the time to estimate 100 windows of 10^4 rows (CBPE, binary; DLE,
// regression), beside computing their realized metric from labels (the reference: what estimation stands in for),
// and how closely the estimates tracked the realized metric on the covariate-shift streams of @steward/core/streams
// (six seeds each; DLE beside an oracle that knows the generator's noise, and its speed beside scikit-learn's
// HistGradientBoosting predicting the same loss models). Results: bench/results/estimation.json (its `elec2` entry,
// from elec2.ts, is kept).
//   npx tsx bench/estimation/run.ts
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accuracy,
  calibrationStrata,
  covariateShiftRegressionStream,
  covariateShiftStream,
  DirectLossEstimator,
  estimateBinaryPerformance,
  IsotonicRegression,
  LinearRegression,
  LogisticRegression,
  mae,
  normalCdf,
} from '@steward/core';
import { best, python, pythonVersionOf, root, seeded, writeResults } from '../lib.js';

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

// Tracking on the covariate-shift stream, windows of 1,000 rows, over six seeds: a logistic model on the first 3,000
// rows, the calibrator on the next 2,000 (the reference), then 100 windows.
const CBPE_SEEDS = [3, 4, 5, 6, 7, 8];
const cbpeRun = (seed: number) => {
  const stream = covariateShiftStream({ n: 105_000, seed });
  const model = new LogisticRegression().fit(stream.X.slice(0, 3000), stream.y.slice(0, 3000));
  const positive = (X: number[][]) => model.predictProba(X).map((p) => p[1] as number);
  const referenceScores = positive(stream.X.slice(3000, 5000));
  const calibrator = new IsotonicRegression({ outOfBounds: 'clip' }).fit(
    referenceScores,
    stream.y.slice(3000, 5000),
  );
  const calibration = calibrationStrata(calibrator.predict(referenceScores), stream.y.slice(3000, 5000));
  const tracked = Array.from({ length: 100 }, (_, w) => {
    const start = 5000 + w * 1000;
    const X = stream.X.slice(start, start + 1000);
    const e = estimateBinaryPerformance(calibrator.predict(positive(X)), { calibration });
    const r = accuracy(stream.y.slice(start, start + 1000), Array.from(model.predict(X), Number));
    const error = Math.abs(e.accuracy - r);
    return {
      error,
      realized: r,
      covered: error <= 1.96 * e.accuracyStandardError,
      coveredBySampling: error <= 1.96 * e.samplingErrors.accuracy,
    };
  });
  return {
    seed,
    meanAbsoluteError: Math.round((tracked.reduce((s, t) => s + t.error, 0) / tracked.length) * 1e4) / 1e4,
    bandCoverage: tracked.filter((t) => t.covered).length / tracked.length,
    samplingBandCoverage: tracked.filter((t) => t.coveredBySampling).length / tracked.length,
    realizedAccuracy: [
      Math.min(...tracked.map((t) => t.realized)),
      Math.max(...tracked.map((t) => t.realized)),
    ].map((v) => Math.round(v * 1e4) / 1e4),
  };
};
const cbpeRuns = CBPE_SEEDS.map(cbpeRun);
const meanAbsoluteError = cbpeRuns.reduce((s, r) => s + r.meanAbsoluteError, 0) / cbpeRuns.length;
const coverage = cbpeRuns.reduce((s, r) => s + r.bandCoverage, 0) / cbpeRuns.length;
const samplingCoverage = cbpeRuns.reduce((s, r) => s + r.samplingBandCoverage, 0) / cbpeRuns.length;
const cbpeWorst = cbpeRuns.reduce((a, b) => (b.meanAbsoluteError > a.meanAbsoluteError ? b : a));
console.log(
  `covariate shift, ${CBPE_SEEDS.length} seeds: mean |estimated − realized| ${meanAbsoluteError.toFixed(4)}, band (±1.96 SE) covers ${(coverage * 100).toFixed(1)}% of windows (sampling alone ${(samplingCoverage * 100).toFixed(1)}%); worst seed ${cbpeWorst.seed}: ${cbpeWorst.meanAbsoluteError}, ${(cbpeWorst.bandCoverage * 100).toFixed(0)}%`,
);
// DLE on the regression covariate-shift stream, over six seeds: a stream whose inputs move the whole way over 100
// windows; a linear model on its first 2,000 rows, the loss models on the next 10,000 (the reference). Beside each
// estimate, the oracle's: the expected MAE of the window's rows from the generator's own noise, the best any
// estimator can do (its distance to the realized MAE is the window's sampling noise alone).
const REFERENCE = 10_000;
const SEEDS = [11, 12, 13, 14, 15, 16];
const expectedAbsoluteError = (offset: number, sd: number) =>
  sd * Math.sqrt(2 / Math.PI) * Math.exp(-(offset * offset) / (2 * sd * sd)) +
  offset * (1 - 2 * normalCdf(-offset / sd));
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const dleRun = (seed: number, rowsPerWindow: number) => {
  const regression = covariateShiftRegressionStream({
    n: 2000 + REFERENCE + 100 * rowsPerWindow,
    seed,
    shift: 1,
  });
  const linear = new LinearRegression().fit(regression.X.slice(0, 2000), regression.y.slice(0, 2000));
  const referenceX = regression.X.slice(2000, 2000 + REFERENCE);
  const dle = new DirectLossEstimator().fit(
    referenceX,
    Array.from(linear.predict(referenceX)),
    regression.y.slice(2000, 2000 + REFERENCE),
  );
  const windows = Array.from({ length: 100 }, (_, w) => {
    const start = 2000 + REFERENCE + w * rowsPerWindow;
    const X = regression.X.slice(start, start + rowsPerWindow);
    const predicted = Array.from(linear.predict(X));
    const e = dle.estimate(X, predicted);
    const r = mae(regression.y.slice(start, start + rowsPerWindow), predicted);
    const oracle =
      X.reduce(
        (s, x, i) =>
          s + expectedAbsoluteError(regression.meanOf(x) - (predicted[i] as number), regression.noiseOf(x)),
        0,
      ) / X.length;
    const error = Math.abs(e.mae - r);
    return {
      error,
      oracle: Math.abs(oracle - r),
      covered: error <= 1.96 * e.maeStandardError,
      coveredBySampling: error <= 1.96 * e.maeSamplingError,
      r,
    };
  });
  const mean = (f: (w: (typeof windows)[number]) => number) =>
    windows.reduce((s, w) => s + f(w), 0) / windows.length;
  return {
    result: {
      seed,
      meanAbsoluteError: round4(mean((w) => w.error)),
      oracleMeanAbsoluteError: round4(mean((w) => w.oracle)),
      bandCoverage: mean((w) => (w.covered ? 1 : 0)),
      samplingBandCoverage: mean((w) => (w.coveredBySampling ? 1 : 0)),
      realizedMae: [Math.min(...windows.map((w) => w.r)), Math.max(...windows.map((w) => w.r))].map(round4),
    },
    regression,
    linear,
    dle,
  };
};
const dleTracking = (rowsPerWindow: number) => {
  const runs = SEEDS.map((seed) => dleRun(seed, rowsPerWindow));
  const perSeed = runs.map((r) => r.result);
  const average = (
    key: 'meanAbsoluteError' | 'oracleMeanAbsoluteError' | 'bandCoverage' | 'samplingBandCoverage',
  ) => round4(perSeed.reduce((s, r) => s + r[key], 0) / perSeed.length);
  return {
    result: {
      stream: `covariateShiftRegressionStream({ n: ${2000 + REFERENCE + 100 * rowsPerWindow}, seed, shift: 1 }), seeds ${SEEDS.join(', ')}`,
      rowsPerWindow,
      windows: 100,
      meanAbsoluteError: average('meanAbsoluteError'),
      oracleMeanAbsoluteError: average('oracleMeanAbsoluteError'),
      bandCoverage: average('bandCoverage'),
      samplingBandCoverage: average('samplingBandCoverage'),
      worstSeed: perSeed.reduce((a, b) => (b.meanAbsoluteError > a.meanAbsoluteError ? b : a)),
      perSeed,
    },
    regression: (runs[0] as (typeof runs)[number]).regression,
    linear: (runs[0] as (typeof runs)[number]).linear,
    dle: (runs[0] as (typeof runs)[number]).dle,
  };
};
const dleSmall = dleTracking(1000);
const dleLarge = dleTracking(4000);
console.log('DLE, windows of 1,000 rows:', dleSmall.result);
console.log('DLE, windows of 4,000 rows:', dleLarge.result);
const { regression, linear, dle } = dleLarge;
const speedX = regression.X.slice(2000 + REFERENCE, 2000 + REFERENCE + ROWS);
const speedPredicted = Array.from(linear.predict(speedX));
const speedY = regression.y.slice(2000 + REFERENCE, 2000 + REFERENCE + ROWS);
const dleSpeed = best(3, () =>
  Array.from({ length: WINDOWS }, () => dle.estimate(speedX, speedPredicted).mae),
);
const maeSpeed = best(3, () => Array.from({ length: WINDOWS }, () => mae(speedY, speedPredicted)));
console.log(
  `DLE ${WINDOWS} windows × ${ROWS} rows: ${(dleSpeed.seconds * 1000).toFixed(0)} ms (realized MAE ${(maeSpeed.seconds * 1000).toFixed(0)} ms)`,
);
// The same two loss models in scikit-learn (HistGradientBoostingRegressor, its defaults, on the same reference):
// the time to predict them on the same 100 windows, the reference for DLE's time.
const folder = mkdtempSync(join(tmpdir(), 'steward-dle-'));
const referenceRows = regression.X.slice(2000, 2000 + REFERENCE);
const referencePredicted = linear.predict(referenceRows);
const withPredicted = (rows: number[][], predicted: ArrayLike<number>) =>
  Float64Array.from(rows.flatMap((x, i) => [...x, predicted[i] as number]));
writeFileSync(join(folder, 'reference.bin'), withPredicted(referenceRows, referencePredicted));
writeFileSync(
  join(folder, 'error.bin'),
  Float64Array.from(
    referenceRows,
    (_, i) => (regression.y[2000 + i] as number) - (referencePredicted[i] as number),
  ),
);
writeFileSync(join(folder, 'window.bin'), withPredicted(speedX, speedPredicted));
const sklearnDle = python<{ seconds: number; fitSeconds: number; iterations: number[]; mae: number }>(
  'bench/estimation/dle_reference.py',
  [folder, String(REFERENCE), String(ROWS), '3', String(WINDOWS), '3'],
);
rmSync(folder, { recursive: true });
console.log(
  `scikit-learn ${pythonVersionOf('sklearn')}: the same ${WINDOWS} windows ${(sklearnDle.seconds * 1000).toFixed(0)} ms (ratio ${(dleSpeed.seconds / sklearnDle.seconds).toFixed(2)})`,
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
      stream: `covariateShiftStream({ n: 105000, seed }), seeds ${CBPE_SEEDS.join(', ')}: windows of 1,000 rows after 5,000 reference rows`,
      windows: 100,
      meanAbsoluteError: Math.round(meanAbsoluteError * 1e4) / 1e4,
      bandCoverage: Math.round(coverage * 1e4) / 1e4,
      samplingBandCoverage: Math.round(samplingCoverage * 1e4) / 1e4,
      worstSeed: cbpeWorst,
      perSeed: cbpeRuns,
    },
    dle: {
      setup:
        'a linear model on 2,000 rows, the loss models on the next 10,000 (the reference), then 100 windows; six seeds',
      speed: speedOf(dleSpeed, maeSpeed),
      scikitLearn: {
        version: pythonVersionOf('sklearn'),
        predictMs: Math.round(sklearnDle.seconds * 1000),
        ratio: Math.round((dleSpeed.seconds / sklearnDle.seconds) * 100) / 100,
        iterations: sklearnDle.iterations,
        stewardIterations: [dle.lossModelIterations.absolute, dle.lossModelIterations.squared],
      },
      windowsOf1000: dleSmall.result,
      windowsOf4000: dleLarge.result,
    },
    ...(kept ? { elec2: kept } : {}),
  },
);
