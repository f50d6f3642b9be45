import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/** Times are milliseconds since the Unix epoch (UTC) in BIGINT columns; JSON is stored as text in both stores. */
export interface ModelsTable {
  name: string;
  task: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

/** A batch of predictions as it arrived (see prediction-batch.ts for its formats). */
export interface PredictionBatchesTable {
  seq: Generated<number>;
  model: string;
  min_time: number;
  max_time: number;
  received_at: number;
  count: number;
  format: string;
  body: string;
  /** Everything but the features, a JSON array a field (see prediction-batch.ts). */
  columns: string;
  skip: string | null;
}

/** Every stored prediction id, with the batch that holds it. */
export interface PredictionIdsTable {
  model: string;
  id: string;
  batch: number;
  /** What a label needs of the prediction (null for ids stored before migration 014: read from the batch). */
  time: number | null;
  /** JSON, as the batch's columns have them; `score` and `proba` are null also when the prediction has none. */
  output: string | null;
  score: string | null;
  proba: string | null;
}

/** An id key row with what labels need of its prediction (see migration 014). */
export type IdValuesRow = Omit<PredictionIdsTable, 'model'>;

export interface LabelsTable {
  model: string;
  prediction_id: string;
  label: string;
  time: number;
  ingested_at: number;
  /** 1 while the label's prediction has not arrived (migration 008). */
  waiting: ColumnType<number, number | undefined, number>;
  /** What the last upsert that replaced this label replaced: the label (JSON) and its `waiting` (migration 013). */
  previous_label: ColumnType<string | null, string | null | undefined, string | null>;
  previous_waiting: ColumnType<number | null, number | null | undefined, number | null>;
}

/** The labels of a model with label features, by prediction (migration 011, store/label-history.ts). */
export interface LabelHistoryTable {
  model: string;
  prediction_id: string;
  prediction_time: number;
  /** The label as JSON. */
  label: string;
  known_at: number;
}

/** One row per model, base window and writer process: profiles are merged on read (see monitor/profile.ts). */
export interface ProfilesTable {
  model: string;
  window_start: number;
  shard: string;
  count: number;
  profile: string;
  updated_at: number;
}

/** A window's labelled predictions as one writer process's shard of a mergeable state (monitor/window-labels.ts). */
export interface WindowLabelsTable {
  model: string;
  window_start: number;
  shard: string;
  labelled: number;
  state: string;
  updated_at: number;
  revision: ColumnType<number, number | undefined, number>;
  /** The deltas folded into `state`: those numbered up to this. */
  through_n: ColumnType<number, number | undefined, number>;
  /** New whenever the state is rebuilt (not when deltas are folded in). */
  epoch: ColumnType<string, string | undefined, string>;
}

/** One label batch's change to a shard's window states (see monitor/window-label-delta.ts), numbered per shard. */
export interface WindowLabelDeltasTable {
  model: string;
  shard: string;
  n: number;
  delta: string;
  created_at: number;
}

/** How far each shard's deltas are folded into its state rows. */
export interface WindowLabelShardsTable {
  model: string;
  shard: string;
  folded_n: number;
}

export interface ReferencesTable {
  model: string;
  name: string;
  rows: string;
  created_at: number;
}

export interface EstimatedWindowsTable {
  model: string;
  window_start: number;
  /** 'cbpe' or 'dle'. */
  method: string;
  /** The window's predictions when it was estimated (the estimate covers the window while no more come). */
  window_rows: number;
  /** JSON: the window's EstimateState. */
  state: string;
  /** JSON: what the estimator was fitted on (EstimatorInfo). */
  estimator: string;
  created_at: number;
}

export interface CheckStatesTable {
  model: string;
  check_name: string;
  last_window: number | null;
  state: string | null;
  updated_at: number;
}

export interface CheckResultsTable {
  id: Generated<number>;
  model: string;
  check_name: string;
  window_start: number;
  window_end: number;
  status: string;
  value: number | null;
  message: string;
  detail: string | null;
  created_at: number;
}

export interface AlertsTable {
  id: string;
  model: string;
  check_name: string;
  severity: string;
  status: string;
  message: string;
  detail: string | null;
  occurrences: number;
  first_at: number;
  last_at: number;
  notified_at: number | null;
  resolved_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  /** Start of the first and the latest window the alert fired on (data time, for chart markers). */
  first_window: number | null;
  last_window: number | null;
}

export interface TokensTable {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  created_at: number;
  last_used_at: ColumnType<number | null, number | null | undefined, number | null>;
  revoked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface VersionsTable {
  model: string;
  version: number;
  sha256: string;
  format: string;
  size: number;
  parent: number | null;
  description: string | null;
  lineage: string;
  created_by: string;
  created_at: number;
}

export interface AliasesTable {
  model: string;
  alias: string;
  version: number;
  updated_at: number;
}

export interface AliasHistoryTable {
  id: Generated<number>;
  model: string;
  alias: string;
  action: string;
  from_version: number | null;
  to_version: number | null;
  reason: string | null;
  actor: string;
  at: number;
}

export interface TrainingStepsTable {
  model: string;
  version: number;
  metric: string;
  step: number;
  value: number;
  at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  model: string | null;
  detail: string;
}

export interface ShadowPredictionsTable {
  model: string;
  id: string;
  version: number;
  time: number;
  output: string;
  score: number | null;
  proba: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  model: string;
  payload: string;
  status: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface UpdateRunsTable {
  id: string;
  model: string;
  job_id: string | null;
  trigger: string;
  status: string;
  steps: string;
  outcome: string | null;
  candidate_version: number | null;
  started_at: number;
  finished_at: number | null;
}

export interface RolloutsTable {
  id: string;
  model: string;
  version: number;
  baseline: number;
  mode: string;
  share: number;
  min_labelled: number;
  tolerance: number;
  status: string;
  decision: string | null;
  started_at: number;
  decided_at: number | null;
}

export interface Database {
  models: ModelsTable;
  prediction_batches: PredictionBatchesTable;
  prediction_ids: PredictionIdsTable;
  /** SQLite: ids not yet moved into `prediction_ids` (see sqlite-batches.ts). */
  prediction_ids_recent: PredictionIdsTable;
  labels: LabelsTable;
  label_history: LabelHistoryTable;
  profiles: ProfilesTable;
  window_labels: WindowLabelsTable;
  window_label_deltas: WindowLabelDeltasTable;
  window_label_shards: WindowLabelShardsTable;
  references: ReferencesTable;
  estimated_windows: EstimatedWindowsTable;
  check_states: CheckStatesTable;
  check_results: CheckResultsTable;
  alerts: AlertsTable;
  tokens: TokensTable;
  versions: VersionsTable;
  aliases: AliasesTable;
  alias_history: AliasHistoryTable;
  training_steps: TrainingStepsTable;
  audit_events: AuditEventsTable;
  shadow_predictions: ShadowPredictionsTable;
  jobs: JobsTable;
  update_runs: UpdateRunsTable;
  rollouts: RolloutsTable;
}

/** A connection or a transaction: store functions run in either. */
export type Db = Kysely<Database> | Transaction<Database>;
