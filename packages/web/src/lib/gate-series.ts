import type { UpdateRunView } from '@steward/client';

/** Runs a point of the gate chart pools: a row-weighted mean over the newest this many gate comparisons. */
export const GATE_ROLLING_RUNS = 10;

export interface GateSeries {
  /** Epoch seconds of each run's start, oldest first. */
  x: number[];
  /** The metric the gate compared on (the model's primary metric). */
  metric: string;
  /** The candidate's value on each run's gate rows, pooled over the last GATE_ROLLING_RUNS runs by rows. */
  candidate: number[];
  /** Production's value on the same rows, pooled the same way. */
  production: number[];
  /** Rows behind each point (all pooled runs). */
  rows: number[];
  /** Every run was the online strategy: the candidate is the online model's test-then-train predictions. */
  online: boolean;
}

interface Comparison {
  time: number;
  rows: number;
  candidate: number;
  production: number;
  metric: string;
  online: boolean;
}

/** What a run's evaluate step compared: the metric on the gate's rows for candidate and production, if both. */
function comparisonOf(run: UpdateRunView): Comparison | undefined {
  const evaluate = run.steps.find((s) => s.name === 'evaluate' && s.status === 'done');
  const primary = evaluate?.detail.primary as
    | { metric?: unknown; candidate?: unknown; production?: unknown }
    | undefined;
  const rows = evaluate?.detail.rows;
  if (
    typeof primary?.candidate !== 'number' ||
    typeof primary.production !== 'number' ||
    typeof primary.metric !== 'string' ||
    typeof rows !== 'number' ||
    rows <= 0
  )
    return undefined;
  const train = run.steps.find((s) => s.name === 'train');
  return {
    time: run.startedAt,
    rows,
    candidate: primary.candidate,
    production: primary.production,
    metric: primary.metric,
    online: train?.detail.strategy === 'online',
  };
}

/**
 * The gate's comparisons over time: each run's candidate and production scored on the same rows, pooled over the
 * last GATE_ROLLING_RUNS runs weighted by their rows (for accuracy on runs whose rows do not overlap, as an online
 * model's cuts, exactly the accuracy on all those rows). For an online model this is its rolling test-then-train
 * metric beside the served version's on the same rows. Runs on another metric than the newest run's are left out;
 * undefined with fewer than two points.
 */
export function gateSeries(runs: readonly UpdateRunView[]): GateSeries | undefined {
  const all = runs
    .map(comparisonOf)
    .filter((c): c is Comparison => c !== undefined)
    .sort((a, b) => a.time - b.time);
  const metric = all.at(-1)?.metric;
  const compared = all.filter((c) => c.metric === metric);
  if (metric === undefined || compared.length < 2) return undefined;
  const series: GateSeries = {
    x: [],
    metric,
    candidate: [],
    production: [],
    rows: [],
    online: compared.every((c) => c.online),
  };
  compared.forEach((c, i) => {
    const pooled = compared.slice(Math.max(0, i + 1 - GATE_ROLLING_RUNS), i + 1);
    const rows = pooled.reduce((sum, p) => sum + p.rows, 0);
    series.x.push(c.time / 1000);
    series.rows.push(rows);
    series.candidate.push(pooled.reduce((sum, p) => sum + p.candidate * p.rows, 0) / rows);
    series.production.push(pooled.reduce((sum, p) => sum + p.production * p.rows, 0) / rows);
  });
  return series;
}
