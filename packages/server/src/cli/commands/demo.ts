import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BacktestInputError } from '../../backtest/backtest-error.js';
import type { ReplayEvent } from '../../backtest/replay.js';
import { backtest } from '../../backtest/run-backtest.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { ReplayBars } from '../replay-bars.js';
import { backtestSummary } from './backtest.js';

interface DemoFlags {
  data: string;
  policy: string;
  store: string;
  port: string;
  days?: string;
  pace: string;
  exit?: boolean;
}

const DAY = 86_400_000;
const ROWS_PER_DAY = 48;
const TRAIN_DAYS = 28;

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
      'backtest a maintenance policy on Elec2 through a live Steward server and dashboard: checks, updates, gate, promotions',
    )
    .option('--data <csv>', 'the Elec2 CSV', 'data/elec2.csv')
    .option('--policy <steward.yaml>', 'the maintenance policy', 'examples/elec2/scheduled.yaml')
    .option('--store <dir>', "the replays' stores (recreated)", '.steward/demo')
    .option(
      '--port <n>',
      'port of the server and dashboard (0: any free one)',
      process.env.STEWARD_PORT ?? '8080',
    )
    .option('--days <n>', 'replay only this many days after the 28 training days (default: all)')
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

      const out = (line: string) => io.stdout.write(`${line}\n`);
      const bars = io.progress?.isTTY ? new ReplayBars(io.progress, 'days') : undefined;
      const lastTenth = new Map<string, number>();
      let primary = '';
      const intro: string[] = [];
      let result: Awaited<ReturnType<typeof backtest>>;
      try {
        result = await backtest({
          data: flags.data,
          history: {
            label: 'class',
            step: 30 * 60_000,
            start: Date.UTC(1996, 4, 7),
            ...(days !== undefined ? { limit: (TRAIN_DAYS + days) * ROWS_PER_DAY } : {}),
          },
          delay: { ms: DAY },
          cadence: { ms: DAY },
          train: { ms: TRAIN_DAYS * DAY },
          policies: [flags.policy],
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
            intro.push(
              `Elec2: ${prepared.history.rows.toLocaleString('en')} half-hours of the NSW electricity market (May 1996 – Dec 1998) replayed on a simulated clock through a Steward server; labels arrive a day late.`,
            );
            intro.push(
              `Version 1: ${prepared.policies[0]?.initial.kind} on the first ${TRAIN_DAYS} days. Policy ${primary}: ${prepared.policies[0]?.description}.`,
            );
            intro.push(
              'Each day: the labels that arrived, the maintenance loop (checks on closed windows, due update runs, gate), then the day’s rows through POST /predict. Beside it, "retrain weekly without a gate" replays in a second process.\n',
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
