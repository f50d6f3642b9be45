import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GaussianNB } from './gaussian-nb.js';
import { Pipeline } from './pipeline.js';
import { restoreModel } from './restore.js';
import { SGDClassifier } from './sgd.js';
import { MultinomialNB } from './text/multinomial-nb.js';
import { isSparseMatrix, type SparseMatrix } from './text/sparse-matrix.js';

// scikit-learn 1.2.1: a ColumnTransformer of StandardScaler on `length` and HashingVectorizer (+ TfidfTransformer)
// on `body`, then SGDClassifier or MultinomialNB (text/fixtures/generate.py writes text.json).
interface Fixture {
  train: string[];
  labels: string[];
  test: string[];
  pipelines: {
    length: number[];
    testLength: number[];
    sgdTfidf: { proba: number[][] };
    multinomialCounts: { proba: number[][] };
  };
}
const fixture = JSON.parse(
  readFileSync(new URL('./text/fixtures/text.json', import.meta.url), 'utf8'),
) as Fixture;
const table = fixture.train.map((body, i) => ({ length: fixture.pipelines.length[i] as number, body }));
const testTable = fixture.test.map((body, i) => ({
  length: fixture.pipelines.testLength[i] as number,
  body,
}));
const counts = { nFeatures: 2 ** 10, norm: null } as const;

const expectProba = (actual: Float64Array[], expected: number[][]) => {
  expect(actual).toHaveLength(expected.length);
  for (const [i, row] of actual.entries())
    for (const [k, p] of row.entries()) expect(p).toBeCloseTo(expected[i]?.[k] as number, 12);
};

