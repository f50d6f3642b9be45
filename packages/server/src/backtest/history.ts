import { MAX_CATEGORY_LENGTH, MAX_TEXT_LENGTH } from '../monitor/ingest-rows.js';
import type { ClassValue } from '../spec/records.js';
import { BacktestInputError } from './backtest-error.js';
import { isMissingCell, type Table } from './readers/table.js';

export type Task = 'binary' | 'multiclass' | 'regression';

/** Calendar features derived from each row's time (UTC), for models that should see the season. */
export const TIME_FEATURES = ['hour', 'weekday', 'month', 'dayOfYear'] as const;
export type TimeFeature = (typeof TIME_FEATURES)[number];

export interface NumericColumn {
  name: string;
  type: 'numeric';
  /** NaN where the value is missing. */
  values: Float64Array;
}

export interface CategoricalColumn {
  name: string;
  type: 'categorical';
  values: ReadonlyArray<string | null>;
}

export interface TextColumn {
  name: string;
  type: 'text';
  /** Documents longer than `MAX_TEXT_LENGTH` are cut to it (counted in `cut`), as the server would refuse them. */
  values: ReadonlyArray<string | null>;
  cut: number;
}

export type FeatureColumn = NumericColumn | CategoricalColumn | TextColumn;

/** A labelled history in time order, typed and checked: what a backtest replays. */
export interface History {
  source: string;
  rows: number;
  /** Epoch milliseconds, non-decreasing. */
  times: Float64Array;
  /** The label of each row; null where the row never gets one. */
  labels: ReadonlyArray<ClassValue | null>;
  /** How the label was read: a column, or a column against a threshold (`delay>15`). */
  label: string;
  task: Task;
  /** Classification: every class in the history, sorted. */
  classes?: ClassValue[];
  features: FeatureColumn[];
  /** Row ids, when the history has an id column. */
  ids?: ReadonlyArray<string>;
  /**
   * Where the row's time came from: a column, a fixed step from a start, or (neither given) the rows' order, one
   * `ROW_ORDER_STEP` apart from 1970, so spans are best given in rows.
   */
  timeSource: { column: string } | { step: number; start: number } | { rowOrder: true; step: number };
}

/** Without a time column or a step, rows are taken in order this far apart (a minute: any spacing would do). */
export const ROW_ORDER_STEP = 60_000;

export interface HistoryOptions {
  /** A label column, or a numeric column against a number: `delay>15`, `price<=0` (then 1 or 0, binary). */
  label: string;
  /** The time column: ISO 8601 dates or times (UTC when no zone is given), Parquet/Arrow timestamps, epoch numbers. */
  time?: string;
  /** Without a time column: rows are in order, one every `step` milliseconds from `start` (default 0, 1970). */
  step?: number;
  start?: number;
  /** Feature columns. Default every column but the label's, the time and the id. */
  features?: readonly string[];
  /** Columns read as categories even when they hold numbers. */
  categorical?: readonly string[];
  /**
   * Columns read as text (hashed n-grams). Without it, a column of strings is text when its values are long (more
   * than `TEXT_MEAN_LENGTH` characters on average, or any longer than a category may be).
   */
  text?: readonly string[];
  timeFeatures?: readonly TimeFeature[];
  id?: string;
  /** Overrides the task read from the labels. */
  task?: Task;
  /** Only the first this many rows of the file. */
  limit?: number;
}

const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** A numeric column with at most this many distinct integer labels is read as classes. */
const MAX_INTEGER_CLASSES = 10;
const MAX_CLASSES = 1000;
/** A column whose non-missing values are at least this share numbers is meant to be numeric. */
const MOSTLY_NUMERIC = 0.9;
/** A string column whose values average more characters than this is read as text, not categories. */
export const TEXT_MEAN_LENGTH = 40;

