import { StewardInputError } from '../../errors.js';

/** One point of a metric series, judged: the band the dashboard draws and whether the value left it. */
export interface AnomalyPoint {
  value: number;
  /** What the detector expected (null while it warms up). */
  expected: number | null;
  lower: number | null;
  upper: number | null;
  /** Signed distance from expected in units of the detector's scale (null while warming up). */
  score: number | null;
  anomaly: boolean;
}

/** A detector for a metric series with one value per window (an accuracy, a latency, a drift score). */
export interface SeriesAnomalyDetector {
  update(value: number): AnomalyPoint;
  reset(): void;
  toJSON(): { kind: string; options: unknown; state: unknown };
}

export function warmingUp(value: number): AnomalyPoint {
  return { value, expected: null, lower: null, upper: null, score: null, anomaly: false };
}

export function checkValue(kind: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StewardInputError(`${kind}.update takes a finite number, got ${String(value)}`, 'value');
  }
}

/** Median of a small array (copied, not modified). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median absolute deviation from `center`, scaled by 1.4826 to estimate σ for normal data. When more than half the
 * values sit exactly on the center (a count, or an accuracy of 1, that repeats) the MAD is 0 and every other value
 * would be an anomaly forever, since anomalies do not widen the band; then the root-mean-square deviation from the
 * center (σ's plain estimate) stands in. The modified z-score's 1.2533 · mean deviation was tried and is too narrow
 * for such lumpy series (a 6 among mostly 5s scored 3.8). Only values that are all equal give a scale of 0.
 */
export function scaledMad(values: readonly number[], center: number): number {
  const deviations = values.map((v) => Math.abs(v - center));
  const mad = median(deviations);
  if (mad > 0 || deviations.length === 0) return 1.4826 * mad;
  return Math.sqrt(deviations.reduce((sum, d) => sum + d * d, 0) / deviations.length);
}
