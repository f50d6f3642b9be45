import { StewardInputError } from '@steward/core';
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDemo } from './commands/demo.js';
import { registerDrift } from './commands/drift.js';
import { registerEval } from './commands/eval.js';
import { registerIngest } from './commands/ingest.js';
import { registerRegistry, registerUpdates } from './commands/registry.js';
import { registerApply, registerServe, registerWorker } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerTune } from './commands/tune.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export function createProgram(io: CliIo): Command {
  const program = new Command('steward')
    .description('Steward keeps deployed machine-learning models healthy.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerEval(program, io);
  registerDrift(program, io);
  registerTune(program, io);
  registerServe(program, io);
  registerBacktest(program, io);
  registerDemo(program, io);
  registerWorker(program, io);
  registerApply(program, io);
  registerIngest(program, io);
  registerToken(program, io);
  registerRegistry(program, io);
  registerUpdates(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr.write(`steward: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof StewardInputError) {
      io.stderr.write(`steward: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`steward: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
