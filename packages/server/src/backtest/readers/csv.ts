import { CliError } from '../../cli/cli-error.js';
import { readCsvColumns } from '../../cli/csv-columns.js';
import { BacktestInputError } from '../backtest-error.js';
import { columnTable, type Table } from './table.js';

/** A CSV file with a header row; every value a string. */
export async function readCsvTable(file: string, progress?: NodeJS.WriteStream): Promise<Table> {
  try {
    const columns = await readCsvColumns(file, undefined, { progress });
    return columnTable(file, columns, (i) => `line ${i + 2}`);
  } catch (error) {
    if (error instanceof CliError) throw new BacktestInputError('--data', error.message);
    throw error;
  }
}
