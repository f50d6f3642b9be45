export { type ColumnQuality, outOfVocabulary } from './data-quality.js';
export {
  type ColumnDistribution,
  type ColumnDrift,
  type ColumnDriftOptions,
  type DetectDriftOptions,
  type DriftReport,
  detectDrift,
} from './detect-drift.js';
export { DRIFT_METHODS, type DriftMethod, type ScoreKind } from './methods.js';
export { type Cell, type ColumnType, type DataTable, inferColumnType } from './table.js';
