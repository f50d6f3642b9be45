import { StewardInputError } from '@steward/core';
import { Command, CommanderError } from 'commander';
import { BacktestInputError } from '../backtest/backtest-error.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerDrift } from './commands/drift.js';
import { registerEval } from './commands/eval.js';
import { registerIngest } from './commands/ingest.js';
import { registerInit } from './commands/init.js';
import { registerRegistry, registerUpdates } from './commands/registry.js';
import { registerApply, registerServe, registerWorker } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerTune } from './commands/tune.js';
import { describeSystemError } from './system-errors.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

// Commander's own exits that are not errors.
const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** The CLI; `first` is the first word of the command line: a usage error points to its `--help` when it is a command. */
export function createProgram(io: CliIo, first = ''): Command {
  let help = '';
  const program = new Command('steward')
    .description('Steward keeps deployed machine-learning models healthy.')
    .version(VERSION)
    .option('--debug', 'print the stack trace of an unexpected error')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // One line, in the house style: `steward: <what> — <what to do>`.
      outputError: (s, write) =>
        write(
          `steward: ${s
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} — see \`steward ${help}--help\`\n`,
        ),
    });
  registerInit(program, io);
  registerEval(program, io);
  registerDrift(program, io);
  registerTune(program, io);
  registerServe(program, io);
  registerBacktest(program, io);
  registerDemo(program, io);
  registerWorker(program, io);
  registerApply(program, io);
  registerDoctor(program, io);
  registerIngest(program, io);
  registerToken(program, io);
  registerRegistry(program, io);
  registerUpdates(program, io);
  const inherit = (command: Command) => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    command.showSuggestionAfterError();
    for (const sub of command.commands) inherit(sub);
  };
  for (const command of program.commands) inherit(command);
  if (program.commands.some((c) => c.name() === first)) help = `${first} `;
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code; never throws. Exit 0 on success, 2
 * for usage and input errors (a flag, a file, a value), 1 for runtime failures; one line on stderr, the stack only
 * with `--debug`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(
    io,
    argv.find((a) => !a.startsWith('-')),
  );
  const debug = argv.includes('--debug') || process.env.STEWARD_DEBUG === '1';
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return CLEAN_EXITS.has(error.code) ? 0 : 2;
    if (error instanceof CliError) {
      io.stderr.write(`steward: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof StewardInputError || error instanceof BacktestInputError) {
      io.stderr.write(`steward: ${error.message}\n`);
      return 2;
    }
    const known = describeSystemError(error);
    io.stderr.write(`steward: ${known ?? (error as Error).message ?? String(error)}\n`);
    if (debug) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    else if (!known) io.stderr.write('(run again with --debug for the stack trace)\n');
    return known ? 2 : 1;
  }
}
