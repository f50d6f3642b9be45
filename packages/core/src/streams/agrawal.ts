import { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';

export const AGRAWAL_FEATURES = [
  'salary',
  'commission',
  'age',
  'elevel',
  'car',
  'zipcode',
  'hvalue',
  'hyears',
  'loan',
] as const;

/** The categorical columns of an Agrawal row (indices into `AGRAWAL_FEATURES`): elevel, car, zipcode. */
export const AGRAWAL_NOMINAL = [3, 4, 5] as const;

export interface AgrawalOptions {
  /** Which of the ten loan rules labels the rows, 0–9 (default 0). */
  classificationFunction?: number;
  /** Seed of Python's `random.Random` (default 0). */
  seed?: number;
  /** Rows (default 1,000). */
  n?: number;
}

type Rule = (row: readonly number[]) => boolean;
const [salary, commission, age, elevel, , , hvalue, hyears, loan] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
const v = (row: readonly number[], i: number) => row[i] as number;
const inRange = (x: number, lo: number, hi: number) => lo <= x && x <= hi;
const byAge = (row: readonly number[], young: boolean, middle: boolean, old: boolean) =>
  v(row, age) < 40 ? young : v(row, age) < 60 ? middle : old;

/** Agrawal, Imielinski & Swami (1993), the ten loan rules; 1 means "group A". */
const RULES: readonly Rule[] = [
  (r) => v(r, age) < 40 || v(r, age) >= 60,
  (r) =>
    byAge(
      r,
      inRange(v(r, salary), 50_000, 100_000),
      inRange(v(r, salary), 75_000, 125_000),
      inRange(v(r, salary), 25_000, 75_000),
    ),
  (r) => byAge(r, v(r, elevel) <= 1, inRange(v(r, elevel), 1, 3), v(r, elevel) >= 2),
  (r) =>
    byAge(
      r,
      v(r, elevel) <= 1 ? inRange(v(r, salary), 25_000, 75_000) : inRange(v(r, salary), 50_000, 100_000),
      inRange(v(r, elevel), 1, 3)
        ? inRange(v(r, salary), 50_000, 100_000)
        : inRange(v(r, salary), 75_000, 125_000),
      v(r, elevel) >= 2 ? inRange(v(r, salary), 50_000, 100_000) : inRange(v(r, salary), 25_000, 75_000),
    ),
  // Rule 4 as River writes it (some branches compare salary where the paper compares loan).
  (r) =>
    byAge(
      r,
      inRange(v(r, salary), 50_000, 100_000)
        ? inRange(v(r, loan), 100_000, 300_000)
        : inRange(v(r, salary), 200_000, 400_000),
      inRange(v(r, salary), 75_000, 125_000)
        ? v(r, salary) >= 200_000 && v(r, loan) <= 400_000
        : inRange(v(r, salary), 300_000, 500_000),
      inRange(v(r, salary), 25_000, 75_000)
        ? inRange(v(r, loan), 300_000, 500_000)
        : inRange(v(r, loan), 75_000, 300_000),
    ),
  (r) => {
    const total = v(r, salary) + v(r, commission);
    return byAge(
      r,
      inRange(total, 50_000, 100_000),
      inRange(total, 75_000, 125_000),
      inRange(total, 25_000, 75_000),
    );
  },
  (r) => !((2 * (v(r, salary) + v(r, commission))) / 3 - v(r, loan) / 5 - 20_000 > 1),
  (r) => !((2 * (v(r, salary) + v(r, commission))) / 3 - 5000 * v(r, elevel) - 20_000 > 1),
  (r) => !((2 * (v(r, salary) + v(r, commission))) / 3 - 5000 * v(r, elevel) - v(r, loan) / 5 - 10_000 > 1),
  (r) => {
    const equity = v(r, hyears) >= 20 ? (v(r, hvalue) * (v(r, hyears) - 20)) / 10 : 0;
    return !((2 * (v(r, salary) + v(r, commission))) / 3 - 5000 * v(r, elevel) + equity / 5 - 10_000 > 1);
  },
];

/**
 * The Agrawal loan stream, drawn as River's `datasets.synth.Agrawal` draws it (Python's Mersenne Twister, the same
 * calls in the same order), so a seed gives River's rows: salary, commission (0 from a salary of 75k up), age,
 * education level 0–4, car 1–20, zip code 0–8, house value, years owned, loan; the label is one of ten rules.
 *
 * @example
 * ```ts
 * const { X, y } = agrawalStream({ seed: 42, n: 1 });
 * [X[0]?.slice(2, 6), y[0]]; // [[21,2,8,3],1]
 * ```
 */
export function agrawalStream(options: AgrawalOptions = {}): { X: number[][]; y: number[] } {
  const rule = RULES[options.classificationFunction ?? 0];
  if (rule === undefined)
    throw new StewardInputError(
      `agrawalStream: classificationFunction must be an integer from 0 to 9, got ${options.classificationFunction}`,
      'classificationFunction',
    );
  const n = options.n ?? 1000;
  if (!Number.isInteger(n) || n < 1)
    throw new StewardInputError('agrawalStream: n must be a positive integer', 'n');
  const rng = new PythonRandom(options.seed ?? 0);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = 20_000 + 130_000 * rng.random();
    const c = s >= 75_000 ? 0 : 10_000 + 75_000 * rng.random();
    const a = rng.randint(20, 80);
    const e = rng.randint(0, 4);
    const car = rng.randint(1, 20);
    const zip = rng.randint(0, 8);
    const h = (8 - zip) * 100_000 * (0.5 + rng.random());
    const years = rng.randint(1, 30);
    const l = rng.random() * 500_000;
    const row = [s, c, a, e, car, zip, h, years, l];
    X.push(row);
    y.push(rule(row) ? 1 : 0);
  }
  return { X, y };
}
