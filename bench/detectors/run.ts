// Updates per second of each drift detector on a 10^7-value stream, beside a plain summing loop over the same
// array (the ceiling: no detector can read its input faster). Results: bench/results/detectors.json.
//   npm run bench:detectors
import { ADWIN, DDM, type DriftDetector, EDDM, HDDM_A, HDDM_W, KSWIN, PageHinkley } from '@steward/core';
import { best, seeded, writeResults } from '../lib.js';

const N = Number(process.env.BENCH_N ?? 10_000_000);
const random = seeded(7);
// A classifier's error stream (1 = error): 20% errors, rising to 35% halfway. Real-valued detectors get a
// unit-variance Gaussian stream whose mean steps up by 1 halfway.
const errors = new Float64Array(N);
const values = new Float64Array(N);
for (let i = 0; i < N; i++) {
  errors[i] = random() < (i < N / 2 ? 0.2 : 0.35) ? 1 : 0;
  values[i] = (i < N / 2 ? 0 : 1) + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function sum(data: Float64Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] as number;
  return s;
}

type Feed = (detector: DriftDetector, data: Float64Array, n: number) => number;

/**
 * A feeding loop of its own for each detector, as in an application that uses one detector type: a loop shared
 * by all seven would see seven classes at one call site and V8 would stop inlining `update`.
 */
function monomorphicFeed(): Feed {
  return new Function(
    'detector',
    'data',
    'n',
    'let drifts = 0; for (let i = 0; i < n; i++) if (detector.update(data[i]).drift) drifts++; return drifts;',
  ) as Feed;
}

const allDetectors: [string, () => DriftDetector, Float64Array, number | null][] = [
  ['DDM', () => new DDM(), errors, 0.2],
  ['EDDM', () => new EDDM(), errors, 0.2],
  ['HDDM_A', () => new HDDM_A(), errors, 0.2],
  ['HDDM_W', () => new HDDM_W(), errors, null],
  ['PageHinkley', () => new PageHinkley(), values, 0.2],
  ['ADWIN', () => new ADWIN(), values, null],
  ['KSWIN', () => new KSWIN({ seed: 1 }), values, null],
];

// BENCH_DETECTORS=EDDM,HDDM_A times only those (results are then printed, not saved).
const only = process.env.BENCH_DETECTORS?.split(',');
const detectors = only ? allDetectors.filter(([name]) => only.includes(name)) : allDetectors;

sum(values);
const ceiling = best(5, () => sum(values));
const ceilingRate = N / ceiling.seconds;
console.log(`summing loop   ${(ceilingRate / 1e6).toFixed(0)} M values/s (ceiling)`);
const results: Record<string, unknown>[] = [];
for (const [name, make, data, goalShare] of detectors) {
  // KSWIN runs a KS test on every value: time it on a tenth of the stream.
  const n = name === 'KSWIN' ? Math.floor(N / 100) : N;
  const feed = monomorphicFeed();
  // Warm up on whole runs, as a long-running server would be: a short warm-up run never sees a drift, and V8
  // then optimises the loop for a path it later leaves (deoptimise, reoptimise), which skews the first timings.
  const perValue = best(5, () => feed(make(), data, n));
  const batch = data.subarray(0, n);
  // This machine's speed drifts by tens of percent from minute to minute (shared host), so the share of the
  // ceiling is measured in pairs: a summing loop over the same values, then updateMany, nine times; the median
  // pair's ratio is the share. The rates printed are the best runs.
  const shares: number[] = [];
  let batchSeconds = Number.POSITIVE_INFINITY;
  let batchDrifts = 0;
  for (let round = 0; round < 9; round++) {
    const ceilingRun = best(1, () => sum(batch));
    const run = best(1, () => make().updateMany(batch).drifts.length);
    batchDrifts = run.value;
    batchSeconds = Math.min(batchSeconds, run.seconds);
    if (round >= 2) shares.push(ceilingRun.seconds / run.seconds); // the first two rounds warm the JIT up
  }
  shares.sort((a, b) => a - b);
  if (batchDrifts !== perValue.value) throw new Error(`${name}: updateMany and update disagree`);
  const rate = n / perValue.seconds;
  const batchRate = n / batchSeconds;
  const best2 = Math.max(rate, batchRate);
  const share = shares[shares.length >> 1] as number;
  const goal =
    goalShare !== null
      ? `>= ${goalShare * 100}% of the ceiling`
      : name === 'ADWIN'
        ? '>= 2 M updates/s'
        : null;
  const met = goalShare !== null ? share >= goalShare : name === 'ADWIN' ? best2 >= 2e6 : null;
  results.push({
    detector: name,
    values: n,
    updatesPerSecond: rate,
    updateManyPerSecond: batchRate,
    shareOfCeiling: share,
    shareOfCeilingRange: [shares[0], shares[shares.length - 1]],
    drifts: perValue.value,
    goal,
    met,
  });
  console.log(
    `${name.padEnd(12)} update ${(rate / 1e6).toFixed(1).padStart(6)} M/s  updateMany ${(batchRate / 1e6).toFixed(1).padStart(6)} M/s  ${(100 * share).toFixed(1).padStart(5)}% of ceiling  ${perValue.value} drifts${goal ? `  goal ${goal}: ${met ? 'met' : 'MISSED'}` : ''}`,
  );
}
if (!only)
  writeResults(
    'detectors',
    {},
    {
      stream: `${N} values; error stream 20% -> 35% errors at the middle, real stream N(0,1) -> N(1,1)`,
      ceiling: { updatesPerSecond: ceilingRate, what: 'plain summing loop over the same Float64Array' },
      results,
      goalsMet: results.every((r) => r.met !== false),
    },
  );
