import type { BinnedMatrix } from './histogram-binning.js';
import {
  accumulateHistogram,
  CHUNKED_MIN_ROWS,
  chunkBounds,
  countLeft,
  HISTOGRAM_CHUNKS,
  type HistogramHelpers,
  histogramHelpersFactory,
  type PartitionTarget,
  partitionRange,
  type SharedNodeRows,
} from './histogram-threads.js';
import { createTreeKernels, type TreeKernels } from './tree-kernels.js';

/** A tree in flat arrays: internal nodes split on `feature` at `threshold` (x ≤ threshold goes left). */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf value (already multiplied by the learning rate); unused for internal nodes. */
  value: number[];
}

export interface TreeParams {
  learningRate: number;
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2Regularization: number;
}

/** A grown tree and, per node, the bin it splits at (so binned rows can be routed without thresholds). */
export interface GrownTree {
  tree: Tree;
  splitBins: Int32Array;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  gl: number;
  hl: number;
  nl: number;
}

interface OpenNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** The side of the node-order buffers that holds the node's rows. */
  side: number;
  gradient: number;
  hessian: number;
  /** Per feature and bin, interleaved: gradient sum, hessian sum, row count. */
  hist: Float64Array;
  split: Split | undefined;
}

/**
 * Grows trees best-first on gradient/hessian histograms of binned rows, as scikit-learn's TreeGrower: only the
 * smaller child's histogram is built, the larger one is its parent's minus it. Rows stay in ascending order
 * within every node (the partition is stable) and are stored in node order (see SharedNodeRows), so a histogram
 * pass reads memory forwards.
 */
