import { resolve } from 'node:path';
import { MultiBar } from 'cli-progress';
import type { Command } from 'commander';
import { readElec2 } from '../../demo/elec2-data.js';
import { type ReplayEvent, type ReplaySummary, replayElec2 } from '../../demo/elec2-replay.js';
import { startReplayServer } from '../../demo/replay-server.js';
import { REPLAY_STRATEGIES } from '../../demo/replay-strategies.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

interface DemoFlags {
  data: string;
  db: string;
  port: string;
  strategy: string;
  days?: string;
  pace: string;
  exit?: boolean;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function describeEvent(event: ReplayEvent): string {
  if (event.kind === 'check') {
    const mark = event.status === 'ok' ? '✓' : event.status === 'warning' ? '!' : '✗';
    return `[${day(event.time)}] ${mark} check ${event.check} ${event.status}: ${event.message}`;
  }
  const { run } = event;
  const trigger =
    run.trigger.kind === 'check' ? `check ${run.trigger.check}` : (run.trigger.reason ?? run.trigger.kind);
  return `[${day(event.time)}] update run ${run.id.slice(0, 8)} (${trigger}) ${run.status}: ${run.outcome ?? ''} [${(event.cpuMs / 1000).toFixed(2)} s CPU]`;
}

/** The closing table: what maintenance bought, beside the static model and the no-change baseline. */
export function summaryTable(summary: ReplaySummary): string {
  const u = summary.updates;
  const rows: Array<[string, number, string]> = [
    ['static version 1', summary.accuracy.static, 'never updated'],
    [
      'maintained by Steward',
      summary.accuracy.maintained,
      `${u.promoted} of ${u.runs} update runs promoted (${u.rejected} rejected by the gate, ${u.skipped} skipped, ${u.failed} failed); ${(summary.updateCpuMs / 1000).toFixed(1)} s CPU; production is v${summary.productionVersion}`,
    ],
    ['no-change baseline', summary.accuracy.noChange, 'predicts the previous half-hour’s label'],
  ];
  const lines = [
    `Prequential accuracy over ${summary.rows.toLocaleString('en')} replayed half-hours (${summary.days} days):`,
    '',
    `  ${'model'.padEnd(24)}${'accuracy'.padStart(9)}  notes`,
    ...rows.map(([name, value, note]) => `  ${name.padEnd(24)}${value.toFixed(4).padStart(9)}  ${note}`),
    '',
    'Published (data/README.md): no-change ≈ 0.85; adaptive random forests 0.88–0.89 (test-then-train, labels at once).',
  ];
  return `${lines.join('\n')}\n`;
}

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'replay Elec2 as live production traffic through a Steward server: checks, updates, gate, promotions',
    )
    .option('--data <csv>', 'the Elec2 CSV', 'data/elec2.csv')
    .option('--db <file>', 'SQLite file for the demo (recreated)', '.steward/demo.db')
    .option(
      '--port <n>',
      'port of the server and dashboard (0: any free one)',
      process.env.STEWARD_PORT ?? '8080',
    )
    .option(
      '--strategy <name>',
      `how the model is kept up to date: ${Object.keys(REPLAY_STRATEGIES).join(', ')}`,
      'drift-retrain',
    )
    .option('--days <n>', 'replay only this many days (default: all of the stream)')
    .option('--pace <ms>', 'pause after each replayed day, to watch the dashboard', '0')
    .option('--exit', 'stop the server after the summary (for scripts and CI)')
    .action(async (flags: DemoFlags) => {
      const strategy = REPLAY_STRATEGIES[flags.strategy];
      if (!strategy)
        throw new CliError(
          `--strategy must be one of ${Object.keys(REPLAY_STRATEGIES).join(', ')}, got "${flags.strategy}"`,
        );
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(`--port must be 0-65535, got ${flags.port}`);
      const days = flags.days === undefined ? undefined : Number(flags.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0))
        throw new CliError(`--days must be a positive integer, got ${flags.days}`);
      const pace = Number(flags.pace);
      if (!(pace >= 0)) throw new CliError(`--pace must be a number of milliseconds, got ${flags.pace}`);
      let rows: ReturnType<typeof readElec2>;
      try {
        rows = readElec2(flags.data);
      } catch (error) {
        throw new CliError(
          `${(error as Error).message} (run the demo from the Steward checkout, or pass --data)`,
        );
      }
      const db = resolve(flags.db);
      let server: Awaited<ReturnType<typeof startReplayServer>>;
      try {
        server = await startReplayServer({ db, artifactDir: resolve(db, '..', 'demo-artifacts'), port });
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const out = (line: string) => io.stdout.write(`${line}\n`);
      out(`Steward demo — dashboard: ${server.url}/ (it updates while the replay runs)`);
      out(
        `Elec2: ${rows.length.toLocaleString('en')} half-hours of the NSW electricity market, May 1996 – Dec 1998, replayed as production traffic on a simulated clock.`,
      );
      out(
        `Version 1: ${strategy.initial} trained on the first 28 days. Maintenance: ${strategy.description}.`,
      );
      out(
        'Each day: predictions through POST /predict, the previous day’s labels, checks on closed windows, due update runs.\n',
      );

      const tty = io.progress?.isTTY === true;
      const bars = tty
        ? new MultiBar({
            format:
              'replay [{bar}] {value}/{total} days | accuracy so far {accuracy} | v{version} | {eta_formatted} left',
            stream: io.progress,
            hideCursor: true,
          })
        : undefined;
      let bar: ReturnType<MultiBar['create']> | undefined;
      let lastTenth = 0;
      const summary = await replayElec2({
        app: server.app,
        client: server.client,
        rows,
        strategy,
        drift: true,
        paceMs: pace,
        ...(days !== undefined ? { days } : {}),
        onEvent: (event) => {
          const line = describeEvent(event);
          if (bars) bars.log(`${line}\n`);
          else out(line);
        },
        onDay: (done, total, s) => {
          if (bars) {
            bar ??= bars.create(total, 0, { accuracy: '—', version: 1 });
            const accuracy = Number.isNaN(s.accuracy.maintained) ? '—' : s.accuracy.maintained.toFixed(3);
            bar.update(done, { accuracy, version: s.productionVersion ?? '—' });
          } else if (Math.floor((10 * done) / total) > lastTenth) {
            lastTenth = Math.floor((10 * done) / total);
            out(`… ${done}/${total} days replayed`);
          }
        },
      }).finally(() => bars?.stop());

      out('');
      io.stdout.write(summaryTable(summary));
      if (flags.exit) {
        await server.close();
        return;
      }
      server.app.context.worker.start(1000);
      out(`\nThe server keeps running: ${server.url}/ (store ${db}). Ctrl-C stops it.`);
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      server.app.context.worker.stop();
      await server.app.context.worker.idle();
      await server.close();
    });
}
