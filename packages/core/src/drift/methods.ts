import { StewardInputError } from '../errors.js';
import { andersonDarling } from '../stats/anderson-darling.js';
import { chiSquareTest } from '../stats/chi-square-test.js';
import { jensenShannon, klDivergence } from '../stats/divergence.js';
import { domainClassifierTest, type TokenWeight } from '../stats/domain-classifier.js';
import { ksTestSorted } from '../stats/ks-test.js';
import { mmd } from '../stats/mmd.js';
import { proportionZTest } from '../stats/proportion-z-test.js';
import { psi, stabilityIndex } from '../stats/psi.js';
import { std } from '../stats/sample.js';
import { wassersteinSorted } from '../stats/wasserstein.js';
import {
  categoryShares,
  countLabels,
  fillZeroes,
  histogramShares,
  type Shares,
  sturgesEdges,
} from './binning.js';
import type { ColumnType } from './table.js';
import { textWords } from './text-words.js';

/** The drift methods, named as in Evidently so its users recognise them. */
export const DRIFT_METHODS = [
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl_div',
  'anderson',
  'mmd',
  'domain_classifier',
] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** What a method's score is: a p-value (drift when below the threshold) or a distance (drift when at or above). */
export type ScoreKind = 'p_value' | 'distance';

/** The values of one column on both sides, prepared once and shared by whichever method runs. */
export type ColumnSamples =
  | { type: 'numerical'; reference: Float64Array; current: Float64Array } // sorted ascending
  | { type: 'categorical' | 'text'; reference: string[]; current: string[] }
  | { type: 'embedding'; reference: ArrayLike<number>[]; current: ArrayLike<number>[] };

export interface MethodResult {
  score: number;
  /** The test statistic behind a p-value (KS D, χ², z, A², MMD², ROC AUC). */
  statistic?: number;
  /** The threshold actually applied, when the method raises the requested one (the domain classifier on small samples). */
  threshold?: number;
  /** Text columns (domain classifier): the terms that most tell current from reference. */
  tokens?: { current: TokenWeight[]; reference: TokenWeight[] };
}

export interface MethodSpec {
  label: string;
  scoreKind: ScoreKind;
  defaultThreshold: number;
  types: readonly ColumnType[];
  run(samples: ColumnSamples, seed: number, threshold: number): MethodResult;
}

const numericOrCategorical: readonly ColumnType[] = ['numerical', 'categorical'];

export const methodSpecs: Record<DriftMethod, MethodSpec> = {
  ks: {
    label: 'Kolmogorov–Smirnov p-value',
    scoreKind: 'p_value',
    defaultThreshold: 0.05,
    types: ['numerical'],
    run: (s) => {
      const { reference, current } = numerical(s);
      const r = ksTestSorted(reference, current);
      return { score: r.pValue, statistic: r.statistic };
    },
  },
  chisquare: {
    label: 'chi-square p-value',
    scoreKind: 'p_value',
    defaultThreshold: 0.05,
    types: numericOrCategorical,
    run: (s) => {
      const { reference, current } = asLabels(s);
      const r = chiSquareTest(countLabels(reference), countLabels(current));
      return { score: r.pValue, statistic: r.statistic };
    },
  },
  z: {
    label: 'Z-test p-value',
    scoreKind: 'p_value',
    defaultThreshold: 0.05,
    types: numericOrCategorical,
    run: (s) => {
      const { reference, current } = asLabels(s);
      const ref = countLabels(reference);
      const cur = countLabels(current);
      const categories = [...new Set([...ref.keys(), ...cur.keys()])].sort();
      if (categories.length > 2) {
        throw new StewardInputError(
          `the z-test compares two proportions but the column has ${categories.length} categories: use chisquare`,
          'method',
        );
      }
      const key = categories[0];
      const r = proportionZTest(ref.get(key) ?? 0, reference.length, cur.get(key) ?? 0, current.length);
      return { score: r.pValue, statistic: r.statistic };
    },
  },
  wasserstein: {
    label: 'Wasserstein distance (normed)',
    scoreKind: 'distance',
    defaultThreshold: 0.1,
    types: ['numerical'],
    run: (s) => {
      const { reference, current } = numerical(s);
      return { score: wassersteinSorted(reference, current) / Math.max(std(reference), 0.001) };
    },
  },
  jensenshannon: {
    label: 'Jensen–Shannon distance',
    scoreKind: 'distance',
    defaultThreshold: 0.1,
    types: [...numericOrCategorical, 'text'],
    run: (s) => {
      if (s.type === 'text') return wordDistance(s.reference, s.current);
      const shares = evidentlyShares(s);
      return { score: jensenShannon(shares.reference, shares.current, { base: 2 }) };
    },
  },
  psi: {
    label: 'PSI',
    scoreKind: 'distance',
    defaultThreshold: 0.1,
    types: numericOrCategorical,
    run: (s) => {
      if (s.type === 'numerical' && distinctAtLeast(s.reference, 21))
        return { score: psi(s.reference, s.current) };
      const shares = categoryShares(...labelPair(s));
      return { score: stabilityIndex(shares.reference, shares.current) };
    },
  },
  kl_div: {
    label: 'Kullback–Leibler divergence',
    scoreKind: 'distance',
    defaultThreshold: 0.1,
    types: numericOrCategorical,
    run: (s) => {
      const shares = evidentlyShares(s);
      return { score: klDivergence(fillZeroes(shares.reference), fillZeroes(shares.current)) };
    },
  },
  anderson: {
    label: 'Anderson–Darling p-value',
    scoreKind: 'p_value',
    defaultThreshold: 0.05,
    types: ['numerical'],
    run: (s) => {
      const { reference, current } = numerical(s);
      const r = andersonDarling([reference, current]);
      return { score: r.pValue, statistic: r.statistic };
    },
  },
  mmd: {
    label: 'MMD p-value',
    scoreKind: 'p_value',
    defaultThreshold: 0.05,
    types: ['numerical', 'embedding'],
    run: (s, seed) => {
      if (s.type !== 'numerical' && s.type !== 'embedding') throw wrongType('mmd', s.type);
      const r = mmd(s.reference, s.current, { seed });
      return { score: r.pValue, statistic: r.statistic };
    },
  },
  domain_classifier: {
    label: 'domain classifier ROC AUC',
    scoreKind: 'distance',
    defaultThreshold: 0.55,
    types: ['text', 'embedding'],
    run: (s, seed, threshold) => {
      if (s.type !== 'text' && s.type !== 'embedding') throw wrongType('domain_classifier', s.type);
      const r = domainClassifierTest(s.reference, s.current, { seed, threshold });
      return { score: r.rocAuc, threshold: r.threshold, ...(r.tokens ? { tokens: r.tokens } : {}) };
    },
  },
};

