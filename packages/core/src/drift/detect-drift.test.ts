import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import { ksTest } from '../stats/ks-test.js';
import { seededRandom } from '../stats/random.js';
import { detectDrift } from './detect-drift.js';

const random = seededRandom(42);
const normal = (n: number, mean = 0, sd = 1) =>
  Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
const pick = <T>(n: number, values: T[], weights: number[]) =>
  Array.from({ length: n }, () => {
    let u = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < values.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return values[i] as T;
    }
    return values[values.length - 1] as T;
  });

describe('default methods follow Evidently', () => {
  test('small reference: KS for numbers, chi-square for categories, z-test for two values, few numbers as categories', () => {
    const ref = {
      x: normal(500),
      city: pick(500, ['a', 'b', 'c'], [1, 1, 1]),
      flag: pick(500, [0, 1], [1, 1]),
    };
    const cur = {
      x: normal(800),
      city: pick(800, ['a', 'b', 'c'], [1, 1, 1]),
      flag: pick(800, [0, 1], [1, 1]),
    };
    const r = detectDrift(
      { ...ref, few: pick(500, [1, 2, 3], [1, 1, 1]) },
      { ...cur, few: pick(800, [1, 2, 3], [1, 1, 1]) },
    );
    expect(r.columns.map((c) => [c.column, c.method, c.scoreKind, c.threshold])).toEqual([
      ['x', 'ks', 'p_value', 0.05],
      ['city', 'chisquare', 'p_value', 0.05],
      ['flag', 'z', 'p_value', 0.05],
      ['few', 'chisquare', 'p_value', 0.05],
    ]);
    const x = r.columns[0];
    expect(x?.score).toBe(ksTest(ref.x, cur.x).pValue);
    expect(x?.statistic).toBe(ksTest(ref.x, cur.x).statistic);
  });

  test('large reference: normed Wasserstein for numbers, Jensen–Shannon for categories', () => {
    const r = detectDrift(
      { x: normal(1001), city: pick(1001, ['a', 'b', 'c'], [1, 1, 1]) },
      { x: normal(1000, 1), city: pick(1000, ['a', 'b', 'c'], [1, 1, 8]) },
    );
    expect(r.columns.map((c) => [c.method, c.scoreKind, c.threshold, c.drifted])).toEqual([
      ['wasserstein', 'distance', 0.1, true],
      ['jensenshannon', 'distance', 0.1, true],
    ]);
    expect(r.datasetDrift).toBe(true);
    expect(r.driftShare).toBe(1);
  });

  test('a p-value drifts below its threshold, a distance at or above it; dataset drift at half the columns', () => {
    const ref = { a: normal(300), b: normal(300), c: normal(300), d: normal(300) };
    const cur = {
      a: normal(300, 2),
      b: normal(300, 2),
      c: ref.c.slice().reverse(),
      d: ref.d.slice().sort((p, q) => p - q),
    };
    const r = detectDrift(ref, cur);
    expect(r.columns.map((c) => c.drifted)).toEqual([true, true, false, false]);
    expect(r.datasetDrift).toBe(true);
    expect(detectDrift(ref, cur, { driftShare: 0.75 }).datasetDrift).toBe(false);
    const strict = detectDrift(ref, cur, { method: 'wasserstein', threshold: 10 });
    expect(strict.columns.every((c) => c.method === 'wasserstein' && !c.drifted)).toBe(true);
  });
});

describe('Evidently binned distances equal the numpy/SciPy recomputation', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../stats/fixtures/scipy-stats.json', import.meta.url), 'utf8'),
  );
  test.each(fixture.evidently as Record<string, never>[])('$name', (c) => {
    for (const method of ['jensenshannon', 'kl_div', 'wasserstein'] as const) {
      const r = detectDrift({ x: c.reference }, { x: c.current }, { method });
      const expected = c[method] as number;
      const got = r.columns[0]?.score as number;
      expect(Math.abs(got - expected) <= 1e-9 * Math.abs(expected), `${method}: ${got} vs ${expected}`).toBe(
        true,
      );
    }
  });
});

