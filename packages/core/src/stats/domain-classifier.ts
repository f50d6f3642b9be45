import { StewardInputError } from '../errors.js';
import { rocAuc } from '../metrics/ranking.js';
import { seededRandom, shuffleInPlace } from './random.js';

/** Rows for the domain classifier: texts, or numeric vectors such as embeddings. */
export type DomainSample = readonly string[] | ArrayLike<ArrayLike<number>>;

export interface DomainClassifierOptions {
  /**
   * Drift when the held-out ROC AUC exceeds this (default 0.55, Evidently's text-drift threshold) and also exceeds
   * what a random classifier reaches 5% of the time on a test set this small (0.5 + 1.645·σ, σ² = (m + n + 1)/12mn,
   * the null variance of the Mann–Whitney AUC). The second bound keeps small samples from false alarms.
   */
  threshold?: number;
  /** Share of each sample held out to measure the classifier (default 0.3). */
  testShare?: number;
  /** Seed of the split and of the training order (default 0). */
  seed?: number;
  /** Passes of stochastic gradient descent over the training rows (default 10). */
  epochs?: number;
  /** Texts: how many of the terms that most tell the two apart to name, each way (default 10). */
  topTokens?: number;
}

/** A word or word pair and its weight in the classifier: positive leans current, negative reference. */
export interface TokenWeight {
  token: string;
  weight: number;
}

export interface DomainClassifierResult {
  /** ROC AUC of telling current (positive) from reference rows on the held-out rows; 0.5 means indistinguishable. */
  rocAuc: number;
  /** The bound the AUC was compared with: the larger of the threshold and the random-classifier bound. */
  threshold: number;
  drifted: boolean;
  trainRows: number;
  testRows: number;
  /**
   * Texts only: the terms (words and word pairs) that most tell current from reference, by the classifier's weight
   * on their hashed feature (each named by the commonest term of the samples in that feature).
   */
  tokens?: { current: TokenWeight[]; reference: TokenWeight[] };
}

const HASH_DIMENSIONS = 1 << 14;

/**
 * Domain-classifier drift test for text or embedding columns: a logistic regression learns to tell reference rows
 * from current rows; if it can (held-out ROC AUC above the threshold), the two differ. Texts are lower-cased,
 * split into word unigrams and bigrams, hashed into 16,384 features with log(1 + count) weights and L2-normalised;
 * vectors are standardised with the training rows' mean and deviation.
 *
 * @example domainClassifierTest(['red apple', 'green apple', 'red pear', 'ripe apple', 'red plum', 'apple pie'], ['blue car', 'fast car', 'blue bus', 'old car', 'blue van', 'car park'], { testShare: 0.5 }).drifted; // true
 */
export function domainClassifierTest(
  reference: DomainSample,
  current: DomainSample,
  options: DomainClassifierOptions = {},
): DomainClassifierResult {
  const threshold = options.threshold ?? 0.55;
  const testShare = options.testShare ?? 0.3;
  if (!(testShare > 0 && testShare < 1))
    throw new StewardInputError('testShare must be between 0 and 1', 'testShare');
  const ref = toFeatures('reference', reference);
  const cur = toFeatures('current', current);
  if (ref.dimensions !== cur.dimensions) {
    throw new StewardInputError(
      `reference rows have ${ref.dimensions} values but current rows have ${cur.dimensions}`,
      'current',
    );
  }
  const random = seededRandom(options.seed ?? 0);
  const split = (rows: SparseRow[], label: 0 | 1) => {
    const shuffled = rows.slice();
    shuffleInPlace(shuffled, random);
    const nTest = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * testShare)));
    const tag = (r: SparseRow) => ({ row: r, label });
    return { test: shuffled.slice(0, nTest).map(tag), train: shuffled.slice(nTest).map(tag) };
  };
  const a = split(ref.rows, 0);
  const b = split(cur.rows, 1);
  const train = [...a.train, ...b.train];
  const test = [...a.test, ...b.test];
  if (ref.kind === 'vector') standardise(train, test, ref.dimensions);
  const weights = trainLogistic(
    train,
    ref.dimensions,
    options.epochs ?? 10,
    a.train.length,
    b.train.length,
    random,
  );
  const scores = test.map(({ row }) => dot(weights, row));
  const auc = rocAuc(
    test.map((t) => t.label),
    scores,
  );
  const m = a.test.length;
  const n = b.test.length;
  const randomBound = 0.5 + 1.6448536269514722 * Math.sqrt((m + n + 1) / (12 * m * n));
  const bound = Math.max(threshold, randomBound);
  return {
    rocAuc: auc,
    threshold: bound,
    drifted: auc > bound,
    trainRows: train.length,
    testRows: test.length,
    ...(ref.kind === 'text'
      ? { tokens: namedTokens(weights, [reference, current] as string[][], options.topTokens ?? 10) }
      : {}),
  };
}