describe('Pipeline with text columns', () => {
  it('scales, hashes and weighs as scikit-learn’s ColumnTransformer, and learns the same model', () => {
    const sgd = new Pipeline(
      // Hashed counts, then TF-IDF and the l2 norm (norm applies after the weighting, as TfidfVectorizer).
      { numeric: ['length'], text: ['body'], textSteps: { nFeatures: 2 ** 10, tfidf: true } },
      new SGDClassifier({ loss: 'log_loss', shuffle: false, tol: 0, nIterNoChange: 1000, maxIter: 15 }),
    ).fit(table, fixture.labels);
    expectProba(sgd.predictProba(testTable), fixture.pipelines.sgdTfidf.proba);

    const nb = new Pipeline({ text: ['body'], textSteps: counts }, new MultinomialNB()).fit(
      table,
      fixture.labels,
    );
    expectProba(nb.predictProba(testTable), fixture.pipelines.multinomialCounts.proba);
    expect(nb.featureNames).toEqual(['body[0:1024]']);
  });

  it('lays the numeric, one-hot and text blocks side by side in one sparse matrix', () => {
    const rows = [
      { x: 1, c: 'a', body: 'free money' },
      { x: 3, c: 'b', body: 'lunch' },
    ];
    const p = new Pipeline(
      { numeric: ['x'], categorical: ['c'], text: ['body'], textSteps: { nFeatures: 16, norm: null } },
      new MultinomialNB(),
    );
    // Scaled x is −1 and 1: naive Bayes refuses negative counts, so fit the preprocessing through SGD's twin.
    const q = new Pipeline(p.options, new SGDClassifier()).fit(rows, [1, 0]);
    const X = q.transform(rows) as SparseMatrix;
    expect(isSparseMatrix(X)).toBe(true);
    expect(X.cols).toBe(1 + 2 + 16);
    const first = Array.from(X.indices.subarray(X.indptr[0], X.indptr[1]));
    expect(first.slice(0, 2)).toEqual([0, 1]); // x, then c=a
    expect(Array.from(X.data.subarray(0, 2))).toEqual([-1, 1]);
    // 'free' and 'money' in the text block, after the three dense columns.
    expect(first.slice(2)).toHaveLength(2);
    expect(first.slice(2).every((j) => j >= 3 && j < 19)).toBe(true);
    expect(q.featureNames).toEqual(['x', 'c=a', 'c=b', 'body[0:16]']);
    expect(() => p.fit(rows, [1, 0])).toThrow(/must not be negative/);
  });

  it('saves the idf with the model: a restored pipeline predicts the same', () => {
    const p = new Pipeline(
      { text: ['body'], textSteps: { nFeatures: 2 ** 12, tfidf: { sublinearTf: true }, ngramRange: [1, 2] } },
      new SGDClassifier({ loss: 'log_loss' }),
    ).fit(table, fixture.labels);
    const restored = restoreModel(JSON.parse(JSON.stringify(p.toJSON()))) as Pipeline;
    expect(restored.predictProba(testTable)).toEqual(p.predictProba(testTable));
    const file = p.toJSON() as unknown as { state: { text: { body: { tfidf?: unknown } } } };
    delete file.state.text.body.tfidf;
    expect(() => restoreModel(file)).toThrow(/weighs by TF-IDF but has no saved idf/);
  });

  it('fine-tunes: warm start keeps the preprocessing and adds to naive Bayes’ counts exactly', () => {
    const cut = 12;
    const whole = new Pipeline({ text: ['body'], textSteps: counts }, new MultinomialNB()).fit(
      table,
      fixture.labels,
    );
    const tuned = new Pipeline({ text: ['body'], textSteps: counts }, new MultinomialNB())
      .fit(table.slice(0, cut), fixture.labels.slice(0, cut))
      .fit(table.slice(cut), fixture.labels.slice(cut), { warmStart: true });
    expectProba(
      tuned.predictProba(testTable),
      whole.predictProba(testTable).map((r) => Array.from(r)),
    );
    const online = new Pipeline({ text: ['body'], textSteps: counts }, new MultinomialNB())
      .partialFit(table.slice(0, cut), fixture.labels.slice(0, cut))
      .partialFit(table.slice(cut), fixture.labels.slice(cut));
    expect(online.predictProba(testTable)).toEqual(tuned.predictProba(testTable));
    // Without warm start the second fit forgets the first.
    const refit = new Pipeline({ text: ['body'], textSteps: counts }, new MultinomialNB())
      .fit(table.slice(0, cut), fixture.labels.slice(0, cut))
      .fit(table.slice(cut), fixture.labels.slice(cut));
    expect(refit.predictProba(testTable)).not.toEqual(tuned.predictProba(testTable));
  });

  it('treats missing and empty documents as empty, cuts a 10 MB one, and refuses a number, naming its row', () => {
    const p = new Pipeline(
      { text: ['body'], textSteps: { maxCharacters: 1000 } },
      new SGDClassifier({ loss: 'log_loss' }),
    ).fit(table, fixture.labels);
    const [missing, empty, nothing] = p.predictProba([{ body: null }, { body: '' }, {}]);
    expect(missing).toEqual(empty);
    expect(nothing).toEqual(empty);
    const start = 'free prize click now '.repeat(40);
    const huge = start + 'meeting agenda '.repeat(700_000);
    expect(huge.length).toBeGreaterThan(10_000_000);
    expect(p.predictProba([{ body: huge }])).toEqual(p.predictProba([{ body: huge.slice(0, 1000) }]));
    expect(() => p.predictProba([{ body: 'fine' }, { body: 42 }])).toThrow(
      "row 1, column 'body': 42 is not text",
    );
    expect(() => p.fit([{ body: 'a b' }, { body: true }], ['ham', 'spam'])).toThrow(/row 1/);
  });

  it('refuses a learner that cannot take sparse rows, naming the ones that can', () => {
    expect(() => new Pipeline({ text: ['body'] }, new GaussianNB())).toThrow(
      /GaussianNB does not take: use SGDClassifier, MultinomialNB, ComplementNB or an MLP/,
    );
    expect(
      () => new Pipeline({ text: ['body'], textSteps: { tokenPattern: '(' } }, new MultinomialNB()),
    ).toThrow(/tokenPattern is not a regular expression/);
  });
});
