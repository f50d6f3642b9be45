import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BacktestInputError } from './backtest-error.js';
import type { BacktestPlan, PreparedBacktest } from './plan.js';
import { type ReplayEvent, type ReplayProgress, type ReplayResult, replayPolicy } from './replay.js';
import type { ReplayMessage, ReplayRequest } from './replay-child.js';

export interface ReplayRunOptions {
  storeDir: string;
  /** Replays at a time; each beyond the first in-process one runs in a child process (its CPU counted alone). */
  jobs: number;
  /** The first policy replays in this process with its server on this port, kept running (the demo's dashboard). */
  serve?: { port: number; host?: string; paceMs?: number; onListening?: (url: string) => void };
  onProgress?: (replay: string, progress: ReplayProgress) => void;
  onEvent?: (replay: string, event: ReplayEvent) => void;
}

/** Runs every replay of a prepared backtest, `jobs` at a time; results come back in the order of the replays. */
export async function runReplays(
  plan: BacktestPlan,
  prepared: PreparedBacktest,
  options: ReplayRunOptions,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = new Array(prepared.replays.length);
  const inProcess = (index: number) => {
    const policy = prepared.replays[index] as PreparedBacktest['replays'][number];
    const serving = index === 0 && options.serve !== undefined;
    return replayPolicy({
      policy,
      history: prepared.history,
      timeline: prepared.timeline,
      model: prepared.model,
      storeDir: options.storeDir,
      ...(serving
        ? {
            port: options.serve?.port as number,
            ...(options.serve?.host ? { host: options.serve.host } : {}),
            keep: true,
            lateLabels: true,
            ...(options.serve?.paceMs ? { paceMs: options.serve.paceMs } : {}),
            ...(options.serve?.onListening ? { onListening: options.serve.onListening } : {}),
          }
        : {}),
      onProgress: (p) => options.onProgress?.(policy.name, p),
      onEvent: (e) => options.onEvent?.(policy.name, e),
    });
  };
  const children = options.jobs > 1 || options.serve !== undefined;
  let next = 0;
  const worker = async (first: boolean) => {
    for (;;) {
      const index = next++;
      if (index >= prepared.replays.length) return;
      const local = !children || (first && index === 0 && options.serve !== undefined);
      results[index] = local ? await inProcess(index) : await inChild(plan, prepared, index, options);
    }
  };
  const lanes = Math.max(1, Math.min(options.jobs, prepared.replays.length));
  await Promise.all(Array.from({ length: lanes }, (_, k) => worker(k === 0)));
  return results;
}

function inChild(
  plan: BacktestPlan,
  prepared: PreparedBacktest,
  index: number,
  options: ReplayRunOptions,
): Promise<ReplayResult> {
  const name = (prepared.replays[index] as PreparedBacktest['replays'][number]).name;
  // From the sources (tests, tsx) the child is a .ts file: tsx loads it.
  const source = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./replay-child.${source ? 'ts' : 'js'}`, import.meta.url));
  const child = fork(entry, [], {
    execArgv: source ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ReplayResult>((resolve, reject) => {
    let settled = false;
    child.on('message', (message: ReplayMessage) => {
      if (message.type === 'progress') options.onProgress?.(name, message.progress);
      else if (message.type === 'event') options.onEvent?.(name, message.event);
      else if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(
          message.field
            ? new BacktestInputError(message.field, message.message)
            : new Error(`replay of ${name}: ${message.message}`),
        );
      }
    });
    child.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(new Error(`replay of ${name} stopped (${signal ?? `exit code ${code}`}) before it finished`));
      settled = true;
    });
    try {
      child.send({ plan, index, storeDir: options.storeDir } satisfies ReplayRequest);
    } catch (error) {
      settled = true;
      child.kill();
      reject(error);
    }
  });
}
