import type { ColumnDriftOptions } from '@steward/core';
import type { ModelSpec } from '../spec/model-spec.js';

/**
 * What `detectDrift` needs to know of a model's features beyond their values: text features are declared (their
 * strings would otherwise read as categories), so they are judged by the domain classifier, which names the terms
 * that moved.
 */
export function driftColumns(spec: ModelSpec): Record<string, ColumnDriftOptions> {
  return Object.fromEntries(
    spec.features.filter((f) => f.type === 'text').map((f) => [f.name, { type: 'text' as const }]),
  );
}
