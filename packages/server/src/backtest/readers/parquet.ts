import { readFileSync } from 'node:fs';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { BacktestInputError } from '../backtest-error.js';
import { columnTable, type Table } from './table.js';

/** A Parquet file, every column (snappy, gzip, zstd, brotli and lz4 pages); only the first `limit` rows if given. */
export async function readParquetTable(file: string, limit?: number): Promise<Table> {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let rows: number;
  let names: string[];
  try {
    const metadata = parquetMetadata(buffer);
    rows = Math.min(Number(metadata.num_rows), limit ?? Number.POSITIVE_INFINITY);
    names = metadata.schema.slice(1).map((s) => s.name);
  } catch (error) {
    throw new BacktestInputError('--data', `${file} is not a Parquet file: ${(error as Error).message}`);
  }
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, new Array(rows)]));
  try {
    await parquetRead({
      file: buffer,
      compressors,
      rowEnd: rows,
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const target = columns[columnName];
        if (!target) return;
        for (let i = rowStart, k = 0; i < Math.min(rowEnd, rows); i++, k++) target[i] = columnData[k];
      },
    });
  } catch (error) {
    throw new BacktestInputError('--data', `cannot read ${file}: ${(error as Error).message}`);
  }
  return columnTable(file, columns, (i) => `row ${i + 1}`);
}
