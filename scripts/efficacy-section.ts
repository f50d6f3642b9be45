import { readFileSync } from 'node:fs';
import { reportTable, verdict } from '../packages/server/src/backtest/report-table.js';
import type { BacktestReport } from '../packages/server/src/backtest/run-backtest.js';

export interface EfficacyStream {
  stream: string;
  title: string;
  command: string;
  report: Omit<BacktestReport, 'windows'>;
}

export function readEfficacy(): { date: string; streams: EfficacyStream[] } {
  return JSON.parse(readFileSync(new URL('../bench/results/efficacy.json', import.meta.url), 'utf8'));
}

/** A stream's README section: its settings, the table and the verdict, as rendered from the bench's results. */
export function efficacySection(stream: EfficacyStream): string {
  const r = stream.report as BacktestReport;
  return [
    `${r.rows.toLocaleString('en')} rows scored, ${r.rowOrder ? 'in row order (no time column)' : `${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}`}; labels ${r.delay} late, the policy acts every ${r.cadence}, version 1 on the first ${r.train}; ${r.period ? `seasonal naive with a ${r.period} season` : 'no seasonal baseline'}.`,
    '',
    reportTable(r).trimEnd(),
    '',
    ...verdict(r).map((line) => `${line}`),
    '',
  ].join('\n');
}
