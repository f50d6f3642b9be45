// The estimators of a model's performance without labels, fitted on its newest labelled predictions: CBPE for
// classifiers (isotonic calibration of the score, or of each class's probability), DLE for regressors (loss models
// on the inputs and the prediction). Each turns a window (its profile, or its rows) into a mergeable EstimateState.
import {
  calibrationStrata,
  estimateBinaryFromHistogram,
  estimateMulticlassPerformance,
  IsotonicRegression,
} from '@steward/core';
import type { ModelSpec } from '../../spec/model-spec.js';
import type { JoinedPrediction } from '../../spec/records.js';
import type { StoreConnection } from '../../store/open-store.js';
import { latestLabelledTime, queryPredictions } from '../../store/prediction-reads.js';
import { getReference } from '../references.js';
import type { WindowSummary } from '../windows.js';
import { classificationState, type EstimateState, mergeStates } from './estimate-state.js';
import { EstimationError } from './estimation-error.js';
import { lossModels } from './loss-model-worker.js';

/** Labelled predictions an estimator learns from (the newest), at least and at most. */
export const MIN_CALIBRATION_ROWS = 100;
export const CALIBRATION_ROWS = 5_000;
/** Binary rows predicted positive: a score of this or more (as Steward's own classifiers decide). */
export const THRESHOLD = 0.5;

/** What an estimator was fitted on. */
export interface EstimatorInfo {
  method: 'cbpe' | 'dle';
  /** Isotonic calibration of the scores (binary) or of each class's probability (multiclass); loss models (DLE). */
  fit: 'isotonic' | 'isotonic per class' | 'loss models';
  rows: number;
  from: number;
  to: number;
  /**
   * CBPE: the serving versions with a calibrator of their own (those with MIN_CALIBRATION_ROWS of the rows or more,
   * when the rows come from more than one); other versions' rows are estimated with the calibrator of all rows.
   */
  versions?: Array<{ version: string; rows: number }>;
}

export interface Estimator {
  info: EstimatorInfo;
  /** Estimates from the window's profile alone (binary: its score sketch). */
  fromProfile?(window: WindowSummary): EstimateState | null;
  /** Binary: estimates from a score histogram, (value, count) buckets. */
  fromScores?(buckets: ReadonlyArray<readonly [number, number]>): EstimateState | null;
  /** Estimates from the window's rows (with features for DLE): multiclass and regression (in a worker thread). */
  fromRows?(rows: readonly JoinedPrediction[]): EstimateState | null | Promise<EstimateState | null>;
  /** DLE reads features; CBPE does not. */
  needsFeatures: boolean;
}

interface Held {
  latest: number;
  estimator: Estimator;
}
const held = new WeakMap<ModelSpec, Held>();

/**
 * The model's estimator: fitted once on the stored reference its spec names (`estimation.reference`), else on its
 * newest labelled predictions (up to CALIBRATION_ROWS, read back a widening span at a time), fitted again as newer
 * labels come (`refitAfter`). It learns the model as it is now; what it estimates assumes that relation holds in
 * the windows estimated (covariate shift, not concept drift).
 */
export async function estimatorOf(store: StoreConnection, spec: ModelSpec): Promise<Estimator> {
  const reference = spec.estimation?.reference;
  if (reference) return referenceEstimator(store, spec, reference);
  const latest = await latestLabelledTime(store.db, spec.name);
  if (latest === undefined)
    throw new EstimationError(
      `estimating needs labelled predictions to learn from, and ${spec.name} has no labels yet`,
      409,
    );
  const kept = held.get(spec);
  if (kept && latest - kept.latest < refitAfter(spec, kept.estimator.info)) return kept.estimator;
  const usable = usableRow(spec);
  // Start from the span the last fit's rows covered: one read, not a widening series, when the rate holds.
  let span = kept
    ? Math.max(spec.window, 1.1 * (kept.estimator.info.to - kept.estimator.info.from))
    : 50 * spec.window;
  let rows: JoinedPrediction[] = [];
  for (;;) {
    const read = await queryPredictions(store.db, spec.name, {
      from: latest + 1 - span,
      to: latest + 1,
      labelled: true,
      features: spec.task === 'regression',
    });
    rows = read.filter(usable);
    if (rows.length >= CALIBRATION_ROWS || span > 400 * 86_400_000) break;
    span *= 4;
  }
  rows = rows.slice(-CALIBRATION_ROWS);
  const estimator = await fitEstimator(spec, rows, `${spec.name} has ${rows.length}: ${whatToLog(spec)}`);
  held.set(spec, { latest, estimator });
  return estimator;
}

