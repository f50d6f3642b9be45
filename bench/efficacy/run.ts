// What maintenance buys, on real streams: each replayed by `steward backtest` (the real server and loop on a
// simulated clock) with its policies beside the four delay-matched baselines. Results: bench/results/efficacy.json;
// the README's tables are written from it by scripts/readme-efficacy.ts.
//   npm run bench:efficacy               (BENCH_STREAMS=elec2,seattle-weather to pick streams)

import { relative } from 'node:path';
import { type BacktestReport, backtest } from '../../packages/server/src/backtest/run-backtest.js';
import { backtestSummary } from '../../packages/server/src/cli/commands/backtest.js';
import { root, writeResults } from '../lib.js';
import { STREAMS } from './streams.js';

const wanted = process.env.BENCH_STREAMS?.split(',');
const reports: Array<{
  stream: string;
  title: string;
  command: string;
  report: Omit<BacktestReport, 'windows'>;
}> = [];
for (const stream of STREAMS) {
  if (wanted && !wanted.includes(stream.name)) continue;
  console.log(`\n== ${stream.title}`);
  const { report } = await backtest(stream.options);
  const { windows: _windows, ...summary } = { ...report, data: relative(root, report.data) };
  reports.push({ stream: stream.name, title: stream.title, command: stream.command, report: summary });
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
