import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { BacktestInputError } from '../../backtest/backtest-error.js';
import type { HistoryOptions } from '../../backtest/history.js';
import type { ReplayEvent } from '../../backtest/replay.js';
import { backtest } from '../../backtest/run-backtest.js';
import { SPAM_STREAM_START, spamAssassin, spamAssassinCsv } from '../../datasets/spam-assassin.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { ReplayBars } from '../replay-bars.js';
import { backtestSummary } from './backtest.js';

interface DemoFlags {
  dataset: DemoDataset;
  data?: string;
  policy?: string;
  store: string;
  port: string;
  days?: string;
  pace: string;
  exit?: boolean;
}

const DAY = 86_400_000;

type DemoDataset = 'elec2' | 'spam';

/** What each demo replays: its data, its policy, how its history is read and what the intro says. */
const DEMOS: Record<
  DemoDataset,
  {
    data: () => string;
    policy: string;
    history: Omit<HistoryOptions, 'limit'>;
    trainDays: number;
    /** Rows of the first `days` days after the training span. */
    rowsFor(days: number): number;
    intro(rows: number): string;
  }
> = {
  elec2: {
    data: () => 'data/elec2.csv',
    policy: 'examples/elec2/scheduled.yaml',
    history: { label: 'class', step: 30 * 60_000, start: Date.UTC(1996, 4, 7) },
    trainDays: 28,
    rowsFor: (days) => (28 + days) * 48,
    intro: (rows) =>
      `Elec2: ${rows.toLocaleString('en')} half-hours of the NSW electricity market (May 1996 – Dec 1998) replayed on a simulated clock through a Steward server; labels arrive a day late.`,
  },
  spam: {
    data: () => spamAssassinCsv(),
    policy: 'examples/spam/daily.yaml',
    history: { label: 'label', time: 'time' },
    trainDays: 42,
    rowsFor: (days) => {
      // Days count from the first message of the stream, as the training span does.
      const stream = spamAssassin().filter((e) => e.time >= SPAM_STREAM_START);
      const end = (stream[0]?.time ?? SPAM_STREAM_START) + (42 + days) * DAY;
      return stream.filter((e) => e.time < end).length;
    },
    intro: (rows) =>
      `SpamAssassin: ${rows.toLocaleString('en')} e-mails (June 2002 – July 2003) replayed as they arrived through a Steward server, each scored spam or ham from its subject and body; labels arrive a day late.`,
  },
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function describeEvent(event: ReplayEvent): string {
  if (event.kind === 'check') {
    const mark = event.status === 'ok' ? '✓' : event.status === 'warning' ? '!' : '✗';
    return `[${day(event.time)}] ${mark} check ${event.check} ${event.status}: ${event.message}`;
  }
  if (event.kind === 'rollout')
    return `[${day(event.time)}] ${event.mode} rollout of version ${event.version} ${event.status}: ${event.summary}`;
  const { run } = event;
  const trigger =
    run.trigger.kind === 'check' ? `check ${run.trigger.check}` : (run.trigger.reason ?? run.trigger.kind);
  return `[${day(event.time)}] update run ${run.id.slice(0, 8)} (${trigger}) ${run.status}: ${run.outcome ?? ''}`;
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'backtest a maintenance policy on Elec2 (or SpamAssassin, --dataset spam) through a live Steward server and dashboard: checks, updates, gate, promotions',
    )
    .addOption(
      new Option('--dataset <name>', 'the stream: Elec2 (tabular) or SpamAssassin (text)')
        .choices(['elec2', 'spam'])
        .default('elec2'),
    )
    .option(
      '--data <csv>',
      "the dataset's CSV (default data/elec2.csv; spam: written from the dev dependency)",
    )
    .option(
      '--policy <steward.yaml>',
      'the maintenance policy (default examples/elec2/scheduled.yaml, spam: examples/spam/daily.yaml)',
    )
    .option('--store <dir>', "the replays' stores (recreated)", '.steward/demo')
    .option(
      '--port <n>',
      'port of the server and dashboard (0: any free one)',
      process.env.STEWARD_PORT ?? '8080',
    )
    .option('--days <n>', 'replay only this many days after the training days (default: all)')
    .option('--pace <ms>', 'pause after each replayed day, to watch the dashboard', '0')
    .option('--exit', 'stop the server after the summary (for scripts and CI)')
    .action(async (flags: DemoFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(`--port must be 0-65535, got ${flags.port}`);
      const days = flags.days === undefined ? undefined : Number(flags.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0))
        throw new CliError(`--days must be a positive integer, got ${flags.days}`);
      const pace = Number(flags.pace);
      if (!(pace >= 0)) throw new CliError(`--pace must be a number of milliseconds, got ${flags.pace}`);

      const demo = DEMOS[flags.dataset];
      const policy = flags.policy ?? demo.policy;
      const out = (line: string) => io.stdout.write(`${line}\n`);
      const bars = io.progress?.isTTY ? new ReplayBars(io.progress, 'days') : undefined;
      const lastTenth = new Map<string, number>();
      let primary = '';
      const intro: string[] = [];
      let result: Awaited<ReturnType<typeof backtest>>;
      try {
        result = await backtest({
          data: flags.data ?? demo.data(),
          history: {
            ...demo.history,
            ...(days !== undefined ? { limit: demo.rowsFor(days) } : {}),
          },
          delay: { ms: DAY },
          cadence: { ms: DAY },
          train: { ms: demo.trainDays * DAY },
          policies: [policy],
          storeDir: resolve(flags.store),
          jobs: 2,
          serve: {
            port,
            ...(pace > 0 ? { paceMs: pace } : {}),
            onListening: (url) => {
              out(`Steward demo — dashboard: ${url}/ (it updates while the replay runs)`);
              for (const line of intro) out(line);
            },
          },
          onPrepared: (prepared) => {
            primary = prepared.policies[0]?.name ?? '';
            intro.push(demo.intro(prepared.history.rows));
            intro.push(
              `Version 1: ${prepared.policies[0]?.initial.kind} on the first ${demo.trainDays} days. Policy ${primary}: ${prepared.policies[0]?.description}.`,
            );
            const ungated = prepared.replays.find((r) => r.name === 'scheduled-ungated');
            intro.push(
              `Each day: the labels that arrived, the maintenance loop (checks on closed windows, due update runs, gate), then the day’s rows through POST /predict.${ungated ? ` Beside it, ${ungated.description} replays in a second process.` : ''}\n`,
            );
          },
          onEvent: (name, event) => {
            if (name !== primary) return;
            const line = describeEvent(event);
            if (bars) bars.log(line);
            else out(line);
          },
          onProgress: (name, p) => {
            if (bars) bars.update(name, p);
            else if (name === primary) {
              const tenth = Math.floor((10 * p.ticks) / p.totalTicks);
              if (tenth > (lastTenth.get(name) ?? 0)) {
                lastTenth.set(name, tenth);
                out(`… ${p.ticks}/${p.totalTicks} days replayed`);
              }
            }
          },
        });
      } catch (error) {
        if (error instanceof BacktestInputError)
          throw new CliError(
            `${error.message} (run the demo from the Steward checkout, or pass --data / --policy)`,
          );
        throw error;
      } finally {
        bars?.stop();
      }
      const { report, server } = result;
      out('');
      io.stdout.write(backtestSummary(report));
      if (!server) return;
      if (flags.exit) {
        await server.close();
        return;
      }
      out(
        `\nDashboard: ${server.url}/ (store ${result.storeDir}). The server keeps running; Ctrl-C stops it.`,
      );
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', () => resolveStop());
        process.once('SIGTERM', () => resolveStop());
      });
      await server.close();
    });
}