/** Types and checks a table as a labelled history; every problem names its flag or column, row and value. */
export function toHistory(whole: Table, options: HistoryOptions): History {
  const table = options.limit === undefined ? whole : firstRows(whole, options.limit);
  if (table.rows === 0)
    throw new BacktestInputError('--data', `${table.file} has no rows: nothing to replay`);
  const need = (flag: string, name: string) => {
    const column = table.column(name);
    if (!column)
      throw new BacktestInputError(
        flag,
        `${flag}: column '${name}' not found in ${table.file}; its columns are: ${table.names.join(', ')}`,
      );
    return column;
  };
  const { labels, labelColumn, thresholded } = readLabels(table, options.label, need);
  const times = readTimes(table, options, need);
  const used = new Set([labelColumn, options.time, options.id].filter((n): n is string => n !== undefined));
  const names = options.features ?? table.names.filter((n) => !used.has(n));
  const categorical = new Set(options.categorical ?? []);
  const text = new Set(options.text ?? []);
  for (const name of text)
    if (categorical.has(name))
      throw new BacktestInputError(
        '--text',
        `--text: '${name}' is also given with --categorical; a column is one or the other`,
      );
  const features: FeatureColumn[] = [];
  for (const name of names) {
    if (name === labelColumn)
      throw new BacktestInputError('--features', `--features: '${name}' is the label column; leave it out`);
    if (!FEATURE_NAME.test(name))
      throw new BacktestInputError(
        '--features',
        `column '${name}' cannot be a feature name (letters, digits, _ . - and a letter or _ first): rename it, or leave it out with --features`,
      );
    features.push(
      readFeature(table, name, need('--features', name), {
        categorical: categorical.has(name),
        text: text.has(name),
      }),
    );
  }
  for (const derived of options.timeFeatures ?? []) {
    if (!(TIME_FEATURES as readonly string[]).includes(derived))
      throw new BacktestInputError(
        '--time-features',
        `--time-features: unknown "${derived}"; choose from ${TIME_FEATURES.join(', ')}`,
      );
    if (features.some((f) => f.name === derived))
      throw new BacktestInputError(
        '--time-features',
        `--time-features: ${derived} is also a column of ${table.file}; leave one of them out`,
      );
    features.push({ name: derived, type: 'numeric', values: timeFeature(times, derived) });
  }
  if (features.length === 0)
    throw new BacktestInputError('--features', `no feature columns: name some with --features`);

  const task = options.task ?? (thresholded ? 'binary' : inferTask(labels));
  const present = labels.filter((l): l is ClassValue => l !== null);
  if (present.length === 0)
    throw new BacktestInputError('--label', `--label: column '${labelColumn}' has no values`);
  const distinct = [...new Set(present)];
  if (distinct.length === 1)
    throw new BacktestInputError(
      '--label',
      `--label: '${options.label}' is constant (every row is ${JSON.stringify(distinct[0])}): there is nothing to predict`,
    );
  let classes: ClassValue[] | undefined;
  if (task !== 'regression') {
    if (distinct.length > MAX_CLASSES)
      throw new BacktestInputError(
        '--label',
        `--label: '${options.label}' has ${distinct.length} distinct values: too many classes (pass --task regression if it is a quantity)`,
      );
    if (task === 'binary' && distinct.length !== 2)
      throw new BacktestInputError(
        '--task',
        `--task binary: '${options.label}' has ${distinct.length} classes (${distinct.slice(0, 5).join(', ')}…)`,
      );
    classes = distinct.sort((a, b) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
    );
  } else if (present.some((l) => typeof l !== 'number'))
    throw new BacktestInputError(
      '--task',
      `--task regression: '${options.label}' holds values that are not numbers`,
    );

  const idColumn = options.id === undefined ? undefined : need('--id', options.id);
  const ids = idColumn
    ? Array.from(idColumn, (v, i) => readId(v, i, table, options.id as string))
    : undefined;
  if (ids && new Set(ids).size !== ids.length)
    throw new BacktestInputError('--id', `--id: column '${options.id}' repeats ids; each row needs its own`);
  return {
    source: table.file,
    rows: table.rows,
    times,
    labels,
    label: options.label,
    task,
    ...(classes ? { classes } : {}),
    features,
    ...(ids ? { ids } : {}),
    timeSource:
      options.time !== undefined
        ? { column: options.time }
        : options.step !== undefined
          ? { step: options.step, start: options.start ?? 0 }
          : { rowOrder: true, step: ROW_ORDER_STEP },
  };
}

