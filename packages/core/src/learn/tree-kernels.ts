import { compileWasm, instantiateWasm, type WasmMemory, wasmMemory } from '../wasm.js';
import { HISTOGRAM_CHUNKS, type PartitionTarget, type SharedNodeRows } from './histogram-threads.js';
import { TREE_KERNELS_SHARED_WASM, TREE_KERNELS_WASM } from './kernels/tree-wasm.js';

interface TreeExports {
  accumulate(
    hist: number,
    src: number,
    from: number,
    to: number,
    recordWords: number,
    binWords: number,
    cols: number,
    offsets: number,
  ): void;
  partition(
    src: number,
    dst: number,
    from: number,
    to: number,
    recordWords: number,
    feature: number,
    bin: number,
    leftAt: number,
    rightAt: number,
  ): void;
  countLeft(src: number, from: number, to: number, recordWords: number, feature: number, bin: number): number;
}

/**
 * The histogram pass and the partition in WebAssembly (kernels/tree.wat), over node rows that live in the
 * kernels' memory. They give the same histograms and the same row order as the JavaScript kernels, faster.
 */
export interface TreeKernels {
  /** The node rows, as views into the kernels' memory. */
  rows: SharedNodeRows;
  /** A histogram in the kernels' memory, for passes whose result goes elsewhere. */
  scratch: Float64Array;
  /** Adds positions from..to of side `side` into `hist`, which must be `scratch` or one of `rows.chunks`. */
  accumulate(hist: Float64Array, side: number, from: number, to: number): void;
  partition(side: number, from: number, to: number, target: PartitionTarget): void;
  /** How many of positions from..to of side `side` go left of the split. */
  countLeft(side: number, from: number, to: number, feature: number, bin: number): number;
}

const compiled: Record<'plain' | 'shared', object | null | undefined> = {
  plain: undefined,
  shared: undefined,
};
let enabled = true;

/** Tests turn the kernels off to compare with (and exercise) the JavaScript kernels. */
export function setTreeKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Compiled once per thread; null where WebAssembly (with SIMD, and for the shared variant threads) is unavailable:
 * gradient boosting then runs its JavaScript kernels, slower, to the same trees. The shared variant runs on memory
 * shared with helper threads.
 */
function module(kind: 'plain' | 'shared'): object | null {
  const known = compiled[kind];
  if (known !== undefined) return known;
  compiled[kind] = compileWasm(kind === 'shared' ? TREE_KERNELS_SHARED_WASM : TREE_KERNELS_WASM);
  return compiled[kind];
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Lays out the node rows of a fit (m training rows of `recordWords` words, histograms of `histSize` numbers) in a
 * new memory of the kernels, shared between threads if `shared`; undefined where they cannot run.
 */
export function createTreeKernels(
  m: number,
  recordWords: number,
  binWords: number,
  cols: number,
  offsets: Int32Array,
  histSize: number,
  shared: boolean,
): TreeKernels | undefined {
  const compiledModule = enabled ? module(shared ? 'shared' : 'plain') : null;
  if (compiledModule === null) return undefined;
  const offsetsAt = 0;
  const scratchAt = align((cols + 1) * 4);
  const chunksAt = scratchAt + align(histSize * 8);
  const sideBytes = align(m * recordWords * 4);
  const sidesAt = chunksAt + HISTOGRAM_CHUNKS * align(histSize * 8);
  const total = sidesAt + 2 * sideBytes;
  // wasm32 addresses: 4 GiB at most.
  if (total >= 2 ** 32) return undefined;
  const pages = Math.ceil(total / 65536);
  let memory: WasmMemory;
  let kernels: TreeExports;
  try {
    memory = wasmMemory(pages, shared);
    kernels = instantiateWasm(compiledModule, { env: { memory } }) as TreeExports;
  } catch {
    // A runtime may refuse a memory this large (or shared): the JavaScript kernels then run, on plain arrays.
    return undefined;
  }
  const { buffer } = memory;
  new Int32Array(buffer, offsetsAt, cols + 1).set(offsets);
  const sides = [sidesAt, sidesAt + sideBytes] as const;
  const words = (at: number) => new Uint32Array(buffer, at, m * recordWords);
  const rows: SharedNodeRows = {
    words: [words(sides[0]), words(sides[1])],
    bytes: [
      new Uint8Array(buffer, sides[0], m * recordWords * 4),
      new Uint8Array(buffer, sides[1], m * recordWords * 4),
    ],
    floats: [
      new Float32Array(buffer, sides[0], m * recordWords),
      new Float32Array(buffer, sides[1], m * recordWords),
    ],
    recordWords,
    binWords,
    cols,
    offsets: new Int32Array(buffer, offsetsAt, cols + 1),
    chunks: Array.from(
      { length: HISTOGRAM_CHUNKS },
      (_, c) => new Float64Array(buffer, chunksAt + c * align(histSize * 8), histSize),
    ),
    wasm: { module: compiledModule, memory, sides: [sides[0], sides[1]], offsetsAt },
  };
  return {
    rows,
    scratch: new Float64Array(buffer, scratchAt, histSize),
    accumulate(hist, side, from, to) {
      kernels.accumulate(
        hist.byteOffset,
        sides[side] as number,
        from,
        to,
        recordWords,
        binWords,
        cols,
        offsetsAt,
      );
    },
    partition(side, from, to, { feature, bin, leftAt, rightAt }) {
      kernels.partition(
        sides[side] as number,
        sides[1 - side] as number,
        from,
        to,
        recordWords,
        feature,
        bin,
        leftAt,
        rightAt,
      );
    },
    countLeft(side, from, to, feature, bin) {
      return kernels.countLeft(sides[side] as number, from, to, recordWords, feature, bin);
    },
  };
}
