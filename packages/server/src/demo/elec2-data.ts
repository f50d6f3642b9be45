import { readFileSync } from 'node:fs';

export const ELEC2_FEATURE_NAMES = [
  'period',
  'nswprice',
  'nswdemand',
  'vicprice',
  'vicdemand',
  'transfer',
] as const;
/** The first row is 7 May 1996; one row every 30 minutes, 48 a day. */
export const ELEC2_EPOCH = Date.UTC(1996, 4, 7);
export const HALF_HOUR = 30 * 60_000;
export const ROWS_PER_DAY = 48;

export interface Elec2Row {
  features: Record<(typeof ELEC2_FEATURE_NAMES)[number], number>;
  label: 0 | 1;
}

/** Reads data/elec2.csv (header `period,…,transfer,class`); a wrong header or value names its line. */
export function readElec2(path: string): Elec2Row[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const lines = text.trim().split('\n');
  const expected = [...ELEC2_FEATURE_NAMES, 'class'].join(',');
  if (lines[0]?.trim() !== expected) throw new Error(`${path}: expected the header "${expected}"`);
  return lines.slice(1).map((line, i) => {
    const values = line.split(',').map(Number);
    if (
      values.length !== 7 ||
      values.some((v) => !Number.isFinite(v)) ||
      (values[6] !== 0 && values[6] !== 1)
    )
      throw new Error(`${path}:${i + 2}: expected six numbers and a class of 0 or 1`);
    return {
      features: Object.fromEntries(
        ELEC2_FEATURE_NAMES.map((f, k) => [f, values[k] as number]),
      ) as Elec2Row['features'],
      label: values[6] as 0 | 1,
    };
  });
}
