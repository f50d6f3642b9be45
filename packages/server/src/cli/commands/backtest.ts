import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { BacktestInputError } from '../../backtest/backtest-error.js';
import { TIME_FEATURES, type TimeFeature } from '../../backtest/history.js';
import { renderBacktestHtml } from '../../backtest/report-html.js';
import { estimationSummary, reportTable, verdict } from '../../backtest/report-table.js';
import { type BacktestOptions, type BacktestReport, backtest } from '../../backtest/run-backtest.js';
import { describeSpan, parseSpan } from '../../backtest/span.js';
import { parseDuration } from '../../spec/duration.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { ReplayBars } from '../replay-bars.js';

interface BacktestFlags {
  data: string;
  label: string;
  time?: string;
  step?: string;
  start?: string;
  features?: string;
  categorical?: string;
  text?: string;
  timeFeatures?: string;
  id?: string;
  task?: 'binary' | 'multiclass' | 'regression';
  delay: string;
  cadence?: string;
  train?: string;
  policy: string[];
  ungated: boolean;
  period?: string;
  seasons?: string;
  json?: boolean;
  html?: string;
  store?: string;
  jobs?: string;
  rows?: string;
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Turns the flags into backtest options; a bad flag is a BacktestInputError naming it. */
export function backtestOptions(flags: BacktestFlags): BacktestOptions {
  if (flags.time !== undefined && flags.step !== undefined)
    throw new BacktestInputError(
      '--step',
      '--step is for histories without a time column: give --time or --step',
    );
  let step: number | undefined;
  if (flags.step !== undefined) {
    step = parseDuration(flags.step);
    if (!step)
      throw new BacktestInputError('--step', `--step must be a duration such as 30m, got "${flags.step}"`);
  }
  let start: number | undefined;
  if (flags.start !== undefined) {
    start = Date.parse(/T|Z|[+-]\d\d:?\d\d$/.test(flags.start) ? flags.start : `${flags.start}T00:00:00Z`);
    if (Number.isNaN(start))
      throw new BacktestInputError('--start', `--start must be an ISO 8601 date, got "${flags.start}"`);
  }
  const timeFeatures = list(flags.timeFeatures);
  for (const f of timeFeatures ?? [])
    if (!(TIME_FEATURES as readonly string[]).includes(f))
      throw new BacktestInputError(
        '--time-features',
        `--time-features: unknown "${f}"; choose from ${TIME_FEATURES.join(', ')}`,
      );
  let period: number | undefined;
  if (flags.period !== undefined) {
    period = parseDuration(flags.period);
    if (!period)
      throw new BacktestInputError(
        '--period',
        `--period must be a duration such as 1d or 1w, got "${flags.period}"`,
      );
  }
  let seasons: number | undefined;
  if (flags.seasons !== undefined) {
    seasons = Number(flags.seasons);
    if (!Number.isInteger(seasons) || seasons < 1)
      throw new BacktestInputError(
        '--seasons',
        `--seasons must be a positive integer, got "${flags.seasons}"`,
      );
  }
  let jobs: number | undefined;
  if (flags.jobs !== undefined) {
    jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new BacktestInputError('--jobs', `--jobs must be a positive integer, got "${flags.jobs}"`);
  }
  let limit: number | undefined;
  if (flags.rows !== undefined) {
    limit = Number(flags.rows);
    if (!Number.isInteger(limit) || limit < 1)
      throw new BacktestInputError('--rows', `--rows must be a positive integer, got "${flags.rows}"`);
  }
  const features = list(flags.features);
  const categorical = list(flags.categorical);
  const text = list(flags.text);
  return {
    data: flags.data,
    history: {
      label: flags.label,
      ...(flags.time !== undefined ? { time: flags.time } : {}),
      ...(step !== undefined ? { step } : {}),
      ...(start !== undefined ? { start } : {}),
      ...(features ? { features } : {}),
      ...(categorical ? { categorical } : {}),
      ...(text ? { text } : {}),
      ...(timeFeatures ? { timeFeatures: timeFeatures as TimeFeature[] } : {}),
      ...(flags.id !== undefined ? { id: flags.id } : {}),
      ...(flags.task ? { task: flags.task } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
    delay: parseSpan('--delay', flags.delay, true),
    ...(flags.cadence !== undefined ? { cadence: parseSpan('--cadence', flags.cadence) } : {}),
    ...(flags.train !== undefined ? { train: parseSpan('--train', flags.train) } : {}),
    policies: flags.policy,
    ungated: flags.ungated,
    ...(period !== undefined ? { period } : {}),
    ...(seasons !== undefined ? { seasons } : {}),
    ...(flags.store !== undefined ? { storeDir: flags.store } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
  };
}

/** The closing text: what was replayed, the table, and who wins. */
export function backtestSummary(report: BacktestReport): string {
  return [
    `Backtest of ${report.data}: ${report.rows.toLocaleString('en')} rows scored (${report.rowOrder ? 'in row order, no time column' : `${report.from.slice(0, 10)} – ${report.to.slice(0, 10)}`}), ${report.trainRows.toLocaleString('en')} trained version 1; ${report.task} label ${report.label}; labels ${report.delay} late, the policy acts every ${report.cadence}.`,
    '',
    reportTable(report),
    ...verdict(report),
    ...estimationSummary(report),
    '',
  ].join('\n');
}

export function registerBacktest(program: Command, io: CliIo): void {
  program
    .command('backtest')
    .description(
      'replay a labelled history through the real maintenance loop, against baselines with the same label delay',
    )
    .requiredOption('--data <file>', 'the history: CSV (header row), Parquet or Arrow, in time order')
    .requiredOption(
      '--label <column>',
      'the label column, or a threshold on a numeric column such as "delay>15"',
    )
    .option('--time <column>', 'the time column (ISO 8601, Parquet/Arrow timestamps, epoch s or ms)')
    .option('--step <duration>', 'no time column: rows are in order, one every step (such as 30m)')
    .option('--start <date>', 'with --step: the first row’s time (default 1970-01-01)')
    .option('--features <columns>', 'comma-separated feature columns (default: all but label, time and id)')
    .option('--categorical <columns>', 'columns to read as categories even when they hold numbers')
    .option(
      '--text <columns>',
      'columns to read as text, learnt as hashed n-grams (default: string columns of long values)',
    )
    .option('--time-features <names>', `derived from the time: ${TIME_FEATURES.join(', ')}`)
    .option('--id <column>', 'a column of unique row ids (default the row number)')
    .addOption(
      new Option('--task <task>', 'override the task read from the label').choices([
        'binary',
        'multiclass',
        'regression',
      ]),
    )
    .option('--delay <span>', 'labels arrive this long after their prediction: a duration or rows', '0')
    .option('--cadence <span>', 'how often the policy may act (update runs, rollouts): a duration or rows')
    .option(
      '--train <span>',
      'version 1 trains on this first stretch, which nothing scores (default 10% of rows)',
    )
    .option(
      '--policy <steward.yaml>',
      'a maintenance policy (one model spec with its update policy); repeat to compare several',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--no-ungated', 'do not replay the "retrain on a schedule, no gate" baseline')
    .option('--period <duration>', 'seasonal naive: the season (default: detected on the training span)')
    .option('--seasons <n>', 'seasonal naive: combine the last n known seasons (default 1)')
    .option('--json', 'print the report as one JSON object')
    .option('--html <file>', 'write an HTML report with the metric of every strategy over time')
    .option('--store <dir>', "keep the replays' stores here (default: a temporary folder, removed)")
    .option('--jobs <n>', 'replays at a time (default: one per core)')
    .option('--rows <n>', 'replay only the first n rows of the history')
    .addHelpText(
      'after',
      '\nExample:\n  steward backtest --data data/elec2.csv --label class --step 30m --start 1996-05-07 --delay 1d --cadence 1d --train 28d --policy data/elec2.steward.yaml',
    )
    .action(async (flags: BacktestFlags) => {
      const result = await runBacktest(flags, io);
      if (flags.html) writeFileSync(flags.html, renderBacktestHtml(result));
      io.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : backtestSummary(result));
      if (flags.html && !flags.json) io.stdout.write(`HTML report: ${flags.html}\n`);
    });
}

async function runBacktest(flags: BacktestFlags, io: CliIo): Promise<BacktestReport> {
  try {
    const options = backtestOptions(flags);
    const bars = io.progress?.isTTY ? new ReplayBars(io.progress) : undefined;
    try {
      const { report } = await backtest({
        ...options,
        ...(io.progress ? { progress: io.progress } : {}),
        onPrepared: (prepared) => {
          if (!bars)
            io.stderr.write(
              `replaying ${prepared.replays.map((r) => r.name).join(', ')}: ${prepared.timeline.ticks.length} steps of ${describeSpan(prepared.timeline.cadence)} each\n`,
            );
        },
        onProgress: (name, p) => bars?.update(name, p),
      });
      return report;
    } finally {
      bars?.stop();
    }
  } catch (error) {
    if (error instanceof BacktestInputError) throw new CliError(error.message);
    throw error;
  }
}
