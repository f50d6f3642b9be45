import { describe, expect, it } from 'vitest';
import { f1, precision, recall, rocAuc } from '../metrics/index.js';
import { seededRandom } from '../stats/random.js';
import { estimateBinaryFromHistogram, estimateBinaryPerformance } from './binary-cbpe.js';
import { mergeMoments, metricErrors } from './confusion-moments.js';
import { estimateMulticlassPerformance } from './multiclass-cbpe.js';

// Draw the labels the calibrated probabilities promise, many times, and measure how far each realized metric
// spreads: the standard errors must match that spread.
const spread = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
};

describe('standard errors of estimated precision, recall, F1 and ROC AUC', () => {
  it('binary: match the spread of the realized metrics over labels drawn from the probabilities', () => {
    const random = seededRandom(5);
    const probabilities = Array.from({ length: 1500 }, () => random() ** 1.5);
    const predicted = probabilities.map((p) => (p >= 0.5 ? 1 : 0));
    const e = estimateBinaryPerformance(probabilities);
    const realized = {
      precision: [] as number[],
      recall: [] as number[],
      f1: [] as number[],
      rocAuc: [] as number[],
    };
    for (let draw = 0; draw < 1500; draw++) {
      const labels = probabilities.map((p) => (random() < p ? 1 : 0));
      realized.precision.push(precision(labels, predicted));
      realized.recall.push(recall(labels, predicted));
      realized.f1.push(f1(labels, predicted));
      realized.rocAuc.push(rocAuc(labels, probabilities));
    }
    expect(e.precisionStandardError / spread(realized.precision)).toBeCloseTo(1, 1);
    expect(e.recallStandardError / spread(realized.recall)).toBeCloseTo(1, 1);
    expect(e.f1StandardError / spread(realized.f1)).toBeCloseTo(1, 1);
    expect(e.rocAucStandardError / spread(realized.rocAuc)).toBeCloseTo(1, 1);
    // The errors differ by metric: recall's is not precision's.
    expect(Math.abs(e.recallStandardError - e.precisionStandardError)).toBeGreaterThan(0.002);
  });

  it('multiclass: the macro averages’ errors match their spread too', () => {
    const random = seededRandom(8);
    const probabilities = Array.from({ length: 1200 }, () => {
      const raw = [random() ** 3, random() ** 2, random()];
      const total = raw.reduce((a, b) => a + b, 0);
      return raw.map((v) => v / total);
    });
    const predicted = probabilities.map((row) => row.indexOf(Math.max(...row)));
    const e = estimateMulticlassPerformance(probabilities);
    const draws = { precision: [] as number[], recall: [] as number[], f1: [] as number[] };
    for (let draw = 0; draw < 1000; draw++) {
      const labels = probabilities.map((row) => {
        const u = random();
        return u < (row[0] as number) ? 0 : u < (row[0] as number) + (row[1] as number) ? 1 : 2;
      });
      draws.precision.push(precision(labels, predicted, { average: 'macro' }));
      draws.recall.push(recall(labels, predicted, { average: 'macro' }));
      draws.f1.push(f1(labels, predicted, { average: 'macro' }));
    }
    expect(Math.abs(e.precisionStandardError / spread(draws.precision) - 1)).toBeLessThan(0.05);
    expect(Math.abs(e.recallStandardError / spread(draws.recall) - 1)).toBeLessThan(0.05);
    expect(Math.abs(e.f1StandardError / spread(draws.f1) - 1)).toBeLessThan(0.05);
  });

  it('add up over windows, and a score histogram gives the rows’ errors', () => {
    const probabilities = [0.9, 0.9, 0.7, 0.55, 0.4, 0.4, 0.2, 0.1, 0.05];
    const whole = estimateBinaryPerformance(probabilities);
    const first = estimateBinaryPerformance(probabilities.slice(0, 4)).moments;
    mergeMoments(first, estimateBinaryPerformance(probabilities.slice(4)).moments);
    const merged = metricErrors(first, 'binary');
    expect(merged.recall).toBeCloseTo(whole.recallStandardError, 14);
    expect(merged.f1).toBeCloseTo(whole.f1StandardError, 14);
    expect(merged.accuracy).toBeCloseTo(whole.accuracyStandardError, 14);
    const histogram = estimateBinaryFromHistogram(
      [
        [0.9, 2],
        [0.7, 1],
        [0.55, 1],
        [0.4, 2],
        [0.2, 1],
        [0.1, 1],
        [0.05, 1],
      ],
      (scores) => scores,
    );
    expect(histogram.precisionStandardError).toBeCloseTo(whole.precisionStandardError, 14);
    expect(histogram.recallStandardError).toBeCloseTo(whole.recallStandardError, 14);
  });
});