const fromReference = new WeakMap<ModelSpec, { createdAt: number; estimator: Estimator }>();

/** The estimator fitted once on the stored reference the spec names (`estimation.reference`). */
async function referenceEstimator(store: StoreConnection, spec: ModelSpec, name: string): Promise<Estimator> {
  const stored = await store.db
    .selectFrom('references')
    .select(['created_at'])
    .where('model', '=', spec.name)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!stored)
    throw new EstimationError(
      `estimation.reference names "${name}", which is not stored yet: upload it with PUT /api/v1/models/${spec.name}/references/${name} (rows with their label and the model's ${spec.task === 'binary' ? 'score' : spec.task === 'multiclass' ? 'proba' : 'output'})`,
      409,
    );
  const createdAt = Number(stored.created_at);
  const kept = fromReference.get(spec);
  if (kept && kept.createdAt === createdAt) return kept.estimator;
  const rows = ((await getReference(store, spec.name, name)) ?? []).map((row): JoinedPrediction => {
    const { label, score, proba, output, ...features } = row;
    return {
      id: '',
      time: createdAt,
      version: null,
      segment: null,
      features,
      output: (output ?? '') as string | number,
      score: typeof score === 'number' ? score : null,
      proba: (proba ?? null) as Record<string, number> | null,
      label: (label ?? null) as string | number | null,
    };
  });
  const usable = rows.filter((r) => r.label !== null).filter(usableRow(spec));
  const estimator = await fitEstimator(spec, usable, `reference "${name}" has ${usable.length}`);
  fromReference.set(spec, { createdAt, estimator });
  return estimator;
}

async function fitEstimator(
  spec: ModelSpec,
  rows: readonly JoinedPrediction[],
  hasHowMany: string,
): Promise<Estimator> {
  if (rows.length < MIN_CALIBRATION_ROWS)
    throw new EstimationError(
      `estimating needs at least ${MIN_CALIBRATION_ROWS} labelled predictions${spec.task === 'binary' ? ' with a score' : spec.task === 'multiclass' ? ' with class probabilities' : ''} to learn from; ${hasHowMany}`,
      409,
    );
  const info = (method: EstimatorInfo['method'], fit: EstimatorInfo['fit']): EstimatorInfo => ({
    method,
    fit,
    rows: rows.length,
    from: (rows[0] as JoinedPrediction).time,
    to: (rows.at(-1) as JoinedPrediction).time,
  });
  if (spec.task === 'regression') return regressionEstimator(spec, rows, info('dle', 'loss models'));
  const fit = spec.task === 'binary' ? binaryEstimator : multiclassEstimator;
  const pooled = fit(spec, rows, info('cbpe', spec.task === 'binary' ? 'isotonic' : 'isotonic per class'));
  return perVersion(spec, rows, pooled, fit);
}

/**
 * One calibrator per serving version: a version's scores (or class probabilities) mean what its own labelled rows
 * say, not what a mix of versions says, so a window served mostly by the canary is estimated with the canary's
 * calibration. Versions with fewer than MIN_CALIBRATION_ROWS of the rows (a version just promoted), and rows naming
 * none, are estimated with the calibrator of all rows.
 */
