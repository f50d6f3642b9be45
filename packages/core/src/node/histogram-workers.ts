/// <reference types="node" />
import { HISTOGRAM_CHUNKS, type HistogramHelpers, type SharedNodeRows } from '../learn/histogram-threads.js';
import { startWorker } from './worker-channel.js';

// Arguments: [0] operation (0 histogram chunks, 1 partition), [1] side, [2] start, [3] end, then [4] chunk mask,
// or [4] feature, [5] bin, [6] leftAt, [7] rightAt.
// The loop sits in functions: top-level script variables would live in a context and run several times slower.
const WORKER_SOURCE = `
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
function handle(rows, args) {
  const { stride, cols, offsets, chunks, chunkCount } = rows;
  const side = args[1], start = args[2], end = args[3];
  if (args[0] === 1) {
    partition(rows, side, start, end, args[4], args[5], args[6], args[7]);
    return;
  }
  const mask = args[4];
  for (let c = 0; c < chunkCount; c++) {
    if ((mask & (1 << c)) === 0) continue;
    const from = start + Math.floor(((end - start) * c) / chunkCount);
    const to = start + Math.floor(((end - start) * (c + 1)) / chunkCount);
    accumulate(chunks[c], rows.ordered[side], stride, cols, offsets, rows.gradients[side], rows.hessians[side], from, to);
  }
}

`;

/** Helper worker threads that build histogram chunks and partition rows in shared memory. */
export function histogramWorkers(rows: SharedNodeRows, count: number): HistogramHelpers {
  const channels = Array.from({ length: count }, () =>
    startWorker(WORKER_SOURCE, { ...rows, chunkCount: HISTOGRAM_CHUNKS }),
  );
  const channel = (helper: number) => channels[helper] as (typeof channels)[number];
  return {
    count,
    start: (helper, side, start, end, mask) => channel(helper).run([0, side, start, end, mask]),
    startPartition: (helper, side, from, to, t) =>
      channel(helper).run([1, side, from, to, t.feature, t.bin, t.leftAt, t.rightAt]),
    wait: (helper) => channel(helper).wait(),
    close: () => {
      for (const c of channels) c.close();
    },
  };
}
