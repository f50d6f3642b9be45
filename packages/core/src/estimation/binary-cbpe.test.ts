import { describe, expect, it } from 'vitest';
import { IsotonicRegression } from '../calibration/isotonic-regression.js';
import { LogisticRegression } from '../learn/logistic-regression.js';
import { accuracy } from '../metrics/index.js';
import { QuantileSketch } from '../sketch/quantile-sketch.js';
import { covariateShiftStream } from '../streams/covariate-shift.js';
import { estimateBinaryFromHistogram, estimateBinaryPerformance } from './binary-cbpe.js';

describe('estimateBinaryPerformance (CBPE)', () => {
  it('builds the expected confusion matrix and its metrics', () => {
    const e = estimateBinaryPerformance([0.9, 0.8, 0.3, 0.1]);
    // Predicted positive: 0.9 and 0.8 (TP 1.7, FP 0.3); negative: 0.3 and 0.1 (FN 0.4, TN 1.6).
    expect(e.truePositives).toBeCloseTo(1.7, 12);
    expect(e.falsePositives).toBeCloseTo(0.3, 12);
    expect(e.falseNegatives).toBeCloseTo(0.4, 12);
    expect(e.trueNegatives).toBeCloseTo(1.6, 12);
    expect(e.accuracy).toBeCloseTo(0.825, 12);
    expect(e.precision).toBeCloseTo(1.7 / 2, 12);
    expect(e.recall).toBeCloseTo(1.7 / 2.1, 12);
    expect(e.f1).toBeCloseTo(3.4 / (3.4 + 0.7), 12);
    // The given predictions win over the threshold.
    expect(estimateBinaryPerformance([0.9, 0.2], { predicted: [0, 0] }).accuracy).toBeCloseTo(0.45, 12);
  });

  it('estimates ROC AUC: 1 for certain probabilities, 0.5 for no information', () => {
    expect(estimateBinaryPerformance([1, 1, 0, 0, 1]).rocAuc).toBe(1);
    expect(estimateBinaryPerformance([0.5, 0.5, 0.5]).rocAuc).toBeCloseTo(0.5, 12);
    expect(estimateBinaryPerformance([0, 0]).rocAuc).toBeNaN();
  });

  it('refuses what it cannot estimate from, saying why', () => {
    expect(() => estimateBinaryPerformance([])).toThrow(/at least one row/);
    expect(() => estimateBinaryPerformance([0.2, 1.2])).toThrow(
      /probabilities must be in \[0, 1\] \(row 1: 1.2\)/,
    );
    expect(() => estimateBinaryPerformance([0.2], { predicted: [1, 0] })).toThrow(/predicted 2/);
  });

  // A logistic model trained and calibrated (isotonic) on the first 5,000 rows, then 100 windows of 1,000 rows whose
  // inputs move two standard deviations: the model's accuracy changes with them, and CBPE follows it.
  const stream = covariateShiftStream({ n: 105_000, seed: 3 });
  const model = new LogisticRegression().fit(stream.X.slice(0, 3000), stream.y.slice(0, 3000));
  const positive = (X: number[][]) => model.predictProba(X).map((p) => p[1] as number);
  const calibrator = new IsotonicRegression({ outOfBounds: 'clip' }).fit(
    positive(stream.X.slice(3000, 5000)),
    stream.y.slice(3000, 5000),
  );
  const windows = Array.from({ length: 100 }, (_, w) => 5000 + w * 1000);

  it('under covariate shift, tracks realized accuracy within 0.02 on average, its band covering ≥ 90% of windows', () => {
    let error = 0;
    let covered = 0;
    const realizedAccuracies: number[] = [];
    for (const start of windows) {
      const X = stream.X.slice(start, start + 1000);
      const y = stream.y.slice(start, start + 1000);
      const estimate = estimateBinaryPerformance(calibrator.predict(positive(X)));
      const realized = accuracy(y, Array.from(model.predict(X), Number));
      realizedAccuracies.push(realized);
      error += Math.abs(estimate.accuracy - realized);
      if (Math.abs(estimate.accuracy - realized) <= 1.96 * estimate.accuracyStandardError) covered++;
    }
    // The shift matters: realized accuracy moves by several points over the stream.
    expect(Math.max(...realizedAccuracies) - Math.min(...realizedAccuracies)).toBeGreaterThan(0.05);
    expect(error / windows.length).toBeLessThan(0.02);
    expect(covered).toBeGreaterThanOrEqual(90);
  });

  it('cannot see concept drift (its stated limit): labels that flip leave the estimate where it was', () => {
    const start = windows[50] as number;
    const X = stream.X.slice(start, start + 1000);
    const flipped = stream.y.slice(start, start + 1000).map((v) => 1 - v);
    const estimate = estimateBinaryPerformance(calibrator.predict(positive(X)));
    const realized = accuracy(flipped, Array.from(model.predict(X), Number));
    expect(estimate.accuracy - realized).toBeGreaterThan(0.3);
  });

  it("from a window's score sketch (mergeable, no rows): within 0.01 of the row-level estimate", () => {
    const calibrate = (scores: number[]) => calibrator.predict(scores);
    for (const start of windows.slice(0, 100).filter((_, i) => i % 10 === 0)) {
      const scores = positive(stream.X.slice(start, start + 1000));
      const rows = estimateBinaryPerformance(calibrate(scores));
      // Two servers' halves, merged: the sketch one server would have built.
      const merged = new QuantileSketch()
        .addAll(scores.slice(0, 500))
        .merge(new QuantileSketch().addAll(scores.slice(500)));
      const fromSketch = estimateBinaryFromHistogram(merged.buckets(), calibrate);
      expect(fromSketch.rows).toBe(1000);
      // A bucket stands for scores within 1% of its value, and the isotonic map has steep steps.
      expect(Math.abs(fromSketch.accuracy - rows.accuracy)).toBeLessThan(0.01);
      expect(Math.abs(fromSketch.f1 - rows.f1)).toBeLessThan(0.01);
      expect(fromSketch.accuracyStandardError).toBeGreaterThan(0);
    }
    expect(() => estimateBinaryFromHistogram([], calibrate)).toThrow(/at least one row/);
    expect(() => estimateBinaryFromHistogram([[0.5, 3]], () => [2])).toThrow(/\[0, 1\] \(bucket 0: 2\)/);
  });
});