export class HistogramTreeGrower {
  /** Per tree of an iteration: gradients and hessians at the current scores, filled by the caller. */
  readonly gradients: Float64Array[];
  readonly hessians: Float64Array[];
  /** The training rows' records (bins and row number) in their original order; copied to side 0 per tree. */
  private readonly initial: Uint32Array;
  private readonly rows: SharedNodeRows;
  private readonly histSize: number;
  private readonly pool: Float64Array[] = [];
  private readonly helpers: HistogramHelpers | undefined;
  private readonly kernels: TreeKernels | undefined;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly training: Int32Array,
    private readonly params: TreeParams,
    treesPerIteration: number,
  ) {
    const n = binned.rows;
    const m = training.length;
    // A helper pays for itself from about 100,000 rows (Elec2's 40,000 ran no faster with one).
    const factory = m >= HELPER_MIN_ROWS ? histogramHelpersFactory() : undefined;
    // Helper threads need the arrays they use in shared memory.
    const alloc = factory ? shared : plain;
    const cols = binned.cols;
    this.gradients = Array.from({ length: treesPerIteration }, () => new Float64Array(n));
    this.hessians = Array.from({ length: treesPerIteration }, () => new Float64Array(n));
    const binWords = (cols + 3) >> 2;
    const recordWords = binWords + 3;
    this.initial = new Uint32Array(m * recordWords);
    const initialBytes = new Uint8Array(this.initial.buffer);
    for (let p = 0; p < m; p++) {
      const i = training[p] as number;
      initialBytes.set(binned.bins.subarray(i * cols, (i + 1) * cols), p * recordWords * 4);
      this.initial[p * recordWords + binWords] = i;
    }
    const offsets = new Int32Array(alloc((cols + 1) * 4));
    for (let j = 0; j < cols; j++) {
      offsets[j + 1] = (offsets[j] as number) + ((binned.thresholds[j] as Float64Array).length + 1) * 3;
    }
    this.histSize = offsets[cols] as number;
    // The rows live in the WebAssembly kernels' memory where those can run (shared when helpers run them too).
    this.kernels = createTreeKernels(
      m,
      recordWords,
      binWords,
      cols,
      offsets,
      this.histSize,
      factory !== undefined,
    );
    if (this.kernels) {
      this.rows = this.kernels.rows;
      this.helpers = factory?.(this.rows);
      return;
    }
    const sides = [alloc(m * recordWords * 4), alloc(m * recordWords * 4)] as const;
    this.rows = {
      words: [new Uint32Array(sides[0]), new Uint32Array(sides[1])],
      bytes: [new Uint8Array(sides[0]), new Uint8Array(sides[1])],
      floats: [new Float32Array(sides[0]), new Float32Array(sides[1])],
      recordWords,
      binWords,
      cols,
      offsets,
      chunks: Array.from({ length: HISTOGRAM_CHUNKS }, () => new Float64Array(alloc(this.histSize * 8))),
    };
    this.helpers = factory?.(this.rows);
  }

  /** Stops the helper threads, if any. */
  close(): void {
    this.helpers?.close();
  }

  /** Grows tree k of the iteration on `gradients[k]` and `hessians[k]` and adds its leaf values to `raw`. */
  grow(k: number, raw: Float64Array): GrownTree {
    const { params, training } = this;
    const { recordWords: rw, binWords } = this.rows;
    const records = this.rows.floats[0];
    const g = this.gradients[k] as Float64Array;
    const h = this.hessians[k] as Float64Array;
    const m = training.length;
    this.rows.words[0].set(this.initial);
    let gradient = 0;
    let hessian = 0;
    for (let p = 0, at = binWords + 1; p < m; p++, at += rw) {
      const i = training[p] as number;
      records[at] = g[i] as number;
      records[at + 1] = h[i] as number;
      // The sums of what the histograms will see: the float32 values.
      gradient += records[at] as number;
      hessian += records[at + 1] as number;
    }
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const splitBins: number[] = [];
    const newNode = (): number => {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      splitBins.push(-1);
      return tree.feature.length - 1;
    };
    const root: OpenNode = {
      id: newNode(),
      start: 0,
      end: m,
      depth: 0,
      gradient,
      hessian,
      side: 0,
      hist: this.histogram(0, 0, m),
      split: undefined,
    };
    root.split = this.findSplit(root);
    const open: OpenNode[] = [root];
    const leaves: OpenNode[] = [];
    let leafCount = 1;
    while (open.length > 0) {
      let pick = -1;
      let bestGain = 0;
      for (let q = 0; q < open.length; q++) {
        const s = (open[q] as OpenNode).split;
        if (s && (pick < 0 || s.gain > bestGain)) {
          pick = q;
          bestGain = s.gain;
        }
      }
      if (pick < 0 || leafCount >= params.maxLeafNodes) break;
      const node = open.splice(pick, 1)[0] as OpenNode;
      const s = node.split as Split;
      const mid = node.start + s.nl;
      this.partition(node, s);
      const side = 1 - node.side;
      const leftId = newNode();
      const rightId = newNode();
      tree.feature[node.id] = s.feature;
      tree.threshold[node.id] = (this.binned.thresholds[s.feature] as Float64Array)[s.bin] as number;
      tree.left[node.id] = leftId;
      tree.right[node.id] = rightId;
      splitBins[node.id] = s.bin;
      const leftSmaller = mid - node.start <= node.end - mid;
      const small = leftSmaller ? this.histogram(side, node.start, mid) : this.histogram(side, mid, node.end);
      const large = node.hist;
      for (let q = 0; q < large.length; q++) large[q] = (large[q] as number) - (small[q] as number);
      const left: OpenNode = {
        id: leftId,
        start: node.start,
        end: mid,
        depth: node.depth + 1,
        side,
        gradient: s.gl,
        hessian: s.hl,
        hist: leftSmaller ? small : large,
        split: undefined,
      };
      const right: OpenNode = {
        id: rightId,
        start: mid,
        end: node.end,
        depth: node.depth + 1,
        side,
        gradient: node.gradient - s.gl,
        hessian: node.hessian - s.hl,
        hist: leftSmaller ? large : small,
        split: undefined,
      };
      left.split = this.findSplit(left);
      right.split = this.findSplit(right);
      open.push(left, right);
      leafCount += 1;
    }
    leaves.push(...open);
    for (const leaf of leaves) {
      const value = (-params.learningRate * leaf.gradient) / (leaf.hessian + params.l2Regularization);
      tree.value[leaf.id] = value;
      const words = this.rows.words[leaf.side] as Uint32Array;
      for (let p = leaf.start; p < leaf.end; p++) {
        const i = words[p * rw + binWords] as number;
        raw[i] = (raw[i] as number) + value;
      }
      this.pool.push(leaf.hist);
    }
    return { tree, splitBins: Int32Array.from(splitBins) };
  }

  private histogram(side: number, start: number, end: number): Float64Array {
    const hist = this.pool.pop() ?? new Float64Array(this.histSize);
    const { helpers, rows, kernels } = this;
    if (end - start < CHUNKED_MIN_ROWS) {
      if (kernels) {
        kernels.scratch.fill(0);
        kernels.accumulate(kernels.scratch, side, start, end);
        hist.set(kernels.scratch);
        return hist;
      }
      hist.fill(0);
      accumulateHistogram(hist, rows, side, start, end);
      return hist;
    }
    const participants = 1 + (helpers?.count ?? 0);
    if (helpers) {
      for (let w = 0; w < helpers.count; w++) {
        let mask = 0;
        for (let c = 0; c < HISTOGRAM_CHUNKS; c++) if (c % participants === w + 1) mask |= 1 << c;
        if (mask) helpers.start(w, side, start, end, mask);
      }
    }
    for (let c = 0; c < HISTOGRAM_CHUNKS; c += participants) {
      const chunk = rows.chunks[c] as Float64Array;
      chunk.fill(0);
      const [from, to] = chunkBounds(start, end, c);
      if (kernels) kernels.accumulate(chunk, side, from, to);
      else accumulateHistogram(chunk, rows, side, from, to);
    }
    if (helpers) for (let w = 0; w < helpers.count; w++) if (w + 1 < HISTOGRAM_CHUNKS) helpers.wait(w);
    hist.set(rows.chunks[0] as Float64Array);
    for (let c = 1; c < HISTOGRAM_CHUNKS; c++) {
      const chunk = rows.chunks[c] as Float64Array;
      for (let q = 0; q < hist.length; q++) hist[q] = (hist[q] as number) + (chunk[q] as number);
    }
    return hist;
  }

  /** Moves the node's rows to the other side, left child first; a helper thread takes half of a large node. */
  private partition(node: OpenNode, split: Split): void {
    const { helpers, rows, kernels } = this;
    const { start, end, side } = node;
    const { feature, bin } = split;
    const rightAt = start + split.nl;
    if (helpers && end - start >= CHUNKED_MIN_ROWS) {
      const half = start + ((end - start) >> 1);
      const left = kernels
        ? kernels.countLeft(side, start, half, feature, bin)
        : countLeft(rows, side, start, half, feature, bin);
      helpers.startPartition(0, side, half, end, {
        feature,
        bin,
        leftAt: start + left,
        rightAt: rightAt + (half - start - left),
      });
      this.moveRows(side, start, half, { feature, bin, leftAt: start, rightAt });
      helpers.wait(0);
      return;
    }
    this.moveRows(side, start, end, { feature, bin, leftAt: start, rightAt });
  }

  /** Positions from..to of side `side`, moved to the other side (see partitionRange). */
  private moveRows(side: number, from: number, to: number, target: PartitionTarget): void {
    if (this.kernels) this.kernels.partition(side, from, to, target);
    else partitionRange(this.rows, side, from, to, target);
  }

  private findSplit(node: OpenNode): Split | undefined {
    const { minSamplesLeaf, maxDepth, l2Regularization: lambda } = this.params;
    const count = node.end - node.start;
    if (count < 2 * minSamplesLeaf || node.depth >= maxDepth || node.hessian < 1e-3) return undefined;
    const parentScore = (node.gradient * node.gradient) / (node.hessian + lambda);
    const { hist } = node;
    let best: Split | undefined;
    for (let j = 0; j < this.rows.cols; j++) {
      const from = this.rows.offsets[j] as number;
      const last = (this.rows.offsets[j + 1] as number) - 3;
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = from; b < last; b += 3) {
        gl += hist[b] as number;
        hl += hist[b + 1] as number;
        nl += hist[b + 2] as number;
        if (nl < minSamplesLeaf) continue;
        if (count - nl < minSamplesLeaf) break;
        const hr = node.hessian - hl;
        if (hl < 1e-3 || hr < 1e-3) continue;
        const gr = node.gradient - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > 0 && (!best || gain > best.gain))
          best = { gain, feature: j, bin: (b - from) / 3, gl, hl, nl };
      }
    }
    return best;
  }
}

/** The tree's value for one row of a dense matrix. */
export function predictTree(tree: Tree, data: Float64Array, offset: number): number {
  let node = 0;
  while ((tree.left[node] as number) >= 0) {
    node =
      (data[offset + (tree.feature[node] as number)] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

/** The tree's value for one binned row (`offset` = row × cols), routed by split bins. */
export function predictBinnedTree(grown: GrownTree, bins: Uint8Array, offset: number): number {
  const { tree, splitBins } = grown;
  let node = 0;
  while ((tree.left[node] as number) >= 0) {
    node =
      (bins[offset + (tree.feature[node] as number)] as number) <= (splitBins[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

/** Training rows from which a fit starts helper threads. */
const HELPER_MIN_ROWS = 100_000;

const shared = (bytes: number): ArrayBufferLike => new SharedArrayBuffer(bytes);
const plain = (bytes: number): ArrayBufferLike => new ArrayBuffer(bytes);
