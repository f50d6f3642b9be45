import { argsort } from './argsort.js';
import type { Numbers } from './input.js';

/**
 * Cumulative true and false positive weight at each distinct score, highest score first: the
 * `_binary_clf_curve` that scikit-learn's ROC and precision-recall curves are read from.
 */
export interface BinaryCurve {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
}

/**
 * Builds the curve for `positive[i]` (1 or 0) and `scores[i]`. Unweighted, positives and negatives are sorted
 * apart with the native typed-array sort and merged from the top, so no index sort is needed. Samples of
 * zero weight are left out, as scikit-learn does.
 */
export function binaryCurve(positive: Uint8Array, scores: Numbers, sampleWeight?: Numbers): BinaryCurve {
  if (sampleWeight !== undefined) {
    // Weighted: the samples in order of score (a radix argsort; an index sort with a comparator was most of the
    // time of a large window's metrics), each side gathered with its weights.
    const order = argsort(scores);
    let nPos = 0;
    let nNeg = 0;
    for (let i = 0; i < order.length; i++) {
      if (sampleWeight[i] === 0) continue;
      if (positive[i]) nPos++;
      else nNeg++;
    }
    const pos = new Float64Array(nPos);
    const posW = new Float64Array(nPos);
    const neg = new Float64Array(nNeg);
    const negW = new Float64Array(nNeg);
    for (let k = 0, p = 0, q = 0; k < order.length; k++) {
      const i = order[k] as number;
      const w = sampleWeight[i] as number;
      if (w === 0) continue;
      if (positive[i]) {
        pos[p] = scores[i] as number;
        posW[p++] = w;
      } else {
        neg[q] = scores[i] as number;
        negW[q++] = w;
      }
    }
    return mergeFromTop(pos, posW, neg, negW);
  }
  const n = positive.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (positive[i]) pos[p++] = scores[i] as number;
    else neg[q++] = scores[i] as number;
  }
  pos.sort();
  neg.sort();
  return mergeFromTop(pos, undefined, neg, undefined);
}

function mergeFromTop(
  pos: Float64Array,
  posW: Float64Array | undefined,
  neg: Float64Array,
  negW: Float64Array | undefined,
): BinaryCurve {
  const m = pos.length + neg.length;
  const thresholds = new Float64Array(m);
  const tps = new Float64Array(m);
  const fps = new Float64Array(m);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    for (; i >= 0 && pos[i] === t; i--) tp += posW === undefined ? 1 : posW[i];
    for (; j >= 0 && neg[j] === t; j--) fp += negW === undefined ? 1 : negW[j];
    thresholds[k] = t;
    tps[k] = tp;
    fps[k] = fp;
    k++;
  }
  return { thresholds: thresholds.subarray(0, k), tps: tps.subarray(0, k), fps: fps.subarray(0, k) };
}
