// A replay in a child process of its own (see run-replays.ts): it prepares the plan again, replays one policy and
// reports progress, events and the result to its parent.
import { BacktestInputError } from './backtest-error.js';
import { type BacktestPlan, prepareBacktest } from './plan.js';
import { replayPolicy } from './replay.js';

export interface ReplayRequest {
  plan: BacktestPlan;
  index: number;
  storeDir: string;
}

export type ReplayMessage =
  | { type: 'progress'; progress: import('./replay.js').ReplayProgress }
  | { type: 'event'; event: import('./replay.js').ReplayEvent }
  | { type: 'result'; result: import('./replay.js').ReplayResult }
  | { type: 'error'; message: string; field?: string };

const send = (message: ReplayMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

process.once('message', (request: ReplayRequest) => {
  void (async () => {
    try {
      const prepared = await prepareBacktest(request.plan);
      const policy = prepared.replays[request.index];
      if (!policy) throw new Error(`no replay number ${request.index}`);
      const result = await replayPolicy({
        policy,
        history: prepared.history,
        timeline: prepared.timeline,
        model: prepared.model,
        storeDir: request.storeDir,
        onProgress: (progress) => void send({ type: 'progress', progress }),
        onEvent: (event) => void send({ type: 'event', event }),
      });
      await send({ type: 'result', result });
    } catch (error) {
      await send({
        type: 'error',
        message: (error as Error).message,
        ...(error instanceof BacktestInputError ? { field: error.field } : {}),
      });
    } finally {
      // The parent may have let go of the channel already once it had the result.
      if (process.connected) process.disconnect?.();
    }
  })();
});
