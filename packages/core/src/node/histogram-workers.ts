/// <reference types="node" />
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HISTOGRAM_CHUNKS, type HistogramHelpers, type SharedNodeRows } from '../learn/histogram-threads.js';

// Control words: [0] command sequence (−1 = stop), [1] finished sequence, [2] operation (0 histogram chunks,
// 1 partition), [3] side, [4] start, [5] end, then [6] chunk mask, or [6] feature, [7] bin, [8] leftAt, [9] rightAt.
// The loop sits in functions: top-level script variables would live in a context and run several times slower.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
function accumulate(hist, bins, stride, cols, offsets, g, h, from, to) {
  hist.fill(0);
  let p = from, row = from * stride;
  for (; p + 3 < to; p += 4, row += 4 * stride) {
    const g0 = g[p], h0 = h[p], g1 = g[p + 1], h1 = h[p + 1], g2 = g[p + 2], h2 = h[p + 2], g3 = g[p + 3], h3 = h[p + 3];
    for (let j = 0; j < cols; j++) {
      const o = offsets[j];
      let b = o + bins[row + j] * 3;
      hist[b] += g0; hist[b + 1] += h0; hist[b + 2] += 1;
      b = o + bins[row + stride + j] * 3;
      hist[b] += g1; hist[b + 1] += h1; hist[b + 2] += 1;
      b = o + bins[row + 2 * stride + j] * 3;
      hist[b] += g2; hist[b + 1] += h2; hist[b + 2] += 1;
      b = o + bins[row + 3 * stride + j] * 3;
      hist[b] += g3; hist[b + 1] += h3; hist[b + 2] += 1;
    }
  }
  for (; p < to; p++, row += stride) {
    const gi = g[p], hi = h[p];
    for (let j = 0; j < cols; j++) {
      const b = offsets[j] + bins[row + j] * 3;
      hist[b] += gi; hist[b + 1] += hi; hist[b + 2] += 1;
    }
  }
}
function partition(rows, side, from, to, feature, bin, leftAt, rightAt) {
  const stride = rows.stride, w = stride >> 2;
  const bins = rows.ordered[side], src = rows.words[side], dst = rows.words[1 - side];
  const index = rows.index[side], toIndex = rows.index[1 - side];
  const g = rows.gradients[side], toG = rows.gradients[1 - side], h = rows.hessians[side], toH = rows.hessians[1 - side];
  let l = leftAt, r = rightAt;
  for (let p = from, a = from * w, at = from * stride + feature; p < to; p++, a += w, at += stride) {
    const right = (bin - bins[at]) >>> 31;
    const q = l + ((r - l) & -right);
    l += 1 - right;
    r += right;
    const b = q * w;
    let k = 0;
    for (; k + 4 <= w; k += 4) {
      dst[b + k] = src[a + k]; dst[b + k + 1] = src[a + k + 1]; dst[b + k + 2] = src[a + k + 2]; dst[b + k + 3] = src[a + k + 3];
    }
    for (; k < w; k++) dst[b + k] = src[a + k];
    toIndex[q] = index[p];
    toG[q] = g[p];
    toH[q] = h[p];
  }
}
function serve(rows) {
  const { stride, cols, offsets, chunks, control, chunkCount } = rows;
  let seq = 0;
  for (;;) {
    Atomics.wait(control, 0, seq);
    seq = Atomics.load(control, 0);
    if (seq < 0) return;
    const side = control[3], start = control[4], end = control[5];
    if (control[2] === 1) {
      partition(rows, side, start, end, control[6], control[7], control[8], control[9]);
    } else {
      const mask = control[6];
      for (let c = 0; c < chunkCount; c++) {
        if ((mask & (1 << c)) === 0) continue;
        const from = start + Math.floor(((end - start) * c) / chunkCount);
        const to = start + Math.floor(((end - start) * (c + 1)) / chunkCount);
        accumulate(chunks[c], rows.ordered[side], stride, cols, offsets, rows.gradients[side], rows.hessians[side], from, to);
      }
    }
    Atomics.store(control, 1, seq);
    Atomics.notify(control, 1);
  }
}
serve(workerData);
`;

/** Helper worker threads that build histogram chunks in shared memory, woken and awaited with Atomics. */
export function histogramWorkers(rows: SharedNodeRows, count: number): HistogramHelpers {
  const controls = Array.from({ length: count }, () => new Int32Array(new SharedArrayBuffer(10 * 4)));
  const workers = controls.map((control) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...rows, control, chunkCount: HISTOGRAM_CHUNKS },
    });
    worker.unref();
    return worker;
  });
  const sequence = controls.map(() => 0);
  const run = (helper: number, words: readonly number[]) => {
    const control = controls[helper] as Int32Array;
    control.set(words, 2);
    const seq = (sequence[helper] as number) + 1;
    sequence[helper] = seq;
    Atomics.store(control, 0, seq);
    Atomics.notify(control, 0);
  };
  return {
    count,
    start: (helper, side, start, end, mask) => run(helper, [0, side, start, end, mask]),
    startPartition: (helper, side, from, to, t) =>
      run(helper, [1, side, from, to, t.feature, t.bin, t.leftAt, t.rightAt]),
    wait(helper) {
      const control = controls[helper] as Int32Array;
      const seq = sequence[helper] as number;
      for (let done = Atomics.load(control, 1); done !== seq; done = Atomics.load(control, 1)) {
        Atomics.wait(control, 1, done);
      }
    },
    close() {
      for (const control of controls) {
        Atomics.store(control, 0, -1);
        Atomics.notify(control, 0);
      }
      for (const worker of workers) void worker.terminate();
    },
  };
}

/** Helpers worth starting on this machine: one per core beyond the calling thread, at most three. */
export function defaultHelperCount(): number {
  return Math.min(3, availableParallelism() - 1);
}
