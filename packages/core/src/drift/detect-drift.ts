import { StewardInputError } from '../errors.js';
import type { TokenWeight } from '../stats/domain-classifier.js';
import { sortedCopy } from '../stats/sort.js';
import { categoryShares, equalEdges, histogramShares } from './binning.js';
import {
  type ColumnQuality,
  missingShares,
  newCategories,
  outOfRangeShare,
  outOfVocabulary,
} from './data-quality.js';
import {
  type ColumnSamples,
  DRIFT_METHODS,
  type DriftMethod,
  methodSpecs,
  type ScoreKind,
} from './methods.js';
import {
  type Cell,
  type ColumnType,
  type DataTable,
  inferColumnType,
  labelValues,
  missingCount,
  numericValues,
  toColumns,
  vectorValues,
} from './table.js';

export interface ColumnDriftOptions {
  /** The test or distance for this column (default: chosen by type and reference size, as Evidently). */
  method?: DriftMethod;
  /** Drift when a p-value is below, or a distance at or above, this (default: the method's). */
  threshold?: number;
  /** Override the inferred type; `text` must be declared. */
  type?: ColumnType;
}

export interface DetectDriftOptions {
  /** Columns to compare (default: every column of the reference). Each must exist on both sides. */
  columns?: readonly string[];
  /** Method for every column unless a column says otherwise. */
  method?: DriftMethod;
  /** Threshold for every column unless a column says otherwise. */
  threshold?: number;
  /** Per-column overrides of method, threshold and type. */
  perColumn?: Readonly<Record<string, ColumnDriftOptions>>;
  /** The data set has drifted when at least this share of its columns has (default 0.5, as Evidently). */
  driftShare?: number;
  /** Seed for the permutation and classifier methods (default 0). */
  seed?: number;
}

/** Overlaid reference/current distributions for charts: equal-width bins or categories, shares summing to 1. */
export interface ColumnDistribution {
  edges?: number[];
  categories?: string[];
  reference: number[];
  current: number[];
}

export interface ColumnDrift {
  column: string;
  type: ColumnType;
  method: DriftMethod;
  /** Human name of the method and its score, for example 'Kolmogorov–Smirnov p-value'. */
  methodLabel: string;
  scoreKind: ScoreKind;
  /** The p-value or distance that decides drift. */
  score: number;
  /** The statistic behind a p-value, when the method has one. */
  statistic?: number;
  threshold: number;
  drifted: boolean;
  referenceRows: number;
  currentRows: number;
  quality: ColumnQuality;
  distribution?: ColumnDistribution;
  /** Text columns: the words and word pairs that most tell current from reference (positive: more in current). */
  tokens?: { current: TokenWeight[]; reference: TokenWeight[] };
}

export interface DriftReport {
  columns: ColumnDrift[];
  columnCount: number;
  driftedColumns: number;
  /** driftedColumns / columnCount. */
  driftShare: number;
  driftShareThreshold: number;
  /** Whether the data set as a whole has drifted: driftShare ≥ driftShareThreshold. */
  datasetDrift: boolean;
}

/** Evidently's boundary between small and large references for choosing a default method. */
const SMALL_REFERENCE = 1000;
const REPORT_BINS = 30;
const REPORT_CATEGORIES = 30;

/**
 * Compares every column of `current` with `reference` and says which have drifted and whether the data set has.
 *
 * Defaults follow Evidently: with a reference of at most 1000 rows, numerical columns use the Kolmogorov–Smirnov
 * test, categorical ones chi-square and two-valued ones the proportion z-test (drift when p < 0.05); with more,
 * numerical columns use the normed Wasserstein distance and categorical ones the Jensen–Shannon distance
 * (drift when ≥ 0.1). A numerical column with at most 5 distinct values counts as categorical; text and embedding
 * columns use a domain classifier. Missing values are left out of the tests and reported in `quality`.
 *
 * @example detectDrift({ x: [1, 2, 3, 4, 5, 6, 7, 8] }, { x: [11, 12, 13, 14, 15, 16, 17, 18] }).datasetDrift; // true
 */
