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

/** A window's length in the largest whole unit: "2 days", "6 hours", "30 minutes". */
export function windowLength(ms: number): string {
  for (const [unit, size] of [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  return duration(ms);
}

/** p-values: four decimals, or scientific notation when smaller than that shows. */
export function pValue(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value !== 0 && value < 1e-4 ? value.toExponential(2) : value.toFixed(4);
}

const TIME_KEY = /(?:^|[a-z_])(?:at|from|to|time|start|end|since|until)$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/**
 * A step's detail as indented `key: value` lines, with times (ISO strings, or epoch milliseconds under a time-like
 * key) as dates: what a person reads, where JSON showed "1996-06-04T00:00:00.000Z" or 831427200000.
 */
export function readableDetail(detail: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (object: Record<string, unknown>, indent: string) => {
    for (const [key, value] of Object.entries(object)) {
      if (typeof value === 'number' && TIME_KEY.test(key) && value > 1e11 && value < 1e14)
        lines.push(`${indent}${key}: ${when(value)}`);
      else if (typeof value === 'string' && ISO_TIME.test(value))
        lines.push(`${indent}${key}: ${when(value)}`);
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        lines.push(`${indent}${key}:`);
        walk(value as Record<string, unknown>, `${indent}  `);
      } else lines.push(`${indent}${key}: ${Array.isArray(value) ? JSON.stringify(value) : String(value)}`);
    }
  };
  walk(detail, '');
  return lines.join('\n');
}