describe('per-column options', () => {
  test('method, threshold and type can be set per column', () => {
    const ref = { x: normal(200), y: normal(200), t: pick(200, ['good film', 'bad film'], [1, 1]) };
    const cur = { x: normal(200, 0.3), y: normal(200), t: pick(200, ['fast car', 'slow car'], [1, 1]) };
    const r = detectDrift(ref, cur, {
      perColumn: { x: { method: 'psi', threshold: 0.2 }, y: { method: 'anderson' }, t: { type: 'text' } },
    });
    expect(r.columns.map((c) => [c.column, c.method, c.threshold])).toEqual([
      ['x', 'psi', 0.2],
      ['y', 'anderson', 0.05],
      ['t', 'domain_classifier', 0.5 + 1.6448536269514722 * Math.sqrt(121 / (12 * 60 * 60))],
    ]);
    expect(r.columns[2]?.drifted).toBe(true);
    expect(r.columns[2]?.score).toBe(1);
  });

  test('embeddings (vectors) default to the domain classifier; mmd takes them too', () => {
    const vec = (n: number, shift: number) =>
      Array.from({ length: n }, () => [normal(1)[0] ?? 0, (normal(1)[0] ?? 0) + shift]);
    const r = detectDrift({ e: vec(150, 0) }, { e: vec(150, 3) });
    expect(r.columns[0]?.method).toBe('domain_classifier');
    expect(r.columns[0]?.drifted).toBe(true);
    const m = detectDrift({ e: vec(100, 0) }, { e: vec(100, 0) }, { method: 'mmd' });
    expect(m.columns[0]?.drifted).toBe(false);
  });

  test('texts by their words: Jensen–Shannon between word shares (scipy) and the words that moved', () => {
    // Words aa, bb, cc: reference shares [2/3, 1/3, 0], current [0, 2/3, 1/3].
    const r = detectDrift(
      { t: ['AA bb', 'aa x'] },
      { t: ['bb, bb!', 'cc'] },
      { perColumn: { t: { type: 'text', method: 'jensenshannon' } } },
    );
    const t = r.columns[0];
    // scipy.spatial.distance.jensenshannon([2/3, 1/3, 0], [0, 2/3, 1/3], base=2)
    expect(t?.score).toBeCloseTo(0.7354264633345439, 12);
    expect(t?.drifted).toBe(true);
    expect(t?.tokens?.current.map((w) => w.token)).toEqual(['bb', 'cc']);
    expect(t?.tokens?.reference).toEqual([{ token: 'aa', weight: -2 / 3 }]);
    // Beside drift: cc is the one current word of three the reference never had.
    expect(t?.quality.outOfVocabulary).toEqual({ share: 1 / 3, words: [{ word: 'cc', count: 1 }] });
    const same = detectDrift(
      { t: ['aa bb', 'bb aa'] },
      { t: ['bb aa'] },
      { perColumn: { t: { type: 'text', method: 'jensenshannon' } } },
    );
    expect(same.columns[0]?.score).toBe(0);
  });
});

describe('data quality beside drift', () => {
  test('missing-value share, new categories and out-of-range share', () => {
    const r = detectDrift(
      { x: [1, 2, 3, null, 5, 6, 7, 8], c: ['a', 'b', 'a', 'b', 'a', 'b', '', 'a'] },
      { x: [1, Number.NaN, null, 4, 50, 6, -7, 8], c: ['a', 'z', 'z', 'y', 'a', 'b', 'a', 'b'] },
    );
    const [x, c] = r.columns;
    expect(x?.quality).toEqual({
      referenceMissingShare: 1 / 8,
      currentMissingShare: 2 / 8,
      missingShareChange: 1 / 8,
      outOfRangeShare: 2 / 6,
    });
    // Nothing accepted is lost: every non-missing value is tested.
    expect([x?.referenceRows, x?.currentRows]).toEqual([7, 6]);
    expect(c?.quality.newCategories).toEqual([
      { category: 'z', share: 2 / 8 },
      { category: 'y', share: 1 / 8 },
    ]);
  });

  test('rows and columns give the same report', () => {
    const ref = { x: normal(50), c: pick(50, ['a', 'b', 'c'], [1, 2, 3]) };
    const cur = { x: normal(60, 0.5), c: pick(60, ['a', 'b', 'c'], [3, 2, 1]) };
    const toRows = (t: { x: number[]; c: string[] }) => t.x.map((x, i) => ({ x, c: t.c[i] }));
    expect(detectDrift(toRows(ref), toRows(cur))).toEqual(detectDrift(ref, cur));
  });
});

describe('bad input gets an error naming the column', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['empty reference', () => detectDrift({ x: [] }, { x: [1] }), /reference has no rows/],
    ['empty rows', () => detectDrift([], [{ x: 1 }]), /reference has no rows/],
    [
      'all missing in both',
      () => detectDrift({ x: [null, null] }, { x: [Number.NaN] }),
      /'x' has only missing values in both/,
    ],
    [
      'all missing in current',
      () => detectDrift({ x: [1, 2] }, { x: [null] }),
      /'x' has only missing values in current/,
    ],
    [
      'column missing in current',
      () => detectDrift({ x: [1], y: [2] }, { x: [1] }),
      /current has no column 'y'/,
    ],
    [
      'unknown requested column',
      () => detectDrift({ x: [1] }, { x: [1] }, { columns: ['q'] }),
      /reference has no column 'q'/,
    ],
    [
      'text in a numeric column',
      () => detectDrift({ x: [1, 2, 3] }, { x: [1, 'abc', 3] }),
      /current column 'x' row 1 is "abc", not a number/,
    ],
    [
      'mixed types',
      () => detectDrift({ x: [1, 'a'] }, { x: [1, 2] }),
      /column 'x' mixes numerical and categorical/,
    ],
    [
      'unequal columns',
      () => detectDrift({ x: [1, 2], y: [1] }, { x: [1], y: [1] }),
      /column 'y' has 1 values but 'x' has 2/,
    ],
    [
      'unknown method',
      () => detectDrift({ x: [1, 2] }, { x: [1, 2] }, { method: 'magic' as never }),
      /method 'magic' is unknown/,
    ],
    [
      'method for another type',
      () => detectDrift({ c: ['a', 'b'] }, { c: ['a', 'b'] }, { method: 'ks' }),
      /'c' is categorical but method 'ks' takes numerical/,
    ],
    ['bad drift share', () => detectDrift({ x: [1] }, { x: [1] }, { driftShare: 2 }), /driftShare/],
  ];
  test.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(StewardInputError);
    expect(run).toThrow(message);
  });
});
