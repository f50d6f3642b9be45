import {
  calibrationErrors,
  calibrationStrata,
  estimateBinaryPerformance,
  estimateMulticlassPerformance,
  mergeStrataCounts,
} from '@steward/core';
import { describe, expect, it } from 'vitest';
import {
  type ClassificationEstimateState,
  classificationState,
  mergeStates,
  metricsOf,
  type RegressionEstimateState,
} from './estimate-state.js';

describe('classification estimate states', () => {
  const stateOf = (probabilities: number[]): ClassificationEstimateState =>
    classificationState(estimateBinaryPerformance(probabilities));
  const probabilities = [0.95, 0.8, 0.8, 0.6, 0.45, 0.3, 0.3, 0.2, 0.1, 0.02];

  it('merge into the whole window’s estimate and standard errors', () => {
    const whole = estimateBinaryPerformance(probabilities);
    const merged = metricsOf(
      mergeStates([
        stateOf(probabilities.slice(0, 3)),
        stateOf(probabilities.slice(3)),
      ]) as ClassificationEstimateState,
    );
    expect(merged.recall).toBeCloseTo(whole.recall, 14);
    expect(merged.accuracyStandardError).toBeCloseTo(whole.accuracyStandardError, 14);
    expect(merged.precisionStandardError).toBeCloseTo(whole.precisionStandardError, 14);
    expect(merged.recallStandardError).toBeCloseTo(whole.recallStandardError, 14);
    expect(merged.f1StandardError).toBeCloseTo(whole.f1StandardError, 14);
  });

  it('carry the calibrator’s error: windows of one calibrator add their strata counts before it is computed', () => {
    const strata = calibrationStrata([0.1, 0.2, 0.3, 0.6, 0.8, 0.9], [0, 1, 1, 0, 1, 1], 3);
    const withStrata = (probabilities: number[]): ClassificationEstimateState => {
      const e = estimateBinaryPerformance(probabilities, { calibration: strata });
      return {
        ...stateOf(probabilities),
        calibration: [e.strataCounts as NonNullable<typeof e.strataCounts>],
      };
    };
    const whole = estimateBinaryPerformance(probabilities, { calibration: strata });
    const merged = metricsOf(
      mergeStates([
        withStrata(probabilities.slice(0, 4)),
        withStrata(probabilities.slice(4)),
      ]) as ClassificationEstimateState,
    );
    expect(merged.accuracyStandardError).toBeCloseTo(whole.accuracyStandardError, 14);
    expect(merged.f1StandardError).toBeCloseTo(whole.f1StandardError, 14);
    expect(whole.accuracyStandardError).toBeGreaterThan(whole.samplingErrors.accuracy);
    const groups = mergeStrataCounts([], [whole.strataCounts as NonNullable<typeof whole.strataCounts>]);
    expect(groups[0]?.positive.reduce((a, b) => a + b, 0)).toBe(4);
    expect(calibrationErrors({ tp: 1, fp: 0, fn: 0, tn: 1 }, [])).toEqual({
      accuracy: 0,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it('multiclass: windows of the same per-class calibrators merge into the whole window’s band', () => {
    const rows = [
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.2, 0.2, 0.6],
      [0.5, 0.3, 0.2],
      [0.3, 0.4, 0.3],
      [0.1, 0.1, 0.8],
    ];
    const strata = [0, 1, 2].map((j) =>
      calibrationStrata(
        [0.1, 0.3, 0.5, 0.7, 0.2, 0.6].map((p) => (p + j / 10) % 1),
        [0, 1, 0, 1, 1, 0],
        2,
      ),
    );
    const stateOfRows = (part: number[][]): ClassificationEstimateState => {
      const e = estimateMulticlassPerformance(part, { calibration: strata });
      return classificationState(e, {
        classCalibration: [e.strataCounts as NonNullable<typeof e.strataCounts>],
      });
    };
    const whole = estimateMulticlassPerformance(rows, { calibration: strata });
    const merged = metricsOf(
      mergeStates([stateOfRows(rows.slice(0, 2)), stateOfRows(rows.slice(2))]) as ClassificationEstimateState,
    );
    expect(merged.accuracyStandardError).toBeCloseTo(whole.accuracyStandardError, 14);
    expect(merged.recallStandardError).toBeCloseTo(whole.recallStandardError, 14);
    expect(whole.accuracyStandardError).toBeGreaterThan(whole.samplingErrors.accuracy);
  });

  it('leave precision, recall and F1 without a band when a merged state was kept without its moments', () => {
    const { gram: _g, byPredicted: _b, ...old } = stateOf(probabilities.slice(0, 5));
    const merged = metricsOf(
      mergeStates([stateOf(probabilities.slice(5)), old]) as ClassificationEstimateState,
    );
    expect(merged.accuracyStandardError).toBeGreaterThan(0);
    expect(merged.recallStandardError).toBeUndefined();
  });
});

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
