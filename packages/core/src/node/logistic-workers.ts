/// <reference types="node" />
import {
  BLOCK_ROWS,
  binaryPass,
  type LogisticPassHelper,
  type SharedLogisticPass,
} from '../learn/logistic-pass.js';
import { startWorker } from './worker-channel.js';

// The helper runs the very function the calling thread runs (its compiled source: it uses nothing but its
// arguments). Arguments: [0] from, [1] to.
const WORKER_SOURCE = `
const binaryPass = ${binaryPass.toString()};
function handle(s, args) {
  binaryPass(s.data, s.cols, s.target, s.w, s.w[s.cols], args[0], args[1], s.out, ${BLOCK_ROWS});
}
`;

/** A helper worker thread that evaluates half of the binary logistic objective in shared memory. */
export function logisticWorker(shared: SharedLogisticPass): LogisticPassHelper {
  const channel = startWorker(WORKER_SOURCE, { ...shared });
  return {
    start: (from, to) => channel.run([from, to]),
    wait: () => channel.wait(),
    close: () => channel.close(),
  };
}
