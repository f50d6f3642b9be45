import { describe, expect, it } from 'vitest';
import { mergeStates, metricsOf, type RegressionEstimateState } from './estimate-state.js';

describe('regression estimate states', () => {
  const hour = (rows: number, mae: number, samplingSe: number, modelSe: number): RegressionEstimateState => ({
    kind: 'regression',
    rows,
    absolute: mae * rows,
    squared: 2 * mae * rows,
    absoluteVariance: (samplingSe * rows) ** 2,
    squaredVariance: (2 * samplingSe * rows) ** 2,
    absoluteModelError: modelSe * rows,
    squaredModelError: 2 * modelSe * rows,
  });

  it('add sampling errors in variance and the loss model’s errors as they are (the same model errs alike)', () => {
    const a = hour(1000, 0.8, 0.02, 0.01);
    const b = hour(3000, 1.0, 0.012, 0.03);
    const merged = metricsOf(mergeStates([a, b]) as RegressionEstimateState);
    expect(merged.mae).toBeCloseTo((800 + 3000) / 4000, 12);
    const sampling = Math.sqrt((0.02 * 1000) ** 2 + (0.012 * 3000) ** 2);
    const model = 0.01 * 1000 + 0.03 * 3000;
    expect(merged.maeStandardError).toBeCloseTo(Math.hypot(sampling, model) / 4000, 12);
    expect(metricsOf(a).maeStandardError).toBeCloseTo(Math.hypot(0.02, 0.01), 12);
  });

  it('read a state kept before the model error was estimated as having none', () => {
    const { absoluteModelError: _a, squaredModelError: _s, ...old } = hour(500, 0.9, 0.03, 0.02);
    expect(metricsOf(old).maeStandardError).toBeCloseTo(0.03, 12);
    const merged = metricsOf(mergeStates([old, hour(500, 0.9, 0.03, 0.02)]) as RegressionEstimateState);
    expect(merged.maeStandardError).toBeCloseTo(Math.hypot(Math.sqrt(2) * 0.03 * 500, 0.02 * 500) / 1000, 12);
  });
});
