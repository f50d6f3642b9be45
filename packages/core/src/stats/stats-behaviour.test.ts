import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import {
  andersonDarling,
  chiSquareTest,
  domainClassifierTest,
  jensenShannon,
  klDivergence,
  ksTest,
  mmd,
  proportionZTest,
  psi,
  wasserstein,
} from './index.js';
import { seededRandom } from './random.js';
import { sortedCopy } from './sort.js';

const random = seededRandom(3);
const normal = (n: number, mean = 0) =>
  Array.from(
    { length: n },
    () => mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );

describe('sortedCopy', () => {
  test.each([
    ['uniform', () => random() * 200 - 100],
    ['heavy tail', () => Math.exp(8 * (random() - 0.5)) * (random() < 0.5 ? -1 : 1)],
    ['ties', () => Math.floor(random() * 4)],
    ['huge range', () => (random() - 0.5) * 1e300],
  ])('sorts %s data exactly as Float64Array.sort', (_, draw) => {
    for (const n of [10, 5000, 60_000]) {
      const values = Float64Array.from({ length: n }, draw);
      expect(Array.from(sortedCopy(values))).toEqual(Array.from(values.slice().sort()));
    }
  });
});

describe('tests behave as their definitions say', () => {
  test('identical samples: KS p = 1, distances 0', () => {
    const a = normal(300);
    expect(ksTest(a, a).pValue).toBe(1);
    expect(ksTest(a, a).statistic).toBe(0);
    expect(wasserstein(a, a)).toBe(0);
    expect(psi(a, a)).toBe(0);
    expect(jensenShannon([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(klDivergence([1, 2, 3], [2, 4, 6])).toBe(0);
  });

  test('KS is symmetric in its p-value and flips its sign', () => {
    const a = normal(40);
    const b = normal(55, 0.5);
    expect(ksTest(a, b).pValue).toBeCloseTo(ksTest(b, a).pValue, 12);
    expect(ksTest(a, b).sign).toBe(-ksTest(b, a).sign);
  });

  test('mmd finds a shift, not a resample, and is reproducible with its seed', () => {
    const a = normal(150);
    expect(mmd(a, normal(150, 1)).pValue).toBeLessThan(0.01);
    expect(mmd(a, normal(150)).pValue).toBeGreaterThan(0.05);
    const b = normal(120, 0.2);
    expect(mmd(a, b, { seed: 5 })).toEqual(mmd(a, b, { seed: 5 }));
  });

  // Texts of six words from one vocabulary, or half from another.
  const words = ['price', 'market', 'demand', 'supply', 'energy', 'grid', 'load', 'peak'];
  const other = ['weather', 'rain', 'cloud', 'storm', 'wind', 'sun', 'cold', 'heat'];
  const text = (vocab: string[]) =>
    Array.from({ length: 6 }, () => vocab[Math.floor(random() * vocab.length)]).join(' ');
  const sample = (vocab: string[]) => Array.from({ length: 200 }, () => text(vocab));

  test('the domain classifier separates different texts and rarely flags same-source texts', () => {
    let falseAlarms = 0;
    for (let run = 0; run < 20; run++) {
      const ref = sample(words);
      if (domainClassifierTest(ref, sample(words), { seed: run }).drifted) falseAlarms++;
      const shifted = domainClassifierTest(ref, sample([...words.slice(4), ...other]), { seed: run });
      expect(shifted.drifted).toBe(true);
      expect(shifted.rocAuc).toBeGreaterThan(0.8);
    }
    // The random-classifier bound is a one-sided 5% test: allow a little more for the learned classifier's variance.
    expect(falseAlarms).toBeLessThanOrEqual(3);
  });

  test('the domain classifier names the words that moved, each way', () => {
    const result = domainClassifierTest(sample(words), sample([...words.slice(4), ...other]), {
      topTokens: 6,
    });
    const current = result.tokens?.current.map((t) => t.token) ?? [];
    const reference = result.tokens?.reference.map((t) => t.token) ?? [];
    // The words only current has lead one way, the words it lost lead the other.
    expect(current).toHaveLength(6);
    for (const token of current.slice(0, 4)) expect(other).toContain(token);
    for (const token of reference.slice(0, 4)) expect(words.slice(0, 4)).toContain(token);
    expect(result.tokens?.current.every((t) => t.weight > 0)).toBe(true);
    expect(result.tokens?.reference.every((t) => t.weight < 0)).toBe(true);
    expect(domainClassifierTest([[1], [2], [3]], [[4], [5], [6]]).tokens).toBeUndefined();
  });
});

describe('bad input gets a clear error', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['ksTest empty', () => ksTest([], [1]), /reference is empty/],
    ['ksTest NaN', () => ksTest([1, Number.NaN], [1]), /reference\[1\] is NaN: .*drop missing values/],
    ['ksTest method', () => ksTest([1], [1], { method: 'fast' as never }), /method must be/],
    ['wasserstein infinite', () => wasserstein([1], [Number.POSITIVE_INFINITY]), /current\[0\] is Infinity/],
    ['psi bins', () => psi([1, 2], [1, 2], { bins: 1 }), /bins must be an integer >= 2/],
    ['chi-square negative count', () => chiSquareTest({ a: -1 }, { a: 2 }), /count for a is -1/],
    ['chi-square empty', () => chiSquareTest([], ['a']), /reference is empty/],
    [
      'z-test successes',
      () => proportionZTest(5, 3, 1, 2),
      /referenceSuccesses must be an integer between 0/,
    ],
    ['js lengths', () => jensenShannon([1, 2], [1]), /p has 2 frequencies but q has 1/],
    ['kl negative', () => klDivergence([1, -1], [1, 1]), /p\[1\] is -1/],
    ['js zero sum', () => jensenShannon([0, 0], [1, 1]), /p sums to 0/],
    ['anderson one sample', () => andersonDarling([[1, 2]]), /at least two samples/],
    ['anderson one value', () => andersonDarling([[1, 1], [1]]), /more than one distinct value/],
    ['mmd one row', () => mmd([1], [1, 2]), /reference needs at least 2 rows/],
    [
      'mmd ragged',
      () =>
        mmd(
          [[1, 2], [1]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      /reference\[1\] must be a number or a vector/,
    ],
    ['domain classifier mixed', () => domainClassifierTest(['a', 'b'], [[1], [2]]), /rows have/],
  ];
  test.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(StewardInputError);
    expect(run).toThrow(message);
  });
});
