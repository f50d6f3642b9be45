// An update run's dataset: the policy's window of the newest labelled predictions, split by time into training and
// held-out rows, with an optional sample of a stored reference mixed into the training rows.
import { type Row, seededRandom } from '@steward/core';
import { getReference } from '../monitor/references.js';
import type { ModelSpec, UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';
import type { StoreConnection } from '../store/open-store.js';
import { latestLabelledTime, queryPredictions } from '../store/prediction-reads.js';
import { toMatrix } from './train-fresh.js';

export interface RunDataset {
  trainX: number[][];
  trainY: ClassValue[];
  /** When each training row (of trainX) was served: recency weights (`update.halfLife`) come from it. */
  trainTimes: number[];
  heldX: number[][];
  heldY: ClassValue[];
  heldTimes: number[];
  /** The training rows as records, for pipelines (categorical features, missing values). */
  records: Row[];
  recordLabels: ClassValue[];
  recordTimes: number[];
  /** The held-out rows as records. */
  heldRecords: Row[];
  heldRecordLabels: ClassValue[];
  heldRecordTimes: number[];
  /** Labelled rows in the window. */
  rows: number;
  from: number;
  to: number;
}

export async function assembleDataset(
  store: StoreConnection,
  modelName: string,
  spec: ModelSpec,
  policy: UpdatePolicy,
  /** Where production's training window ended: held-out rows come from after it, rows it learned from train. */
  productionTrainedTo?: number,
): Promise<{ value: RunDataset; detail: Record<string, unknown> }> {
  const to = ((await latestLabelledTime(store.db, modelName)) ?? 0) + 1;
  const from = to - policy.window;
  const rows = await queryPredictions(store.db, modelName, {
    from,
    to,
    labelled: true,
    features: true,
  });
  // Split by time first: the most recent rows are held out whatever their features hold.
  let cut = Math.floor(rows.length * (1 - policy.holdoutShare));
  // Production scored on rows it was trained on (a refit learns from the last run's held-out rows) would look
  // better than it is: only rows newer than its training window are held out.
  if (productionTrainedTo !== undefined)
    while (cut < rows.length && (rows[cut] as (typeof rows)[number]).time < productionTrainedTo) cut++;
  const trainingRows = rows.slice(0, cut);
  let referenceRows = 0;
  if (policy.referenceSample) {
    const reference = await getReference(store, modelName, policy.referenceSample.name);
    if (!reference)
      throw new Error(
        `update.referenceSample: no reference "${policy.referenceSample.name}" (upload it with PUT …/references/${policy.referenceSample.name})`,
      );
    const labelled = reference.filter((r) => r.label !== undefined && r.label !== null);
    const random = seededRandom(policy.referenceSample.seed);
    for (let i = labelled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [labelled[i], labelled[j]] = [
        labelled[j] as (typeof labelled)[number],
        labelled[i] as (typeof labelled)[number],
      ];
    }
    const sample = labelled.slice(0, policy.referenceSample.rows);
    referenceRows = sample.length;
    // Older than anything in the window, so they come first in the time-ordered training rows.
    trainingRows.unshift(
      ...sample.map(({ label, ...features }, i) => ({
        id: `reference-${i}`,
        time: from,
        version: null,
        segment: null,
        features,
        output: label as ClassValue,
        score: null,
        proba: null,
        label: label as ClassValue,
      })),
    );
  }
  const training = toMatrix(spec, trainingRows);
  const heldOut = toMatrix(spec, rows.slice(cut));
  return {
    value: {
      trainX: training.X,
      trainY: training.y,
      trainTimes: training.times,
      heldX: heldOut.X,
      heldY: heldOut.y,
      heldTimes: heldOut.times,
      records: trainingRows.map((r) => r.features as Row),
      recordLabels: trainingRows.map((r) => r.label as ClassValue),
      recordTimes: trainingRows.map((r) => r.time),
      heldRecords: rows.slice(cut).map((r) => r.features as Row),
      heldRecordLabels: rows.slice(cut).map((r) => r.label as ClassValue),
      heldRecordTimes: rows.slice(cut).map((r) => r.time),
      rows: rows.length,
      from,
      to,
    },
    detail: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      rows: rows.length,
      training: cut,
      referenceRows,
      heldOut: heldOut.X.length,
      ...(productionTrainedTo !== undefined
        ? { productionTrainedTo: new Date(productionTrainedTo).toISOString() }
        : {}),
      incompleteTraining: training.dropped,
      incompleteHeldOut: heldOut.dropped,
    },
  };
}