function wrongType(method: string, type: ColumnType): StewardInputError {
  return new StewardInputError(
    `method '${method}' does not apply to a ${type} column (it takes ${methodSpecs[method as DriftMethod].types.join(' or ')})`,
    'method',
  );
}

function numerical(s: ColumnSamples) {
  if (s.type !== 'numerical') throw wrongType('ks', s.type);
  return s;
}

function asLabels(s: ColumnSamples): { reference: string[]; current: string[] } {
  const [reference, current] = labelPair(s);
  return { reference, current };
}

function labelPair(s: ColumnSamples): [string[], string[]] {
  if (s.type === 'numerical') return [Array.from(s.reference, String), Array.from(s.current, String)];
  if (s.type === 'embedding') throw new StewardInputError('embedding columns have no categories', 'method');
  return [s.reference, s.current];
}

/** Shares the way Evidently bins for its distances: Sturges histogram when > 20 distinct reference values. */
function evidentlyShares(s: ColumnSamples): Shares {
  if (s.type === 'numerical' && distinctAtLeast(s.reference, 21)) {
    const min = Math.min(s.reference[0], s.current[0]);
    const max = Math.max(s.reference[s.reference.length - 1], s.current[s.current.length - 1]);
    const edges = sturgesEdges(min, max, s.reference.length + s.current.length);
    return {
      edges,
      reference: histogramShares(s.reference, edges),
      current: histogramShares(s.current, edges),
    };
  }
  return categoryShares(...labelPair(s));
}

/**
 * Texts compared by their words: the Jensen–Shannon distance (base 2) between the shares of each word (scikit-learn's
 * default tokens, lower-cased) among all words of each side, and the words whose share moved most each way.
 */
function wordDistance(reference: readonly string[], current: readonly string[], top = 10): MethodResult {
  const count = (texts: readonly string[]) => {
    const counts = new Map<string, number>();
    let total = 0;
    for (const words of textWords(texts))
      for (const w of words) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        total++;
      }
    return { counts, total };
  };
  const ref = count(reference);
  const cur = count(current);
  const vocabulary = [...new Set([...ref.counts.keys(), ...cur.counts.keys()])].sort();
  const share = (side: { counts: Map<string, number>; total: number }, w: string) =>
    side.total > 0 ? (side.counts.get(w) ?? 0) / side.total : 0;
  const a = Float64Array.from(vocabulary, (w) => share(ref, w));
  const b = Float64Array.from(vocabulary, (w) => share(cur, w));
  if (ref.total === 0 || cur.total === 0)
    return { score: ref.total === cur.total ? 0 : 1, tokens: { current: [], reference: [] } };
  const moved = vocabulary.map((token, i) => ({ token, weight: (b[i] as number) - (a[i] as number) }));
  moved.sort((x, y) => y.weight - x.weight || (x.token < y.token ? -1 : 1));
  return {
    score: jensenShannon(a, b, { base: 2 }),
    tokens: {
      current: moved.slice(0, top).filter((t) => t.weight > 0),
      reference: moved
        .slice(-top)
        .reverse()
        .filter((t) => t.weight < 0),
    },
  };
}

/** Whether sorted values hold at least `k` distinct values. */
export function distinctAtLeast(sorted: Float64Array, k: number): boolean {
  let distinct = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length && distinct < k; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct >= k;
}
