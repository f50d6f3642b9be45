import type { ColumnDriftOptions, DriftMethod } from '@steward/core';
import type { ModelSpec } from '../spec/model-spec.js';

/**
 * What `detectDrift` needs to know of a model's features beyond their values: text features are declared (their
 * strings would otherwise read as categories). Checks judge them by the domain classifier (the default), which names
 * the terms that moved; the dashboard's heatmap, which judges every window on each read, by `jensenshannon` between
 * word shares, which costs a count of the words.
 */
export function driftColumns(spec: ModelSpec, textMethod?: DriftMethod): Record<string, ColumnDriftOptions> {
  return Object.fromEntries(
    spec.features
      .filter((f) => f.type === 'text')
      .map((f) => [f.name, { type: 'text' as const, ...(textMethod ? { method: textMethod } : {}) }]),
  );
}
