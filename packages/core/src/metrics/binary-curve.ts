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
  const n = positive.length;
  let nPos = 0;
  let nNeg = 0;
  for (let i = 0; i < n; i++) {
    if (sampleWeight !== undefined && sampleWeight[i] === 0) continue;
    if (positive[i]) nPos++;
    else nNeg++;
  }
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  if (sampleWeight === undefined) {
    for (let i = 0, p = 0, q = 0; i < n; i++) {
      if (positive[i]) pos[p++] = scores[i];
      else neg[q++] = scores[i];
    }
    pos.sort();
    neg.sort();
    return mergeFromTop(pos, undefined, neg, undefined);
  }
  const posIdx = new Uint32Array(nPos);
  const negIdx = new Uint32Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (sampleWeight[i] === 0) continue;
    if (positive[i]) posIdx[p++] = i;
    else negIdx[q++] = i;
  }
  const byScore = (a: number, b: number) => scores[a] - scores[b];
  posIdx.sort(byScore);
  negIdx.sort(byScore);
  const gather = (idx: Uint32Array, from: Numbers) => Float64Array.from(idx, (i) => from[i]);
  return mergeFromTop(
    gather(posIdx, scores),
    gather(posIdx, sampleWeight),
    gather(negIdx, scores),
    gather(negIdx, sampleWeight),
  );
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
