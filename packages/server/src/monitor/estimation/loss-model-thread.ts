// The worker thread that fits and runs direct loss estimation (two gradient-boosting models on every row): seconds
// of CPU for a large window, which must not hold the server's event loop. It keeps the fitted estimators by key.
import { parentPort } from 'node:worker_threads';
import { DirectLossEstimator } from '@steward/core';
import type { LossModelReply, LossModelRequest } from './loss-model-worker.js';

const fitted = new Map<string, DirectLossEstimator>();
// Estimators kept at most: one per regression model in use, and the one it replaces while reads finish.
const KEPT = 32;

const rowsOf = (data: Float64Array, cols: number) =>
  Array.from({ length: data.length / cols }, (_, i) => data.subarray(i * cols, (i + 1) * cols));

parentPort?.on('message', (request: LossModelRequest) => {
  const reply = (message: LossModelReply) => parentPort?.postMessage(message);
  try {
    if (request.kind === 'fit') {
      const dle = new DirectLossEstimator().fit(
        rowsOf(request.X, request.cols),
        request.predicted,
        request.actual,
      );
      fitted.delete(request.key);
      fitted.set(request.key, dle);
      for (const key of [...fitted.keys()].slice(0, Math.max(0, fitted.size - KEPT))) fitted.delete(key);
      reply({ id: request.id });
      return;
    }
    const dle = fitted.get(request.key);
    if (!dle) throw new Error(`no loss models fitted under ${request.key}`);
    reply({ id: request.id, estimate: dle.estimate(rowsOf(request.X, request.cols), request.predicted) });
  } catch (error) {
    reply({ id: request.id, error: (error as Error).message });
  }
});
