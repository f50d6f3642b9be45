// The records every layer passes around: what ingestion validated and what the store gives back.

export type FeatureValue = number | string | boolean | number[] | null;
export type ClassValue = string | number;

/** A prediction after validation: time in epoch milliseconds, missing features as null. */
export interface PredictionRecord {
  id: string;
  time: number;
  version: string | null;
  segment: string | null;
  features: Record<string, FeatureValue>;
  output: ClassValue;
  score: number | null;
  proba: Record<string, number> | null;
}

/** A row to serve a prediction for. */
export interface InputRecord {
  id: string;
  time: number;
  segment: string | null;
  /** Routes the row to production or the canary, the same way every time. Default: the id. */
  key: string;
  features: Record<string, FeatureValue>;
}

export interface LabelRecord {
  predictionId: string;
  label: ClassValue;
  time: number;
}

/**
 * The words a model version learnt, per text column: what ingestion checks each served text against (the registry
 * keeps them, window profiles count the unseen ones).
 */
export type VocabularySets = ReadonlyMap<string, ReadonlySet<string>>;

/** A stored prediction with its label, if one arrived. */
export interface JoinedPrediction {
  id: string;
  time: number;
  version: string | null;
  segment: string | null;
  features: Record<string, unknown>;
  output: string | number;
  score: number | null;
  proba: Record<string, number> | null;
  label: string | number | null;
}

/** A label as it was known: its prediction's time, when Steward had it, and its value (label-history features). */
export interface KnownLabel {
  /** The labelled prediction's time (epoch ms). */
  time: number;
  /** When the label reached Steward: it counts for rows at or after this time only. */
  knownAt: number;
  value: ClassValue;
}
