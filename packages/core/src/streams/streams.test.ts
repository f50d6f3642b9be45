import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import {
  conceptDriftStream,
  errorRateShiftSeries,
  hyperplaneStream,
  meanShiftSeries,
  seaConcept,
  seaStream,
  staggerStream,
  staleModelErrors,
} from './index.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const errorRate = (errors: number[], from: number, to: number) => mean(errors.slice(from, to));

describe('classification streams', () => {
  test('the same seed gives the same stream; another seed another one', () => {
    const data = (s: ReturnType<typeof seaStream>) => ({ X: s.X, y: s.y, concept: s.concept });
    expect(data(seaStream({ seed: 3, n: 500 }))).toEqual(data(seaStream({ seed: 3, n: 500 })));
    expect(seaStream({ seed: 4, n: 500 }).X).not.toEqual(seaStream({ seed: 3, n: 500 }).X);
  });

  test('SEA: labels follow x0 + x1 <= θ of the concept in force, with the stated noise', () => {
    const s = seaStream({ n: 40_000, seed: 1, noise: 0.1 });
    expect(s.driftPoints).toEqual([10_000, 20_000, 30_000]);
    const flipped = s.y.filter(
      (y, i) => y !== s.labelUnder(s.X[i] as number[], s.concept[i] as number),
    ).length;
    expect(flipped / 40_000).toBeCloseTo(0.1, 2);
    // A model frozen on concept 0 (θ = 8) is right up to the noise until the first drift, then wrong more often.
    const errors = staleModelErrors(s);
    expect(errorRate(errors, 0, 10_000)).toBeCloseTo(0.1, 1);
    expect(errorRate(errors, 10_000, 20_000)).toBeGreaterThan(0.15);
  });

  test('STAGGER: concepts switch abruptly and are exact without noise', () => {
    const s = staggerStream({ n: 3000, seed: 2 });
    expect(s.driftPoints).toEqual([1000, 2000]);
    const errors = staleModelErrors(s);
    expect(errorRate(errors, 0, 1000)).toBe(0);
    expect(errorRate(errors, 1000, 2000)).toBeGreaterThan(0.3);
    // Concept 0 is "small and red": one combination in nine.
    expect(mean(s.y.slice(0, 1000))).toBeCloseTo(1 / 9, 1);
  });

  test('rotating hyperplane: weights are fixed before the drift, then move a little every row', () => {
    const s = hyperplaneStream({ n: 20_000, seed: 3, noise: 0 });
    expect(s.weights[9_999]).toEqual(s.weights[0]);
    expect(s.weights[19_999]).not.toEqual(s.weights[10_000]);
    const step = Math.abs((s.weights[10_002]?.[0] as number) - (s.weights[10_001]?.[0] as number));
    expect(step).toBeCloseTo(0.001, 12);
    const errors = staleModelErrors(s);
    expect(errorRate(errors, 0, 10_000)).toBe(0);
    // Gradual: the stale model gets worse the further the plane has turned.
    expect(errorRate(errors, 18_000, 20_000)).toBeGreaterThan(errorRate(errors, 10_000, 12_000));
  });
});

describe('series with a drift point', () => {
  test('abrupt and gradual mean shifts', () => {
    const abrupt = meanShiftSeries({ n: 20_000, seed: 1, from: 0, to: 2 });
    expect(mean(abrupt.values.slice(0, 10_000))).toBeCloseTo(0, 1);
    expect(mean(abrupt.values.slice(10_000))).toBeCloseTo(2, 1);
    const gradual = meanShiftSeries({ n: 20_000, seed: 1, from: 0, to: 2, at: 5000, width: 10_000 });
    expect(gradual.driftEnd).toBe(15_000);
    expect(mean(gradual.values.slice(9000, 11_000))).toBeCloseTo(1, 1);
  });

  test('error-rate shifts', () => {
    const s = errorRateShiftSeries({ n: 40_000, seed: 2, from: 0.1, to: 0.3 });
    expect(s.values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(mean(s.values.slice(0, 20_000))).toBeCloseTo(0.1, 2);
    expect(mean(s.values.slice(20_000))).toBeCloseTo(0.3, 2);
  });

  test('bad options get a clear error', () => {
    expect(() => seaStream({ driftPoints: [5, 3] })).toThrow(StewardInputError);
    expect(() => seaStream({ driftPoints: [5, 3] })).toThrow(/driftPoints must be increasing integers/);
    expect(() => meanShiftSeries({ n: 10, at: 20 })).toThrow(/at must be in \[1, n\)/);
    expect(() => errorRateShiftSeries({ from: 2 })).toThrow(/error rates in \[0, 1\]/);
    expect(() => staggerStream({ noise: -1 })).toThrow(/noise must be between 0 and 1/);
  });
});

describe("River's SEA and ConceptDriftStream", () => {
  const close = (a: number[][], b: number[][], tol: number) =>
    a.every((row, i) => row.every((v, j) => Math.abs(v - (b[i]?.[j] as number)) < tol));

  test("seaConcept draws River's rows: the SEA docstring's first five (variant 0, seed 42)", () => {
    const { X, y } = seaConcept({ variant: 0, seed: 42, n: 5 });
    const river = [
      [6.39426, 0.2501, 2.75029],
      [2.2321, 7.36471, 6.76699],
      [8.92179, 0.86938, 4.21921],
      [0.29797, 2.18637, 5.05355],
      [0.26535, 1.98837, 6.49884],
    ];
    expect(close(X, river, 1e-5)).toBe(true);
    expect(y).toEqual([0, 1, 1, 0, 0]);
  });

  test("conceptDriftStream mixes as River's: its docstring (SEA 0 → SEA 1, seed 1, position 5, width 2)", () => {
    const mixed = conceptDriftStream({
      stream: seaConcept({ variant: 0, seed: 42, n: 10 }),
      driftStream: seaConcept({ variant: 1, seed: 42, n: 10 }),
      seed: 1,
      position: 5,
      width: 2,
      n: 10,
    });
    const river = [
      [6.3942, 0.2501, 2.7502],
      [2.2321, 7.3647, 6.7669],
      [8.9217, 0.8693, 4.2192],
      [0.2979, 2.1863, 5.0535],
      [6.3942, 0.2501, 2.7502],
      [2.2321, 7.3647, 6.7669],
      [8.9217, 0.8693, 4.2192],
      [0.2979, 2.1863, 5.0535],
      [0.2653, 1.9883, 6.4988],
      [5.4494, 2.2044, 5.8926],
    ];
    expect(close(mixed.X, river, 1e-4)).toBe(true);
    expect(mixed.y).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
  });

  test('bad options are refused with the option named', () => {
    expect(() => seaConcept({ variant: 4 })).toThrow(/variant must be 0, 1, 2 or 3/);
    expect(() =>
      conceptDriftStream({
        stream: { X: [[1]], y: [0] },
        driftStream: { X: [], y: [] },
        position: 1,
        width: 1,
        n: 3,
      }),
    ).toThrow(/has 0 rows, row \d needs more|has 1 rows, row \d needs more/);
  });
});
