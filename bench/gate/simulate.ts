// The promotion gate's power and false-promotion rate, by simulation through the gate itself (evaluateGate): paired
// held-out outcomes of production and a candidate whose accuracy differs by a known amount, with 12 % of rows
// discordant (what Elec2's daily runs show), at the held-out sizes a policy gives it (48 rows: the one day of labels
// a daily refit leaves unseen; 270: 20 % of 28 days; 1,000 and 3,000). Reference, same run: the normal
// approximation of the same probability (ratio = simulated / approximated). Then the sequential test the gate does
// not use yet (sequentialPairedTest, a mixture SPRT, looked at after every row, promote at evidence 1/alpha = 20,
// reject early at the same evidence of a loss, reject at the maximum sample): its promotions and rows to decision.
// Results: bench/results/gate.json.          npx tsx bench/gate/simulate.ts
import { normalCdf, normalSf, seededRandom, sequentialPairedTest } from '@steward/core';
import { parseModelSpec } from '../../packages/server/src/spec/model-spec.js';
import { ELEC2_MODEL } from '../../packages/server/src/testing/elec2.js';
import { evaluateGate, type GateOptions } from '../../packages/server/src/update/gate.js';
import { writeResults } from '../lib.js';

const spec = parseModelSpec(ELEC2_MODEL);
const DISCORDANT = 0.12;
const TRIALS = Number(process.env.BENCH_TRIALS ?? 1000);
const sizes = [48, 270, 1000, 3000];
const differences = [0.02, 0, -0.02, -0.05];
const modes: Array<{ name: string; options: GateOptions }> = [
  { name: 'superiority', options: { mode: 'superiority' } },
  { name: 'nonInferiority 0.01', options: { mode: 'nonInferiority', margin: 0.01 } },
  { name: 'nonInferiority 0.02', options: { mode: 'nonInferiority', margin: 0.02 } },
  { name: 'notWorse 0.01', options: { mode: 'notWorse', margin: 0.01 } },
  { name: 'notWorse 0.02', options: { mode: 'notWorse', margin: 0.02 } },
];

// Normal approximation of P(promote): the observed difference d ~ N(Δ, (q − Δ²)/n), q the discordant share.
function approximated(options: GateOptions, n: number, delta: number): number {
  const se = Math.sqrt((DISCORDANT - delta * delta) / n);
  const z = 1.6448536269514722;
  const margin = options.margin ?? 0;
  if (options.mode === 'superiority') return normalSf((z * Math.sqrt(DISCORDANT / n) - delta) / se);
  if (options.mode === 'nonInferiority') return normalSf((-margin + z * se - delta) / se);
  return 1 - normalCdf((-margin - z * se - delta) / se);
}

const random = seededRandom(2026);
const results = [];
for (const n of sizes) {
  for (const delta of differences) {
    const onlyCandidate = (DISCORDANT + delta) / 2;
    for (const { name, options } of modes) {
      let promoted = 0;
      for (let t = 0; t < TRIALS; t++) {
        const labels: number[] = [];
        const production: number[] = [];
        const candidate: number[] = [];
        for (let i = 0; i < n; i++) {
          const y = random() < 0.42 ? 1 : 0;
          const u = random();
          // Only the candidate right with (q + Δ)/2, only production with (q − Δ)/2; of the rest, 76 % of all
          // rows both right and the others both wrong.
          const [p, c] =
            u < onlyCandidate
              ? [false, true]
              : u < DISCORDANT
                ? [true, false]
                : u < DISCORDANT + 0.76
                  ? [true, true]
                  : [false, false];
          labels.push(y);
          production.push(p ? y : 1 - y);
          candidate.push(c ? y : 1 - y);
        }
        if (evaluateGate(spec, labels, { output: production }, { output: candidate }, options).promote)
          promoted++;
      }
      const simulated = promoted / TRIALS;
      const approx = approximated(options, n, delta);
      results.push({ mode: name, rows: n, trueDifference: delta, promoted: simulated, approximated: approx });
      console.log(
        `${name.padEnd(20)} rows ${String(n).padStart(4)}  true Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(2)}  promoted ${(100 * simulated).toFixed(1).padStart(5)} %  (normal approximation ${(100 * approx).toFixed(1)} %)`,
      );
    }
  }
}

// The sequential test on live paired rows: how often it promotes within a maximum sample, and how soon it decides.
const SEQUENTIAL_TRIALS = Number(process.env.BENCH_SEQUENTIAL_TRIALS ?? 400);
const threshold = Math.log(20);
const sequential = [];
for (const maxRows of [1000, 3000, 10000]) {
  for (const delta of differences) {
    const onlyCandidate = (DISCORDANT + delta) / 2;
    let promoted = 0;
    let decidedRows = 0;
    for (let t = 0; t < SEQUENTIAL_TRIALS; t++) {
      let gained = 0;
      let lost = 0;
      let rows = maxRows;
      for (let i = 1; i <= maxRows; i++) {
        const u = random();
        if (u >= DISCORDANT) continue;
        if (u < onlyCandidate) gained++;
        else lost++;
        const r = sequentialPairedTest(gained, lost);
        if (r.logEvidenceBetter >= threshold) {
          promoted++;
          rows = i;
          break;
        }
        if (r.logEvidenceWorse >= threshold) {
          rows = i;
          break;
        }
      }
      decidedRows += rows;
    }
    const entry = {
      maxRows,
      trueDifference: delta,
      promoted: promoted / SEQUENTIAL_TRIALS,
      meanRowsToDecision: Math.round(decidedRows / SEQUENTIAL_TRIALS),
    };
    sequential.push(entry);
    console.log(
      `sequential (mSPRT)   max rows ${String(maxRows).padStart(5)}  true Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(2)}  promoted ${(100 * entry.promoted).toFixed(1).padStart(5)} %  after ${entry.meanRowsToDecision} rows on average`,
    );
  }
}

writeResults(
  'gate',
  {
    reference:
      'the normal approximation of the same promotion probability; simulated through evaluateGate, 12 % discordant rows, onlyCandidate − onlyProduction = the true difference',
  },
  { trials: TRIALS, discordant: DISCORDANT, results, sequentialTrials: SEQUENTIAL_TRIALS, sequential },
);
