import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { BacktestInputError } from '../backtest-error.js';
import { columnTable, type Table } from './table.js';

/** An Arrow IPC file or stream (`.arrow`, `.feather` v2), every column. */
export function readArrowTable(file: string): Table {
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(readFileSync(file));
  } catch (error) {
    throw new BacktestInputError('--data', `${file} is not an Arrow IPC file: ${(error as Error).message}`);
  }
  const columns: Record<string, unknown[]> = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    if (vector) columns[field.name] = vector.toArray() as unknown as unknown[];
  }
  return columnTable(file, columns, (i) => `row ${i + 1}`);
}
