/** Display helpers shared by the pages. */
export const ALL_TIME = { from: 0, to: Date.now() + 365 * 86_400_000 };

export const KEY_METRICS: Record<string, string[]> = {
  binary: ['accuracy', 'f1', 'rocAuc'],
  multiclass: ['accuracy', 'f1'],
  regression: ['rmse', 'mae', 'r2'],
};

export function num(value: unknown, digits = 4): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

export function when(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '—' : date.toISOString().slice(0, 16).replace('T', ' ');
}

export function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** p-values: four decimals, or scientific notation when smaller than that shows. */
export function pValue(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value !== 0 && value < 1e-4 ? value.toExponential(2) : value.toFixed(4);
}