function perVersion(
  spec: ModelSpec,
  rows: readonly JoinedPrediction[],
  pooled: Estimator,
  fit: (spec: ModelSpec, rows: readonly JoinedPrediction[], info: EstimatorInfo) => Estimator,
): Estimator {
  const groups = byVersion(rows);
  if (groups.size < 2) return pooled;
  const own = new Map<string, Estimator>();
  for (const [version, group] of groups)
    if (version !== '' && group.length >= MIN_CALIBRATION_ROWS)
      own.set(version, fit(spec, group, { ...pooled.info, rows: group.length }));
  if (own.size === 0) return pooled;
  const of = (version: string | null) => own.get(version ?? '') ?? pooled;
  const merged = (states: Array<EstimateState | null>) =>
    mergeStates(states.filter((s): s is EstimateState => s !== null && s.rows > 0));
  return {
    info: {
      ...pooled.info,
      versions: [...own].map(([version, e]) => ({ version, rows: e.info.rows })),
    },
    needsFeatures: pooled.needsFeatures,
    ...(pooled.fromProfile
      ? {
          fromProfile: (window: WindowSummary) => {
            const versions = window.profile?.scoreVersions;
            if (!versions) return pooled.fromProfile?.(window) ?? null;
            return merged(
              [...versions].map(([version, sketch]) => of(version).fromScores?.(sketch.buckets()) ?? null),
            );
          },
        }
      : {}),
    ...(pooled.fromRows
      ? {
          fromRows: async (windowRows: readonly JoinedPrediction[]) => {
            const states: Array<EstimateState | null> = [];
            for (const [version, group] of byVersion(windowRows))
              states.push((await of(version).fromRows?.(group)) ?? null);
            return merged(states);
          },
        }
      : {}),
  };
}

/** Rows by the version that served them ('' for rows naming none), in the order they come. */
function byVersion(rows: readonly JoinedPrediction[]): Map<string, JoinedPrediction[]> {
  const groups = new Map<string, JoinedPrediction[]>();
  for (const r of rows) {
    const group = groups.get(r.version ?? '');
    if (group) group.push(r);
    else groups.set(r.version ?? '', [r]);
  }
  return groups;
}

/**
 * How much newer the labels must be before the estimator is fitted again: a tenth of the time its rows span (a
 * tenth of them new), and at least a window. Refitting on every window's labels cost the demo's replay more than
 * its whole maintenance loop (it reads up to 5,000 labelled rows back each time) and moved the estimates little.
 */
function refitAfter(spec: ModelSpec, info: EstimatorInfo): number {
  return Math.max(spec.window, (info.to - info.from) / 10);
}

/** What a model must log for its performance to be estimated. */
export function whatToLog(spec: ModelSpec): string {
  if (spec.task === 'binary')
    return `log each prediction's score (the probability of ${JSON.stringify(positiveClass(spec))})`;
  if (spec.task === 'multiclass') return "log each prediction's class probabilities (proba)";
  return 'log predictions with their features and labels';
}

function positiveClass(spec: ModelSpec) {
  return spec.positiveClass ?? spec.classes?.[1] ?? 1;
}

function usableRow(spec: ModelSpec): (row: JoinedPrediction) => boolean {
  if (spec.task === 'binary') return (r) => r.score !== null;
  if (spec.task === 'multiclass') return (r) => r.proba !== null;
  return (r) => Number.isFinite(Number(r.output)) && Number.isFinite(Number(r.label));
}

function binaryEstimator(spec: ModelSpec, rows: readonly JoinedPrediction[], info: EstimatorInfo): Estimator {
  const positive = String(positiveClass(spec));
  const calibrator = new IsotonicRegression({ outOfBounds: 'clip' }).fit(
    rows.map((r) => r.score as number),
    rows.map((r) => (String(r.label) === positive ? 1 : 0)),
  );
  const calibrate = (scores: number[]) => calibrator.predict(scores);
  const calibration = calibrationStrata(
    calibrator.predict(rows.map((r) => r.score as number)),
    rows.map((r) => (String(r.label) === positive ? 1 : 0)),
  );
  const fromBuckets = (buckets: ReadonlyArray<readonly [number, number]>): EstimateState | null => {
    if (buckets.length === 0) return null;
    const e = estimateBinaryFromHistogram(buckets, calibrate, { threshold: THRESHOLD, calibration });
    return classificationState(e, e.strataCounts ? { calibration: [e.strataCounts] } : {});
  };
  return {
    info,
    needsFeatures: false,
    fromProfile: (window) => fromBuckets(window.profile?.score?.histogram() ?? []),
    fromScores: fromBuckets,
  };
}

