import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { BacktestInputError } from '../backtest-error.js';
import { readArrowTable } from './arrow.js';
import { readCsvTable } from './csv.js';
import { readParquetTable } from './parquet.js';
import type { Table } from './table.js';

/** Reads a history file by its extension: `.csv`, `.parquet`, `.arrow` / `.feather` / `.ipc`. */
export async function readTable(
  file: string,
  options: { progress?: NodeJS.WriteStream | undefined; limit?: number | undefined } = {},
): Promise<Table> {
  try {
    if (!statSync(file).isFile()) throw new BacktestInputError('--data', `${file} is not a file`);
  } catch (error) {
    if (error instanceof BacktestInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BacktestInputError(
      '--data',
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return readCsvTable(file, options.progress);
  if (ext === '.parquet' || ext === '.pq') return readParquetTable(file, options.limit);
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') return readArrowTable(file);
  throw new BacktestInputError(
    '--data',
    `${file}: unknown format "${ext}"; give a .csv, .parquet or .arrow file`,
  );
}
