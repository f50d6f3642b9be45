// What maintenance buys, on real streams: each replayed by `steward backtest` (the real server and loop on a
// simulated clock) with its policies beside the four delay-matched baselines. Results: bench/results/efficacy.json;
// the README's tables are written from it by scripts/readme-efficacy.ts.
//   npm run bench:efficacy               (BENCH_STREAMS=elec2,seattle-weather to pick streams)

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BacktestReport, backtest } from '../../packages/server/src/backtest/run-backtest.js';
import { backtestSummary } from '../../packages/server/src/cli/commands/backtest.js';
import { root, writeResults } from '../lib.js';
import { STREAMS } from './streams.js';

interface StreamResult {
  stream: string;
  title: string;
  command: string;
  /** When this stream was replayed (a run of some streams keeps the others' results, with their dates). */
  date?: string;
  report: Omit<BacktestReport, 'windows'>;
}

const wanted = process.env.BENCH_STREAMS?.split(',');
const resultsFile = join(root, 'bench/results/efficacy.json');
const previous = new Map<string, StreamResult>();
if (wanted && existsSync(resultsFile)) {
  const file = JSON.parse(readFileSync(resultsFile, 'utf8')) as { date: string; streams: StreamResult[] };
  for (const s of file.streams) previous.set(s.stream, { ...s, date: s.date ?? file.date });
}
const reports: StreamResult[] = [];
for (const stream of STREAMS) {
  if (wanted && !wanted.includes(stream.name)) {
    const kept = previous.get(stream.name);
    if (kept) reports.push(kept);
    continue;
  }
  console.log(`\n== ${stream.title}`);
  const { report } = await backtest(stream.options);
  const { windows: _windows, ...summary } = { ...report, data: relative(root, report.data) };
  reports.push({
    stream: stream.name,
    title: stream.title,
    command: stream.command,
    date: new Date().toISOString(),
    report: summary,
  });
  console.log(backtestSummary(report));
}

writeResults(
  'efficacy',
  {
    reference:
      'each policy against the delay-matched baselines of the same run: static (its version 1), no-change and seasonal naive (labels as late as the policy gets them), and its learner retrained weekly without a gate',
  },
  { streams: reports },
);
