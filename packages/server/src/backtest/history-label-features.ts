import { computeLabelFeatures, type KnownLabel, labelFeaturesOf } from '../serve/label-features.js';
import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue } from '../spec/records.js';
import type { History } from './history.js';
import type { Timeline } from './timeline.js';

/**
 * The label features of every row of a history, from the labels known by the row's time on the timeline (each
 * label known at its arrival): the same function serving uses over the store. Version 1 trains on these, the
 * static baseline predicts with them; undefined when the spec has no label features.
 */
export function historyLabelFeatures(
  spec: ModelSpec,
  history: History,
  timeline: Timeline,
): Array<Record<string, FeatureValue>> | undefined {
  const features = labelFeaturesOf(spec);
  if (features.length === 0) return undefined;
  const labels: KnownLabel[] = [];
  for (let i = 0; i < history.rows; i++) {
    const value = history.labels[i];
    const knownAt = timeline.arrival[i] as number;
    if (value !== null && value !== undefined && Number.isFinite(knownAt))
      labels.push({ time: history.times[i] as number, knownAt, value: value as ClassValue });
  }
  return computeLabelFeatures(spec, features, history.times, labels);
}