export function detectDrift(
  reference: DataTable,
  current: DataTable,
  options: DetectDriftOptions = {},
): DriftReport {
  const ref = toColumns('reference', reference);
  const cur = toColumns('current', current);
  const columns = options.columns ?? ref.names;
  if (columns.length === 0) throw new StewardInputError('no columns to compare', 'columns');
  const curNames = new Set(cur.names);
  const refNames = new Set(ref.names);
  const missingInCurrent = columns.filter((c) => !curNames.has(c));
  const missingInReference = columns.filter((c) => !refNames.has(c));
  if (missingInReference.length > 0) {
    throw new StewardInputError(`reference has no column ${quoteList(missingInReference)}`, 'columns');
  }
  if (missingInCurrent.length > 0) {
    throw new StewardInputError(
      `current has no column ${quoteList(missingInCurrent)} that reference has: compare the same columns, or pass columns to choose`,
      'columns',
    );
  }
  checkOptions(options);
  const driftShareThreshold = options.driftShare ?? 0.5;
  const results = columns.map((column) =>
    columnDrift(column, ref.get(column), cur.get(column), ref.rows, cur.rows, options),
  );
  const driftedColumns = results.filter((r) => r.drifted).length;
  const driftShare = driftedColumns / results.length;
  return {
    columns: results,
    columnCount: results.length,
    driftedColumns,
    driftShare,
    driftShareThreshold,
    datasetDrift: driftShare >= driftShareThreshold,
  };
}

function columnDrift(
  column: string,
  refValues: ArrayLike<Cell>,
  curValues: ArrayLike<Cell>,
  refRows: number,
  curRows: number,
  options: DetectDriftOptions,
): ColumnDrift {
  const own = options.perColumn?.[column] ?? {};
  const declared = own.type;
  const type = declared ?? inferColumnType(column, refValues) ?? inferColumnType(column, curValues);
  if (type === undefined) {
    throw new StewardInputError(
      `column '${column}' has only missing values in both reference and current`,
      column,
    );
  }
  const samples = prepare(column, type, refValues, curValues);
  if (samples.reference.length === 0 || samples.current.length === 0) {
    const side = samples.reference.length === 0 ? 'reference' : 'current';
    throw new StewardInputError(
      `column '${column}' has only missing values in ${side}: nothing to compare`,
      column,
    );
  }
  const method = own.method ?? options.method ?? defaultMethod(samples, refRows);
  const spec = methodSpecs[method];
  if (!spec.types.includes(samples.type)) {
    throw new StewardInputError(
      `column '${column}' is ${samples.type} but method '${method}' takes ${spec.types.join(' or ')} columns`,
      column,
    );
  }
  const requested = own.threshold ?? options.threshold ?? spec.defaultThreshold;
  const result = spec.run(samples, options.seed ?? 0, requested);
  const { score, statistic } = result;
  const threshold = result.threshold ?? requested;
  const drifted = spec.scoreKind === 'p_value' ? score < threshold : score >= threshold;
  const quality: ColumnQuality = missingShares(
    missingCount(refValues),
    refRows,
    missingCount(curValues),
    curRows,
  );
  if (samples.type === 'numerical')
    quality.outOfRangeShare = outOfRangeShare(samples.reference, samples.current);
  if (samples.type === 'categorical')
    quality.newCategories = newCategories(samples.reference, samples.current);
  if (samples.type === 'text') quality.outOfVocabulary = outOfVocabulary(samples.reference, samples.current);
  return {
    column,
    type: samples.type,
    method,
    methodLabel: spec.label,
    scoreKind: spec.scoreKind,
    score,
    ...(statistic === undefined ? {} : { statistic }),
    threshold,
    drifted,
    ...(result.tokens ? { tokens: result.tokens } : {}),
    referenceRows: samples.reference.length,
    currentRows: samples.current.length,
    quality,
    ...distributionOf(samples),
  };
}

