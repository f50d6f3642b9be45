import { compileWasm, instantiateWasm, type WasmMemory, wasmMemory } from '../wasm.js';
import type { Tree } from './histogram-tree.js';
import { PREDICT_KERNELS_WASM } from './kernels/predict-wasm.js';

/** Trees packed into typed arrays (child indices absolute, -1 at leaves), for predicting many rows fast. */
export interface CompiledTrees {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export function compileTrees(trees: readonly Tree[]): CompiledTrees {
  const total = trees.reduce((n, t) => n + t.value.length, 0);
  const packed: CompiledTrees = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let base = 0;
  trees.forEach((tree, t) => {
    packed.roots[t] = base;
    for (let node = 0; node < tree.value.length; node++) {
      const at = base + node;
      const left = tree.left[node] as number;
      packed.feature[at] = tree.feature[node] as number;
      packed.threshold[at] = tree.threshold[node] as number;
      packed.left[at] = left >= 0 ? base + left : -1;
      packed.right[at] = left >= 0 ? base + (tree.right[node] as number) : -1;
      packed.value[at] = tree.value[node] as number;
    }
    base += tree.value.length;
  });
  return packed;
}

/** Rows the kernel scores per call: its memory holds the trees and this many rows and scores. */
const KERNEL_ROWS = 8192;
const NODE_BYTES = 32;

interface PredictKernel {
  memory: WasmMemory;
  addTrees(roots: number, trees: number, data: number, rows: number, cols: number, out: number): void;
  /** The pack whose nodes and roots the memory holds now (a model predicting again needs no copy). */
  loaded?: CompiledTrees;
}

let predictModule: object | null | undefined;
let kernel: PredictKernel | undefined;
let kernelEnabled = true;
// Each pack's nodes as the kernel's records (made on first use).
const kernelNodes = new WeakMap<CompiledTrees, ArrayBuffer>();

/** Tests turn the WebAssembly kernel off to compare with (and exercise) the JavaScript walk. */
export function setPredictKernelEnabled(on: boolean): void {
  kernelEnabled = on;
}

/** Whether predictions run in the WebAssembly kernel here (tests check they are not comparing JavaScript with itself). */
export function predictKernelAvailable(): boolean {
  return predictKernel(65536) !== undefined;
}

/** The trees as the kernel's 32-byte node records, addressed from `base` (see kernels/predict.wat). */
function kernelRecords(trees: CompiledTrees, base: number): ArrayBuffer {
  const { feature, threshold, left, right, value } = trees;
  const records = new ArrayBuffer(value.length * NODE_BYTES);
  const view = new DataView(records);
  for (let node = 0; node < value.length; node++) {
    const at = node * NODE_BYTES;
    const leaf = (left[node] as number) < 0;
    view.setFloat64(at, leaf ? Number.POSITIVE_INFINITY : (threshold[node] as number), true);
    view.setInt32(at + 8, leaf ? -1 : (feature[node] as number), true);
    view.setInt32(at + 12, base + (leaf ? node : (left[node] as number)) * NODE_BYTES, true);
    view.setInt32(at + 16, base + (leaf ? node : (right[node] as number)) * NODE_BYTES, true);
    view.setFloat64(at + 24, value[node] as number, true);
  }
  return records;
}

/** The kernel with room for `bytes`, or undefined where WebAssembly cannot run it (the JavaScript walk then does). */
function predictKernel(bytes: number): PredictKernel | undefined {
  if (!kernelEnabled) return undefined;
  if (predictModule === undefined) predictModule = compileWasm(PREDICT_KERNELS_WASM);
  if (predictModule === null || bytes >= 2 ** 31) return undefined;
  if (kernel && kernel.memory.buffer.byteLength >= bytes) return kernel;
  try {
    const memory = wasmMemory(Math.ceil(bytes / 65536), false);
    const exports = instantiateWasm(predictModule, { env: { memory } }) as Pick<PredictKernel, 'addTrees'>;
    kernel = { memory, addTrees: exports.addTrees };
    return kernel;
  } catch {
    return undefined;
  }
}

/**
 * Adds every tree's value for each row of a dense row-major matrix to `out`: in WebAssembly where it runs (eight
 * rows walk a tree side by side), else in JavaScript; the same sums either way, bit for bit.
 */
export function addTrees(trees: CompiledTrees, data: Float64Array, cols: number, out: Float64Array): void {
  const rows = out.length;
  // The first 64 bytes stay free: a leaf's step reads the value just before its row (see kernels/predict.wat).
  const nodesAt = 64;
  const nodeBytes = trees.value.length * NODE_BYTES;
  const rootsAt = nodesAt + nodeBytes;
  const dataAt = rootsAt + Math.ceil((trees.roots.length * 4) / 8) * 8;
  const chunk = Math.min(rows, KERNEL_ROWS);
  const outAt = dataAt + chunk * cols * 8;
  const k = rows > 0 && trees.roots.length > 0 ? predictKernel(outAt + chunk * 8) : undefined;
  if (!k) {
    addTreesInJs(trees, data, cols, out);
    return;
  }
  const { buffer } = k.memory;
  if (k.loaded !== trees) {
    let records = kernelNodes.get(trees);
    if (!records) {
      records = kernelRecords(trees, nodesAt);
      kernelNodes.set(trees, records);
    }
    new Uint8Array(buffer, nodesAt, nodeBytes).set(new Uint8Array(records));
    const roots = new Int32Array(buffer, rootsAt, trees.roots.length);
    for (let t = 0; t < roots.length; t++) roots[t] = nodesAt + (trees.roots[t] as number) * NODE_BYTES;
    k.loaded = trees;
  }
  const rowsIn = new Float64Array(buffer, dataAt, chunk * cols);
  const scores = new Float64Array(buffer, outAt, chunk);
  for (let from = 0; from < rows; from += chunk) {
    const n = Math.min(chunk, rows - from);
    rowsIn.set(data.subarray(from * cols, (from + n) * cols));
    scores.set(out.subarray(from, from + n));
    k.addTrees(rootsAt, trees.roots.length, dataAt, n, cols, outAt);
    out.set(scores.subarray(0, n), from);
  }
}

/**
 * Adds every tree's value for each row of a dense row-major matrix to `out`, tree by tree (the trees' order of
 * addition per row, so sums equal a row-by-row walk bit for bit), which keeps one tree's nodes in cache at a time.
 */
function addTreesInJs(trees: CompiledTrees, data: Float64Array, cols: number, out: Float64Array): void {
  const { roots, feature, threshold, left, right, value } = trees;
  const rows = out.length;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    for (let i = 0, offset = 0; i < rows; i++, offset += cols) {
      let node = root;
      while ((left[node] as number) >= 0)
        node =
          (data[offset + (feature[node] as number)] as number) <= (threshold[node] as number)
            ? (left[node] as number)
            : (right[node] as number);
      out[i] = (out[i] as number) + (value[node] as number);
    }
  }
}
