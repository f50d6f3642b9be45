/// <reference types="node" />
import {
  accumulateHistogram,
  chunkBounds,
  HISTOGRAM_CHUNKS,
  type HistogramHelpers,
  partitionRange,
  type SharedNodeRows,
} from '../learn/histogram-threads.js';
import { startWorker } from './worker-channel.js';

// The helper runs the very kernels the calling thread runs: the WebAssembly module on the same shared memory, or
// the JavaScript functions' compiled source (they use nothing but their arguments). Arguments: [0] operation
// (0 histogram chunks, 1 partition), [1] side, [2] start, [3] end, then [4] chunk mask, or [4] feature, [5] bin,
// [6] leftAt, [7] rightAt.
const WORKER_SOURCE = `
const HISTOGRAM_CHUNKS = ${HISTOGRAM_CHUNKS};
const chunkBounds = ${chunkBounds.toString()};
const accumulateHistogram = ${accumulateHistogram.toString()};
const partitionRange = ${partitionRange.toString()};
let kernels;
function handle(rows, args) {
  const side = args[1], start = args[2], end = args[3];
  const wasm = rows.wasm;
  if (wasm && kernels === undefined) {
    kernels = new WebAssembly.Instance(wasm.module, { env: { memory: wasm.memory } }).exports;
  }
  if (args[0] === 1) {
    if (wasm) {
      kernels.partition(wasm.sides[side], wasm.sides[1 - side], start, end, rows.recordWords, args[4], args[5], args[6], args[7]);
    } else {
      partitionRange(rows, side, start, end, { feature: args[4], bin: args[5], leftAt: args[6], rightAt: args[7] });
    }
    return;
  }
  for (let c = 0; c < HISTOGRAM_CHUNKS; c++) {
    if ((args[4] & (1 << c)) === 0) continue;
    const [from, to] = chunkBounds(start, end, c);
    rows.chunks[c].fill(0);
    if (wasm) {
      kernels.accumulate(rows.chunks[c].byteOffset, wasm.sides[side], from, to, rows.recordWords, rows.binWords, rows.cols, wasm.offsetsAt);
    } else {
      accumulateHistogram(rows.chunks[c], rows, side, from, to);
    }
  }
}
`;

/** Helper worker threads that build histogram chunks and partition rows in shared memory. */
export function histogramWorkers(rows: SharedNodeRows, count: number): HistogramHelpers {
  const channels = Array.from({ length: count }, () => startWorker(WORKER_SOURCE, { ...rows }));
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
