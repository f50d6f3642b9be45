import type { Label } from '../metrics/input.js';
import type { FeatureRows } from './matrix.js';
import type { ModelFile } from './model-file.js';
import type { SparseMatrix } from './text/sparse-matrix.js';

/** Rows a learner takes: dense, or sparse (hashed text) for the learners whose definition says `sparse`. */
export type LearnerRows = FeatureRows | SparseMatrix;

/**
 * What every Steward learner is to the code that trains it by name (pipelines, update runs, tuning): fit on rows
 * of numbers (optionally from its current state), learn one more batch when it is online, predict, save.
 */
export interface Learner {
  fit(X: LearnerRows, y: never, options?: { warmStart?: boolean; sampleWeight?: ArrayLike<number> }): unknown;
  /**
   * True for learners that also take a `SparseMatrix` wherever they take rows (hashed text); a pipeline with text
   * columns needs one.
   */
  readonly sparseInput?: boolean;
  /** Online learners only: one more batch on top of what was learnt (River's `learn_many`). */
  partialFit?(X: LearnerRows, y: never): unknown;
  predict(X: LearnerRows): ArrayLike<Label> | ArrayLike<number>;
  predictProba?(X: LearnerRows): Float64Array[];
  toJSON(): ModelFile;
}
