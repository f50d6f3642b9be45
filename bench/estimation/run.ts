// Performance estimation without labels (CBPE, binary): the time to estimate 100 windows of 10^4 rows, beside
// computing their realized accuracy from labels (the reference: what estimation stands in for), and how closely the
// estimate tracked the realized accuracy on the seeded covariate-shift stream (a logistic model calibrated with
// isotonic regression on the first 5,000 rows). Results: bench/results/estimation.json.   npx tsx bench/estimation/run.ts
import {
  accuracy,
  covariateShiftStream,
  estimateBinaryPerformance,
  IsotonicRegression,
  LogisticRegression,
} from '@steward/core';
import { best, seeded, writeResults } from '../lib.js';

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
writeResults(
  'estimation',
  { reference: 'realized accuracy computed from labels on the same windows, same process' },
  {
    speed: {
      windows: WINDOWS,
      rowsPerWindow: ROWS,
      estimateMs: Math.round(estimate.seconds * 1000 * 10) / 10,
      realizedMs: Math.round(realized.seconds * 1000 * 10) / 10,
      ratio: Math.round((estimate.seconds / realized.seconds) * 100) / 100,
    },
    covariateShift: {
      stream:
        'covariateShiftStream({ n: 105000, seed: 3 }): windows of 1,000 rows after 5,000 reference rows',
      windows: tracked.length,
      meanAbsoluteError: Math.round(meanAbsoluteError * 1e4) / 1e4,
      bandCoverage: coverage,
      realizedAccuracy: realizedRange.map((v) => Math.round(v * 1e4) / 1e4),
    },
  },
);
