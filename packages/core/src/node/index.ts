/// <reference types="node" />
/**
 * Node-only additions to `@steward/core`. Importing this module lets gradient boosting build large histograms on
 * worker threads (one per spare core, at most three); the trees are the same as on one thread.
 */
import { registerHistogramHelpers } from '../learn/histogram-threads.js';
import { defaultHelperCount, histogramWorkers } from './histogram-workers.js';

export { defaultHelperCount, histogramWorkers } from './histogram-workers.js';

registerHistogramHelpers((rows) => {
  const count = defaultHelperCount();
  return count > 0 ? histogramWorkers(rows, count) : undefined;
});
