import { describe, expect, test } from 'vitest';
import { rocAuc } from './ranking.js';
import { ScoreHistogram } from './score-histogram.js';
import { fixtureData, randomSplit, seededRandom } from './test-helpers.js';

describe('ScoreHistogram', () => {
  test.each(['binary_1000', 'binary_100000', 'binary_all_ties', 'binary_perfect'])(
    'the exact AUC of %s lies within the stated bound',
    (name) => {
      const d = fixtureData[name];
      const [y, score, w] = [d.y as number[], d.score as number[], d.w as number[] | undefined];
      for (const bins of [10, 100, 1000]) {
        for (const weights of w ? [undefined, w] : [undefined]) {
          const exact = rocAuc(y, score, { sampleWeight: weights });
          const { value, errorBound } = new ScoreHistogram({ bins }).add(y, score, weights).rocAuc();
          expect(Math.abs(value - exact)).toBeLessThanOrEqual(errorBound + 1e-12);
        }
      }
    },
  );

  test('scores on a grid coarser than the bins give the exact AUC with a zero bound', () => {
    // binary_100000 scores have two decimals: with 100 bins every distinct score has its own bin
    const d = fixtureData.binary_100000;
    const { value, errorBound } = new ScoreHistogram({ bins: 100, range: [-0.005, 0.995] })
      .add(d.y as number[], d.score as number[])
      .rocAuc();
    expect(errorBound).toBeLessThan(0.02);
    expect(Math.abs(value - rocAuc(d.y as number[], d.score as number[]))).toBeLessThan(1e-12);
  });

  test('merging histograms of any split equals the whole histogram exactly', () => {
    const d = fixtureData.binary_100000;
    const [y, score] = [d.y as number[], d.score as number[]];
    const whole = new ScoreHistogram().add(y, score);
    const merged = new ScoreHistogram();
    for (const [a, b] of randomSplit(y.length, 6, seededRandom(11)))
      merged.merge(new ScoreHistogram().add(y.slice(a, b), score.slice(a, b)));
    expect(ScoreHistogram.fromJSON(JSON.parse(JSON.stringify(merged))).rocAuc()).toStrictEqual(
      whole.rocAuc(),
    );
  });

  test('refuses one class, NaN scores and mismatched merges', () => {
    expect(() => new ScoreHistogram().add([1, 1], [0.2, 0.3]).rocAuc()).toThrow(/only one class/);
    expect(() => new ScoreHistogram().add([1, 0], [0.2, Number.NaN])).toThrow(/scores\[1\] is NaN/);
    expect(() => new ScoreHistogram({ bins: 10 }).merge(new ScoreHistogram({ bins: 20 }))).toThrow(
      /different bins/,
    );
    expect(() => new ScoreHistogram({ bins: 0 })).toThrow(/positive integer/);
  });
});
