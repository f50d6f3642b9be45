import type { Tree } from './histogram-tree.js';

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

/**
 * Adds every tree's value for each row of a dense row-major matrix to `out`, tree by tree (the trees' order of
 * addition per row, so sums equal a row-by-row walk bit for bit), which keeps one tree's nodes in cache at a time.
 */
export function addTrees(trees: CompiledTrees, data: Float64Array, cols: number, out: Float64Array): void {
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