function multiclassEstimator(
  spec: ModelSpec,
  rows: readonly JoinedPrediction[],
  info: EstimatorInfo,
): Estimator {
  const classes = (spec.classes ?? []).map(String);
  // One calibrator per class, that class against the rest, normalised per row (CalibratedClassifierCV's way).
  const calibrators = classes.map((c) =>
    new IsotonicRegression({ outOfBounds: 'clip' }).fit(
      rows.map((r) => r.proba?.[c] ?? 0),
      rows.map((r) => (String(r.label) === c ? 1 : 0)),
    ),
  );
  const calibrated = (usable: readonly JoinedPrediction[]) => {
    const columns = calibrators.map((cal, k) =>
      cal.predict(usable.map((r) => r.proba?.[classes[k] as string] ?? 0)),
    );
    return usable.map((_, i) => {
      const row = columns.map((column) => column[i] as number);
      const total = row.reduce((a, b) => a + b, 0);
      return total > 0 ? row.map((p) => p / total) : row.map(() => 1 / classes.length);
    });
  };
  // Each class's calibrator errs where it learnt from few rows: its strata, for the band.
  const reference = calibrated(rows);
  const calibration = classes.map((c, j) =>
    calibrationStrata(
      reference.map((p) => p[j] as number),
      rows.map((r) => (String(r.label) === c ? 1 : 0)),
    ),
  );
  return {
    info,
    needsFeatures: false,
    fromRows: (windowRows) => {
      const usable = windowRows.filter((r) => r.proba !== null && classes.includes(String(r.output)));
      if (usable.length === 0) return null;
      const e = estimateMulticlassPerformance(calibrated(usable), {
        predicted: usable.map((r) => classes.indexOf(String(r.output))),
        calibration,
      });
      return classificationState(e, e.strataCounts ? { classCalibration: [e.strataCounts] } : {});
    },
  };
}

let fits = 0;

/** DLE: the loss models are fitted and run in the loss-model worker thread (seconds of CPU for a large window). */
async function regressionEstimator(
  spec: ModelSpec,
  rows: readonly JoinedPrediction[],
  info: EstimatorInfo,
): Promise<Estimator> {
  const encode = featureEncoder(spec, rows);
  const key = `${spec.name}#${++fits}`;
  const X = rows.map((r) => encode(r.features));
  const fit = () =>
    lossModels.fit(
      key,
      X,
      rows.map((r) => Number(r.output)),
      rows.map((r) => Number(r.label)),
    );
  await fit();
  return {
    info,
    needsFeatures: true,
    fromRows: async (windowRows) => {
      const usable = windowRows.filter((r) => Number.isFinite(Number(r.output)));
      if (usable.length === 0) return null;
      // A worker that died took its fitted models with it: fit them again in the new one.
      if (!lossModels.fitted.has(key)) await fit();
      const e = await lossModels.estimate(
        key,
        usable.map((r) => encode(r.features)),
        usable.map((r) => Number(r.output)),
      );
      return {
        kind: 'regression',
        rows: e.rows,
        absolute: e.mae * e.rows,
        squared: e.mse * e.rows,
        absoluteVariance: (e.maeSamplingError * e.rows) ** 2,
        squaredVariance: (e.mseSamplingError * e.rows) ** 2,
        absoluteModelError: e.maeModelError * e.rows,
        squaredModelError: e.mseModelError * e.rows,
      };
    },
  };
}

/**
 * The loss models' inputs: numeric features as they are (missing ones as the reference mean), categorical ones
 * as the index of their value among the reference's values (-1 for a value the reference never had).
 */
function featureEncoder(
  spec: ModelSpec,
  rows: readonly JoinedPrediction[],
): (features: Readonly<Record<string, unknown>>) => number[] {
  const columns = spec.features
    .filter((f) => f.type === 'numeric' || f.type === 'categorical')
    .map((f) => {
      if (f.type === 'numeric') {
        let sum = 0;
        let count = 0;
        for (const r of rows) {
          const v = r.features[f.name];
          if (typeof v === 'number' && Number.isFinite(v)) {
            sum += v;
            count++;
          }
        }
        const mean = count > 0 ? sum / count : 0;
        return (features: Readonly<Record<string, unknown>>) => {
          const v = features[f.name];
          return typeof v === 'number' && Number.isFinite(v) ? v : mean;
        };
      }
      const values = new Map<string, number>();
      for (const r of rows) {
        const v = r.features[f.name];
        if (v !== null && v !== undefined && !values.has(String(v))) values.set(String(v), values.size);
      }
      return (features: Readonly<Record<string, unknown>>) => {
        const v = features[f.name];
        return v === null || v === undefined ? -1 : (values.get(String(v)) ?? -1);
      };
    });
  return (features) => columns.map((column) => column(features));
}
