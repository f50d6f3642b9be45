// Times @steward/core's learners against scikit-learn on the same data in the same run and prints the ratio
// (scikit-learn time / Steward time: above 1 means Steward is faster). Results: bench/results/learn.json.
//   npm run bench:learn        (needs /usr/bin/python3 with scikit-learn)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradientBoostingClassifier, LogisticRegression, SGDClassifier } from '@steward/core';
// Gradient boosting builds large histograms on a worker thread per spare core, as scikit-learn uses OpenMP.
import { defaultHelperCount } from '@steward/core/node';
import { elec2Matrix } from '../../packages/server/src/testing/datasets.js';
import { best, python, pythonVersionOf, root, seeded, writeResults } from '../lib.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const COLS = 20;
const REPEATS = 3;
const tmp = join(root, 'bench/.tmp-learn');

const random = seeded(5);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const beta = Array.from({ length: COLS }, (_, j) => (j % 2 ? 1 : -1) * (0.2 + j / COLS));
const flat = new Float64Array(ROWS * COLS);
const y = new Float64Array(ROWS);
const X: Float64Array[] = [];
for (let i = 0; i < ROWS; i++) {
  let z = 0.3;
  for (let j = 0; j < COLS; j++) {
    const v = gauss();
    flat[i * COLS + j] = v;
    z += (beta[j] as number) * v;
  }
  y[i] = random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  X.push(flat.subarray(i * COLS, (i + 1) * COLS));
}
mkdirSync(tmp, { recursive: true });
writeFileSync(join(tmp, 'X.bin'), new Uint8Array(flat.buffer));
writeFileSync(join(tmp, 'y.bin'), new Uint8Array(y.buffer));
const sk = python<Record<string, Record<string, number>>>('bench/learn/sklearn_reference.py', [
  tmp,
  String(ROWS),
  String(COLS),
  String(REPEATS),
]);
rmSync(tmp, { recursive: true, force: true });
const labels = Array.from(y);

const objective = (m: LogisticRegression) => {
  const w = m.coef?.[0] as Float64Array;
  const b = m.intercept?.[0] as number;
  let f = 0;
  for (let i = 0; i < ROWS; i++) {
    let z = b;
    for (let j = 0; j < COLS; j++) z += (w[j] as number) * (flat[i * COLS + j] as number);
    f += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] as number) * z;
  }
  for (const v of w) f += 0.5 * v * v;
  return f;
};

const results: Record<string, unknown>[] = [];
// Same stopping rule as scikit-learn's default: every component of the mean gradient below 1e-4.
const lr = best(REPEATS, () => new LogisticRegression({ tol: 1e-4 }).fit(X, labels));
const lrRef = sk.logisticRegressionFit as Record<string, number>;
results.push({
  case: `LogisticRegression fit, ${ROWS} x ${COLS}`,
  stewardSeconds: lr.seconds,
  sklearnSeconds: lrRef.seconds,
  ratio: (lrRef.seconds as number) / lr.seconds,
  stewardObjective: objective(lr.value),
  sklearnObjective: lrRef.objective,
  stewardIterations: lr.value.iterations,
  sklearnIterations: lrRef.iterations,
});

const stream = () => {
  const m = new SGDClassifier({ loss: 'log_loss', learningRate: 'constant', eta0: 0.01, seed: 0 });
  for (let start = 0; start < ROWS; start += 1000) {
    m.partialFit(X.slice(start, start + 1000), labels.slice(start, start + 1000), [0, 1]);
  }
  return m;
};
const sgd = best(REPEATS, stream);
const sgdRef = sk.sgdPartialFit as Record<string, number>;
const predicted = sgd.value.predict(X.slice(0, 100_000)) as number[];
results.push({
  case: `SGDClassifier partialFit, ${ROWS} rows in batches of 1000`,
  stewardSeconds: sgd.seconds,
  sklearnSeconds: sgdRef.seconds,
  ratio: (sgdRef.seconds as number) / sgd.seconds,
  stewardRowsPerSecond: ROWS / sgd.seconds,
  stewardAccuracy: predicted.filter((p, i) => p === labels[i]).length / predicted.length,
  sklearnAccuracy: sgdRef.accuracy,
});

const { X: elecX, y: elecY } = elec2Matrix();
const boostElec = best(REPEATS, () => new GradientBoostingClassifier({ seed: 0 }).fit(elecX, elecY));
const boostElecRef = sk.boostingElec2 as Record<string, number>;
results.push({
  case: `GradientBoostingClassifier fit, Elec2 (${elecX.length} x 6)`,
  stewardSeconds: boostElec.seconds,
  sklearnSeconds: boostElecRef.seconds,
  ratio: (boostElecRef.seconds as number) / boostElec.seconds,
  stewardIterations: boostElec.value.iterations,
  sklearnIterations: boostElecRef.iterations,
  goal: 'within 2x of HistGradientBoosting (ratio >= 0.5)',
});
const boostLarge = best(1, () => new GradientBoostingClassifier({ seed: 0 }).fit(X, labels));
const boostLargeRef = sk.boostingLarge as Record<string, number>;
const boostPredicted = boostLarge.value.predict(X.slice(0, 100_000)) as number[];
results.push({
  case: `GradientBoostingClassifier fit, ${ROWS} x ${COLS}`,
  stewardSeconds: boostLarge.seconds,
  sklearnSeconds: boostLargeRef.seconds,
  ratio: (boostLargeRef.seconds as number) / boostLarge.seconds,
  stewardIterations: boostLarge.value.iterations,
  sklearnIterations: boostLargeRef.iterations,
  stewardAccuracy: boostPredicted.filter((p, i) => p === labels[i]).length / boostPredicted.length,
  sklearnAccuracy: boostLargeRef.accuracy,
  goal: 'within 2x of HistGradientBoosting (ratio >= 0.5)',
});

for (const r of results) {
  console.log(
    `${String(r.case).padEnd(55)} steward ${(r.stewardSeconds as number).toFixed(3)}s  scikit-learn ${(r.sklearnSeconds as number).toFixed(3)}s  ratio ${(r.ratio as number).toFixed(2)}x`,
  );
}
writeResults(
  'learn',
  { sklearn: pythonVersionOf('sklearn') },
  {
    ratio: 'scikit-learn seconds / Steward seconds (best of 3, same data, same run); above 1 is faster',
    threads: `calling thread + ${defaultHelperCount()} helper(s) from @steward/core/node; scikit-learn: BLAS/OpenMP on all cores`,
    results,
    goalsMet: results.every((r) => (r.ratio as number) >= (r.goal ? 0.5 : 1)),
  },
);
