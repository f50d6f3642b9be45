/** A table read from a file, column by column: values as the file holds them (strings, numbers, dates, null). */
export interface Table {
  file: string;
  rows: number;
  names: string[];
  /** Values of a column, in row order; undefined when the file has no such column. */
  column(name: string): ArrayLike<unknown> | undefined;
  /** Where row `i` is in the file, for messages: "line 12" (CSV, header on line 1) or "row 11". */
  where(i: number): string;
}

/** Cells read as missing, as pandas' `read_csv` does by default. */
export const MISSING_CELLS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A']);

export function isMissingCell(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'number' && Number.isNaN(value)) ||
    (typeof value === 'string' && MISSING_CELLS.has(value))
  );
}

export function columnTable(
  file: string,
  columns: Record<string, ArrayLike<unknown>>,
  where: (i: number) => string,
): Table {
  const names = Object.keys(columns);
  const rows = names.length === 0 ? 0 : (columns[names[0] as string] as ArrayLike<unknown>).length;
  return {
    file,
    rows,
    names,
    column: (name) => (Object.hasOwn(columns, name) ? columns[name] : undefined),
    where,
  };
}