/** The features of largest weight each way, named by the commonest term of the texts that hashes to each. */
function namedTokens(
  weights: Float64Array,
  samples: readonly (readonly string[])[],
  top: number,
): { current: TokenWeight[]; reference: TokenWeight[] } {
  const order = Array.from({ length: HASH_DIMENSIONS }, (_, j) => j).sort(
    (a, b) => (weights[b] as number) - (weights[a] as number),
  );
  const current = order.slice(0, top).filter((j) => (weights[j] as number) > 0);
  const reference = order
    .slice(-top)
    .reverse()
    .filter((j) => (weights[j] as number) < 0);
  const wanted = new Set([...current, ...reference]);
  const counts = new Map<string, number>();
  for (const texts of samples)
    for (const text of texts) forEachTerm(text, (term) => counts.set(term, (counts.get(term) ?? 0) + 1));
  const names = new Map<number, { term: string; count: number }>();
  for (const [term, count] of counts) {
    const j = bucketOf(term);
    if (!wanted.has(j)) continue;
    const best = names.get(j);
    if (!best || count > best.count || (count === best.count && term < best.term))
      names.set(j, { term, count });
  }
  const named = (j: number) => ({ token: names.get(j)?.term ?? `#${j}`, weight: weights[j] as number });
  return { current: current.map(named), reference: reference.map(named) };
}

interface SparseRow {
  index: Int32Array;
  value: Float64Array;
}

function toFeatures(name: string, sample: DomainSample) {
  if (sample === null || typeof sample !== 'object' || typeof sample.length !== 'number') {
    throw new StewardInputError(`${name} must be an array of texts or of vectors`, name);
  }
  if (sample.length < 2)
    throw new StewardInputError(`${name} needs at least 2 rows for a domain classifier`, name);
  const rows: SparseRow[] = [];
  if (typeof sample[0] === 'string') {
    for (let i = 0; i < sample.length; i++) {
      const text = sample[i];
      if (typeof text !== 'string') throw new StewardInputError(`${name}[${i}] is not a text`, name);
      rows.push(hashText(text));
    }
    return { kind: 'text' as const, rows, dimensions: HASH_DIMENSIONS + 1 };
  }
  const dims = (sample[0] as ArrayLike<number>).length;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i] as ArrayLike<number>;
    if (v === null || typeof v !== 'object' || v.length !== dims) {
      throw new StewardInputError(`${name}[${i}] must be a vector of ${dims} numbers`, name);
    }
    const value = new Float64Array(dims + 1);
    for (let k = 0; k < dims; k++) {
      if (!Number.isFinite(v[k]))
        throw new StewardInputError(`${name}[${i}] holds ${v[k]}: need finite numbers`, name);
      value[k] = v[k];
    }
    value[dims] = 1; // bias
    rows.push({ index: Int32Array.from({ length: dims + 1 }, (_, k) => k), value });
  }
  return { kind: 'vector' as const, rows, dimensions: dims + 1 };
}

/** Calls `add` with each word of a text (lower-cased) and each pair of neighbouring words. */
function forEachTerm(text: string, add: (term: string) => void): void {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i] as string);
    if (i > 0) add(`${tokens[i - 1]} ${tokens[i]}`);
  }
}

const bucketOf = (term: string) => fnv1a(term) & (HASH_DIMENSIONS - 1);

function hashText(text: string): SparseRow {
  const counts = new Map<number, number>();
  forEachTerm(text, (term) => {
    const h = bucketOf(term);
    counts.set(h, (counts.get(h) ?? 0) + 1);
  });
  const index = new Int32Array(counts.size + 1);
  const value = new Float64Array(counts.size + 1);
  let k = 0;
  let norm = 0;
  for (const [h, c] of counts) {
    index[k] = h;
    value[k] = Math.log1p(c);
    norm += value[k] ** 2;
    k++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < k; i++) value[i] /= norm;
  index[k] = HASH_DIMENSIONS; // bias
  value[k] = 1;
  return { index, value };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function standardise(train: { row: SparseRow }[], test: { row: SparseRow }[], dims: number): void {
  const features = dims - 1;
  const mean = new Float64Array(features);
  const sd = new Float64Array(features);
  for (const { row } of train) for (let k = 0; k < features; k++) mean[k] += row.value[k] / train.length;
  for (const { row } of train)
    for (let k = 0; k < features; k++) sd[k] += (row.value[k] - mean[k]) ** 2 / train.length;
  for (let k = 0; k < features; k++) sd[k] = Math.sqrt(sd[k]) || 1;
  for (const { row } of [...train, ...test])
    for (let k = 0; k < features; k++) row.value[k] = (row.value[k] - mean[k]) / sd[k];
}

/** Class-balanced logistic regression by SGD with a decaying step and a small L2 penalty. */
function trainLogistic(
  train: { row: SparseRow; label: 0 | 1 }[],
  dims: number,
  epochs: number,
  negatives: number,
  positives: number,
  random: () => number,
): Float64Array {
  const w = new Float64Array(dims);
  const classWeight = [
    train.length / (2 * Math.max(negatives, 1)),
    train.length / (2 * Math.max(positives, 1)),
  ];
  const order = train.slice();
  const l2 = 1e-4;
  let t = 0;
  for (let e = 0; e < epochs; e++) {
    shuffleInPlace(order, random);
    for (const { row, label } of order) {
      const step = 0.5 / (1 + 0.01 * t++);
      const p = 1 / (1 + Math.exp(-dot(w, row)));
      const g = (p - label) * classWeight[label];
      for (let k = 0; k < row.index.length; k++) {
        const j = row.index[k];
        w[j] -= step * (g * row.value[k] + l2 * w[j]);
      }
    }
  }
  return w;
}

function dot(w: Float64Array, row: SparseRow): number {
  let s = 0;
  for (let k = 0; k < row.index.length; k++) s += w[row.index[k]] * row.value[k];
  return s;
}
