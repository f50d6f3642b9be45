import type { ChildProcess } from 'node:child_process';
import { killed, startSteward } from './processes.js';

export interface ServerProcess {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const LISTENING = /listening on (http:\/\/[^\s]+)/;

/** Starts `steward serve` (the built CLI) on a free port and resolves once it listens. */
export async function startServer(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const { child, output } = await startSteward(
    ['serve', '--port', '0', '--check-interval', '1h', ...args],
    env,
    LISTENING,
    nodeArgs,
  );
  return {
    url: (LISTENING.exec(output()) as RegExpExecArray)[1] as string,
    process: child,
    output,
    stop: (signal = 'SIGTERM') => killed(child, signal),
  };
}
