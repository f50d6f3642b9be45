import type { DriftCellView } from '@steward/client';

/**
 * How far a cell is towards its drift threshold, on one scale for p-values and distances: 1 at the threshold,
 * above 1 drifted. A p-value is compared on a log scale (p = threshold² scores 2).
 */
export function driftIntensity(cell: DriftCellView): number {
  if (cell.scoreKind === 'p_value') {
    const p = Math.max(cell.score, 1e-300);
    return Math.max(0, Math.log(p) / Math.log(cell.threshold));
  }
  return cell.threshold > 0 ? cell.score / cell.threshold : 0;
}

/** White through amber to red as intensity goes 0 → 1 → 2 and beyond. */
export function driftColour(intensity: number): string {
  const t = Math.max(0, Math.min(intensity, 2)) / 2;
  const hue = 45 - 45 * t;
  const lightness = 97 - 47 * t;
  return `hsl(${hue.toFixed(0)}, 90%, ${lightness.toFixed(0)}%)`;
}