/**
 * The online strategy's rows: every labelled prediction since the online model last learnt (`learnedTo`; the
 * policy's window before its first cut), oldest first. They are both what it learns and what the gate compares on:
 * the candidate's outputs are its test-then-train predictions, each made before it learnt the row.
 */
export async function assembleOnlineDataset(
  store: StoreConnection,
  modelName: string,
  spec: ModelSpec,
  policy: UpdatePolicy,
  learnedTo: number | undefined,
): Promise<{ value: RunDataset; detail: Record<string, unknown> }> {
  const to = ((await latestLabelledTime(store.db, modelName)) ?? 0) + 1;
  const from = Math.min(learnedTo ?? to - policy.window, to);
  const rows = await queryPredictions(store.db, modelName, { from, to, labelled: true, features: true });
  const matrix = toMatrix(spec, rows);
  const records = rows.map((r) => r.features as Row);
  const labels = rows.map((r) => r.label as ClassValue);
  const times = rows.map((r) => r.time);
  return {
    value: {
      trainX: matrix.X,
      trainY: matrix.y,
      trainTimes: matrix.times,
      heldX: matrix.X,
      heldY: matrix.y,
      heldTimes: matrix.times,
      records,
      recordLabels: labels,
      recordTimes: times,
      heldRecords: records,
      heldRecordLabels: labels,
      heldRecordTimes: times,
      rows: rows.length,
      from,
      to,
    },
    detail: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      rows: rows.length,
      learnedFrom: learnedTo === undefined ? 'the policy window' : 'the last cut',
      incomplete: matrix.dropped,
    },
  };
}

/** The whole window as training rows, held-out rows included (what a candidate that passed is refitted on). */
export function wholeWindow(data: RunDataset): RunDataset {
  return {
    ...data,
    trainX: [...data.trainX, ...data.heldX],
    trainY: [...data.trainY, ...data.heldY],
    trainTimes: [...data.trainTimes, ...data.heldTimes],
    records: [...data.records, ...data.heldRecords],
    recordLabels: [...data.recordLabels, ...data.heldRecordLabels],
    recordTimes: [...data.recordTimes, ...data.heldRecordTimes],
    heldX: [],
    heldY: [],
    heldTimes: [],
    heldRecords: [],
    heldRecordLabels: [],
    heldRecordTimes: [],
  };
}

/**
 * The held-out rows the gate compares on: through a pipeline every held-out row (categories, text and missing
 * values are its job), unless production is a matrix model, which takes only rows whose features are all numbers;
 * without a pipeline, those rows.
 */
export function gateRows(
  spec: ModelSpec,
  policy: UpdatePolicy,
  data: RunDataset,
  productionTakesRecords: boolean,
): { rows: Array<Record<string, FeatureValue>>; labels: ClassValue[] } {
  // A text model (a pipeline, or an external trainer's ONNX that tokenizes in its graph) takes the text itself.
  const candidateTakesRecords =
    policy.learner?.pipeline !== undefined || spec.features.some((f) => f.type === 'text');
  if (candidateTakesRecords && productionTakesRecords)
    return { rows: data.heldRecords as Array<Record<string, FeatureValue>>, labels: data.heldRecordLabels };
  return {
    rows: data.heldX.map((x) => Object.fromEntries(spec.features.map((f, i) => [f.name, x[i] as number]))),
    labels: data.heldY,
  };
}
