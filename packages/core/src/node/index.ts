/// <reference types="node" />
/**
 * Node-only additions to `@steward/core`. Importing this module lets the learners use the machine's other cores:
 * gradient boosting builds large histograms and partitions on worker threads (one per spare core, at most three),
 * and a binary LogisticRegression on 65,536 rows or more evaluates half of its objective on one. The fitted models
 * are the same as on one thread.
 */
import { registerHistogramHelpers } from '../learn/histogram-threads.js';
import { registerLogisticPassHelper } from '../learn/logistic-pass.js';
import { histogramWorkers } from './histogram-workers.js';
import { logisticWorker } from './logistic-workers.js';
import { defaultHelperCount } from './worker-channel.js';

export { histogramWorkers } from './histogram-workers.js';
export { logisticWorker } from './logistic-workers.js';
export { defaultHelperCount } from './worker-channel.js';

registerHistogramHelpers((rows) => {
  const count = defaultHelperCount();
  return count > 0 ? histogramWorkers(rows, count) : undefined;
});

registerLogisticPassHelper((shared) => (defaultHelperCount() > 0 ? logisticWorker(shared) : undefined));