function firstRows(table: Table, limit: number): Table {
  if (!(Number.isInteger(limit) && limit > 0))
    throw new BacktestInputError('--rows', `--rows must be a positive integer, got ${limit}`);
  const rows = Math.min(limit, table.rows);
  return {
    ...table,
    rows,
    column: (name) => {
      const column = table.column(name);
      return column === undefined ? undefined : Array.prototype.slice.call(column, 0, rows);
    },
  };
}

function readLabels(
  table: Table,
  label: string,
  need: (flag: string, name: string) => ArrayLike<unknown>,
): { labels: Array<ClassValue | null>; labelColumn: string; thresholded: boolean } {
  const threshold = /^(.+?)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$/.exec(label.trim());
  if (threshold) {
    const [, name, op, bound] = threshold as unknown as [string, string, string, string];
    const column = need('--label', name);
    const limit = Number(bound);
    const labels = Array.from(column, (v, i) => {
      if (isMissingCell(v)) return null;
      const x = toNumber(v);
      if (x === undefined)
        throw new BacktestInputError(
          '--label',
          `--label ${label}: ${table.file} ${table.where(i)}, column '${name}': ${JSON.stringify(String(v))} is not a number`,
        );
      const above = op === '>' ? x > limit : op === '>=' ? x >= limit : op === '<' ? x < limit : x <= limit;
      return above ? 1 : 0;
    });
    return { labels, labelColumn: name, thresholded: true };
  }
  const column = need('--label', label);
  const values = Array.from(column, (v) => (isMissingCell(v) ? null : v));
  const numbers = values.map((v) => (v === null ? null : toNumber(v)));
  const numeric = numbers.every((n, i) => n !== undefined || values[i] === null);
  return {
    labels: numeric
      ? (numbers as Array<number | null>)
      : values.map((v) => (v === null ? null : String(v instanceof Date ? v.toISOString() : v))),
    labelColumn: label,
    thresholded: false,
  };
}

function inferTask(labels: ReadonlyArray<ClassValue | null>): Task {
  const distinct = new Set<ClassValue>();
  let integers = true;
  let numeric = true;
  for (const l of labels) {
    if (l === null) continue;
    if (typeof l !== 'number') numeric = false;
    else if (!Number.isInteger(l)) integers = false;
    distinct.add(l);
    if (distinct.size > MAX_CLASSES && numeric) return 'regression';
  }
  if (distinct.size <= 2) return 'binary';
  if (!numeric) return 'multiclass';
  return integers && distinct.size <= MAX_INTEGER_CLASSES ? 'multiclass' : 'regression';
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    return Number.isFinite(x) ? x : undefined;
  }
  return undefined;
}

function readTimes(
  table: Table,
  options: HistoryOptions,
  need: (flag: string, name: string) => ArrayLike<unknown>,
): Float64Array {
  const times = new Float64Array(table.rows);
  if (options.time === undefined) {
    if (options.step !== undefined && !(options.step > 0))
      throw new BacktestInputError('--step', `--step must be more than 0, got ${options.step}`);
    const step = options.step ?? ROW_ORDER_STEP;
    const start = options.start ?? 0;
    for (let i = 0; i < times.length; i++) times[i] = start + i * step;
    return times;
  }
  const name = options.time;
  const column = need('--time', name);
  let seconds: boolean | undefined;
  for (let i = 0; i < table.rows; i++) {
    const v = column[i];
    if (isMissingCell(v))
      throw new BacktestInputError(
        '--time',
        `--time: ${table.file} ${table.where(i)}, column '${name}' has no time; every row needs one`,
      );
    let t: number | undefined;
    if (v instanceof Date) t = v.getTime();
    else {
      const n = toNumber(v);
      if (n !== undefined) {
        // Epoch numbers: seconds when the whole column is below 1e11 (before 1973 in milliseconds).
        seconds ??= Array.prototype.every.call(column, (x: unknown) => (toNumber(x) ?? 0) < 1e11);
        t = seconds ? n * 1000 : n;
      } else if (typeof v === 'string') t = parseIsoTime(v);
    }
    if (t === undefined || !Number.isFinite(t))
      throw new BacktestInputError(
        '--time',
        `--time: ${table.file} ${table.where(i)}, column '${name}': ${JSON.stringify(String(v))} is not a time (ISO 8601 such as 2024-03-01T12:00:00Z, or epoch seconds or milliseconds)`,
      );
    if (i > 0 && t < (times[i - 1] as number))
      throw new BacktestInputError(
        '--time',
        `--time: ${table.file} is not in time order: ${table.where(i)} (${new Date(t).toISOString()}) comes before ${table.where(i - 1)} (${new Date(times[i - 1] as number).toISOString()}); sort it by '${name}'`,
      );
    times[i] = t;
  }
  return times;
}

