/// <reference types="node" />
import type { LogisticPassHelper, SharedLogisticPass } from '../learn/logistic-pass.js';
import { startWorker } from './worker-channel.js';

// binaryPass of learn/logistic-pass.ts (with BLOCK_ROWS = 64), for the helper thread; arguments: [0] from, [1] to.
const WORKER_SOURCE = `
function binaryPass(data, cols, target, w, b, from, to, out) {
  out.fill(0);
  const BLOCK = 64, residuals = new Float64Array(BLOCK), unrolled = cols - (cols % 4);
  let loss = 0, interceptGrad = 0;
  for (let i0 = from; i0 < to; i0 += BLOCK) {
    const m = Math.min(BLOCK, to - i0);
    for (let q = 0; q < m; q++) {
      const off = (i0 + q) * cols;
      let z0 = b, z1 = 0, z2 = 0, z3 = 0, j = 0;
      for (; j < unrolled; j += 4) {
        z0 += w[j] * data[off + j]; z1 += w[j + 1] * data[off + j + 1];
        z2 += w[j + 2] * data[off + j + 2]; z3 += w[j + 3] * data[off + j + 3];
      }
      for (; j < cols; j++) z0 += w[j] * data[off + j];
      const z = z0 + z1 + (z2 + z3);
      const e = Math.exp(-Math.abs(z));
      const t = target[i0 + q];
      loss += (z > 0 ? z : 0) + Math.log1p(e) - t * z;
      const r = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - t;
      residuals[q] = r;
      interceptGrad += r;
    }
    let k = 0;
    for (; k < unrolled; k += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let q = 0, off = i0 * cols + k; q < m; q++, off += cols) {
        const r = residuals[q];
        a0 += r * data[off]; a1 += r * data[off + 1]; a2 += r * data[off + 2]; a3 += r * data[off + 3];
      }
      out[k] += a0; out[k + 1] += a1; out[k + 2] += a2; out[k + 3] += a3;
    }
    for (; k < cols; k++) {
      let a = 0;
      for (let q = 0, off = i0 * cols + k; q < m; q++, off += cols) a += residuals[q] * data[off];
      out[k] += a;
    }
  }
  out[cols] = interceptGrad;
  out[cols + 1] = loss;
}
function handle(s, args) {
  binaryPass(s.data, s.cols, s.target, s.w, s.w[s.cols], args[0], args[1], s.out);
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