function prepare(
  column: string,
  type: ColumnType,
  ref: ArrayLike<Cell>,
  cur: ArrayLike<Cell>,
): ColumnSamples {
  switch (type) {
    case 'numerical':
      return {
        type,
        reference: sortedCopy(numericValues('reference', column, ref)),
        current: sortedCopy(numericValues('current', column, cur)),
      };
    case 'embedding':
      return {
        type,
        reference: vectorValues('reference', column, ref),
        current: vectorValues('current', column, cur),
      };
    default:
      return { type, reference: labelValues(ref), current: labelValues(cur) };
  }
}

function distinctCount(samples: ColumnSamples): number {
  if (samples.type === 'numerical') return pooledDistinct(samples.reference, samples.current, 6);
  if (samples.type === 'embedding') return Number.POSITIVE_INFINITY;
  return new Set([...samples.reference, ...samples.current]).size;
}

/** Distinct values across two sorted samples, counting no further than `cap`. */
function pooledDistinct(a: Float64Array, b: Float64Array, cap: number): number {
  let i = 0;
  let j = 0;
  let distinct = 0;
  while ((i < a.length || j < b.length) && distinct < cap) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    distinct++;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return distinct;
}

function defaultMethod(samples: ColumnSamples, referenceRows: number): DriftMethod {
  if (samples.type === 'text' || samples.type === 'embedding') return 'domain_classifier';
  const distinct = distinctCount(samples);
  const categorical = samples.type === 'categorical' || distinct <= 5;
  if (referenceRows <= SMALL_REFERENCE) {
    if (!categorical) return 'ks';
    return distinct <= 2 ? 'z' : 'chisquare';
  }
  return categorical ? 'jensenshannon' : 'wasserstein';
}

function distributionOf(samples: ColumnSamples): { distribution?: ColumnDistribution } {
  if (samples.type === 'numerical' && pooledDistinct(samples.reference, samples.current, 6) > 5) {
    const { reference: a, current: b } = samples;
    const min = Math.min(a[0], b[0]);
    const max = Math.max(a[a.length - 1], b[b.length - 1]);
    const edges = equalEdges(min === max ? min - 0.5 : min, min === max ? max + 0.5 : max, REPORT_BINS);
    return {
      distribution: {
        edges,
        reference: Array.from(histogramShares(a, edges)),
        current: Array.from(histogramShares(b, edges)),
      },
    };
  }
  if (samples.type === 'numerical' || samples.type === 'categorical') {
    const toLabels = (v: Float64Array | string[]) => (Array.isArray(v) ? v : Array.from(v, String));
    const shares = categoryShares(toLabels(samples.reference), toLabels(samples.current));
    const categories = shares.categories ?? [];
    const order = categories
      .map((_, i) => i)
      .sort((i, j) => shares.reference[j] + shares.current[j] - shares.reference[i] - shares.current[i]);
    const top = order.slice(0, REPORT_CATEGORIES);
    return {
      distribution: {
        categories: top.map((i) => categories[i]),
        reference: top.map((i) => shares.reference[i]),
        current: top.map((i) => shares.current[i]),
      },
    };
  }
  return {};
}

function checkOptions(options: DetectDriftOptions): void {
  const check = (method: unknown, where: string) => {
    if (method !== undefined && !DRIFT_METHODS.includes(method as DriftMethod)) {
      throw new StewardInputError(
        `${where} method '${String(method)}' is unknown: use one of ${DRIFT_METHODS.join(', ')}`,
        'method',
      );
    }
  };
  check(options.method, 'the');
  for (const [column, own] of Object.entries(options.perColumn ?? {}))
    check(own.method, `column '${column}'`);
  const share = options.driftShare;
  if (share !== undefined && !(share > 0 && share <= 1)) {
    throw new StewardInputError('driftShare must be in (0, 1]', 'driftShare');
  }
}

function quoteList(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
