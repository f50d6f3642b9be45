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
//
// On starting, the helper touches each memory page of the rows' matrix (adding 0 to a word, atomically, so a value
// the calling thread has already written stays), from the end backwards, while the calling thread copies the rows
// in from the start: the first touch of fresh memory can cost more than the copy itself (page faults of about
// 12 µs each were measured on the development machine), and this shares that cost.
const WORKER_SOURCE = `
const binaryPass = ${binaryPass.toString()};
function handle(s, args) {
  binaryPass(s.data, s.cols, s.target, s.w, s.w[s.cols], args[0], args[1], s.out, ${BLOCK_ROWS});
}
{
  const words = new Int32Array(workerData.data.buffer);
  for (let i = words.length - 1024; i >= 0; i -= 1024) Atomics.add(words, i, 0);
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