/** ISO 8601 with a date; a time without a zone is UTC (Date.parse would read it as local time). */
function parseIsoTime(text: string): number | undefined {
  const s = text.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const zoned = s.length <= 10 || /(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * A column as a feature: numeric when every value present is a number, else categorical, or text when asked or when
 * its values are long (errors name the row).
 */
export function readFeature(
  table: Table,
  name: string,
  column: ArrayLike<unknown>,
  as: { categorical?: boolean; text?: boolean } = {},
): FeatureColumn {
  const categorical = as.categorical === true;
  if (as.text) return readText(name, column);
  let present = 0;
  let numbers = 0;
  let firstBad: number | undefined;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (isMissingCell(v)) continue;
    present++;
    if (toNumber(v) !== undefined) numbers++;
    else firstBad ??= i;
  }
  if (!categorical && present > 0 && firstBad === undefined)
    return {
      name,
      type: 'numeric',
      values: Float64Array.from({ length: column.length }, (_, i) => {
        const v = column[i];
        return isMissingCell(v) ? Number.NaN : (toNumber(v) as number);
      }),
    };
  if (!categorical && firstBad !== undefined && numbers / present >= MOSTLY_NUMERIC)
    throw new BacktestInputError(
      '--features',
      `${table.file} ${table.where(firstBad)}, column '${name}': ${JSON.stringify(String(column[firstBad]))} is not a number, but ${(Math.floor((1000 * numbers) / present) / 10).toFixed(1)}% of the column is; fix the value, or pass --categorical ${name}`,
    );
  const values = Array.from(column, (v) =>
    isMissingCell(v) ? null : v instanceof Date ? v.toISOString() : String(v),
  );
  if (!categorical && looksLikeText(values)) return readText(name, values);
  return { name, type: 'categorical', values };
}

function looksLikeText(values: ReadonlyArray<string | null>): boolean {
  let present = 0;
  let characters = 0;
  for (const v of values) {
    if (v === null) continue;
    if (v.length > MAX_CATEGORY_LENGTH) return true;
    present++;
    characters += v.length;
  }
  return present > 0 && characters / present > TEXT_MEAN_LENGTH;
}

function readText(name: string, column: ArrayLike<unknown>): TextColumn {
  let cut = 0;
  const values = Array.from(column, (v) => {
    if (isMissingCell(v)) return null;
    const text = v instanceof Date ? v.toISOString() : String(v);
    if (text.length <= MAX_TEXT_LENGTH) return text;
    cut++;
    return text.slice(0, MAX_TEXT_LENGTH);
  });
  return { name, type: 'text', values, cut };
}

function readId(value: unknown, i: number, table: Table, name: string): string {
  if (isMissingCell(value))
    throw new BacktestInputError('--id', `--id: ${table.file} ${table.where(i)}, column '${name}' is empty`);
  return String(value);
}

function timeFeature(times: Float64Array, feature: TimeFeature): Float64Array {
  return times.map((t) => {
    const d = new Date(t);
    if (feature === 'hour') return d.getUTCHours() + d.getUTCMinutes() / 60;
    if (feature === 'weekday') return (d.getUTCDay() + 6) % 7;
    if (feature === 'month') return d.getUTCMonth() + 1;
    return Math.floor((t - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  });
}
