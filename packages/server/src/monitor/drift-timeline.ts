import { type ColumnDrift, detectDrift } from '@steward/core';
import type { ModelSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { queryPredictions } from '../store/prediction-reads.js';
import { windowStart } from './ingestion.js';

/** One feature in one window: enough to colour a heatmap cell and to explain it. */
export interface DriftCell {
  score: number;
  threshold: number;
  scoreKind: ColumnDrift['scoreKind'];
  method: string;
  drifted: boolean;
}

export interface DriftTimeline {
  features: string[];
  windows: Array<{
    start: number;
    end: number;
    rows: number;
    /** Null when the window has fewer rows than minRows: too few to judge. */
    columns: Record<string, DriftCell> | null;
  }>;
}

const MAX_ROWS = 500_000;

/**
 * Drift of every feature in every window of [from, to) against one reference (or, `'previous'`, each against the
 * last window before it that has predictions, when that one has enough to judge by): the feature × window matrix
 * behind the dashboard's heatmap. Windows are read in one query and judged with the same `detectDrift` the
 * drift checks use, so a cell agrees with what a check on that window would say.
 */
export async function driftTimeline(
  store: StoreConnection,
  spec: ModelSpec,
  reference: ReadonlyArray<Record<string, unknown>> | 'previous',
  query: { from: number; to: number; size?: number; minRows?: number },
): Promise<DriftTimeline> {
  const size = query.size ?? spec.window;
  const minRows = query.minRows ?? 30;
  const features = spec.features.filter((f) => f.type !== 'text').map((f) => f.name);
  const rows = await queryPredictions(store.db, spec.name, {
    from: windowStart(query.from, size),
    to: query.to,
    features: true,
    limit: MAX_ROWS,
  });
  const buckets = new Map<number, Array<Record<string, never>>>();
  for (const row of rows) {
    const start = windowStart(row.time, size);
    const bucket = buckets.get(start) ?? [];
    bucket.push(row.features as Record<string, never>);
    buckets.set(start, bucket);
  }
  const windows: DriftTimeline['windows'] = [];
  let before: Array<Record<string, never>> | undefined;
  for (const [start, current] of [...buckets].sort((a, b) => a[0] - b[0])) {
    // Against the previous window: the one just before, when it holds enough rows to judge by.
    const against =
      reference === 'previous'
        ? before !== undefined && before.length >= minRows
          ? before
          : undefined
        : (reference as Array<Record<string, never>>);
    before = current;
    if (current.length < minRows || against === undefined) {
      windows.push({ start, end: start + size, rows: current.length, columns: null });
      continue;
    }
    const report = detectDrift(against, current, { columns: features });
    windows.push({
      start,
      end: start + size,
      rows: current.length,
      columns: Object.fromEntries(
        report.columns.map((c) => [
          c.column,
          {
            score: c.score,
            threshold: c.threshold,
            scoreKind: c.scoreKind,
            method: c.methodLabel,
            drifted: c.drifted,
          },
        ]),
      ),
    });
  }
  return { features, windows };
}
