// The thread `steward serve` runs update jobs on (see job-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { type JobRunnerOptions, startJobRunner } from './job-runner.js';

const options = workerData as Omit<JobRunnerOptions, 'log'>;
const runner = await startJobRunner({ ...options, log: (line) => parentPort?.postMessage({ log: line }) });
parentPort?.postMessage({ started: runner.id });
parentPort?.on('message', (message) => {
  if (message === 'stop') void runner.stop().then(() => parentPort?.close());
});
