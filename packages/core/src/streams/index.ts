export { AGRAWAL_FEATURES, AGRAWAL_NOMINAL, type AgrawalOptions, agrawalStream } from './agrawal.js';
export { type ClassificationStream, type StreamOptions, staleModelErrors } from './common.js';
export { type ConceptDriftOptions, conceptDriftStream, type LabelledRows } from './concept-drift.js';
export {
  type CovariateShiftOptions,
  covariateShiftRegressionStream,
  covariateShiftStream,
  type RegressionShiftOptions,
} from './covariate-shift.js';
export { type HyperplaneOptions, hyperplaneStream } from './hyperplane.js';
export { type SeaConceptOptions, type SeaOptions, seaConcept, seaStream } from './sea.js';
export { errorRateShiftSeries, meanShiftSeries, type SeriesWithDrift, type ShiftOptions } from './series.js';
export { STAGGER_VALUES, type StaggerOptions, staggerStream } from './stagger.js';
