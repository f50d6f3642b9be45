import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SGDClassifier } from '../sgd.js';
import { buildAnalyzer } from './analyzers.js';
import { ComplementNB } from './complement-nb.js';
import { HashingVectorizer, type HashingVectorizerOptions } from './hashing-vectorizer.js';
import { MultinomialNB } from './multinomial-nb.js';
import { murmurhash3 } from './murmurhash3.js';
import type { SparseMatrix } from './sparse-matrix.js';
import { TfidfTransformer } from './tfidf-transformer.js';

// scikit-learn 1.2.1 on a corpus of Unicode text (fixtures/generate.py writes text.json).
interface Fixture {
  train: string[];
  labels: string[];
  test: string[];
  tokens: string[][];
  bigrams: string[][];
  charWb: string[][];
  char: string[][];
  hashing: Record<string, { params: Record<string, unknown>; rows: [number, number][][] }>;
  tfidf: Record<
    string,
    {
      params: Record<string, unknown>;
      idf: number[] | null;
      train: [number, number][][];
      test: [number, number][][] | null;
    }
  >;
  sgd: Record<
    string,
    {
      params?: Record<string, unknown>;
      labels?: string[];
      coef: number[][];
      intercept: number[];
      decision?: number[][];
      proba?: number[][];
    }
  >;
  naiveBayes: Record<
    string,
    {
      classes?: string[];
      featureLogProb?: number[][];
      classLogPrior?: number[];
      proba: number[][];
      predicted?: string[];
    }
  >;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/text.json', import.meta.url), 'utf8')) as Fixture;
const everything = [...fixture.train, ...fixture.test];

const rowsOf = (m: SparseMatrix) =>
  Array.from({ length: m.rows }, (_, i) =>
    Array.from({ length: (m.indptr[i + 1] as number) - (m.indptr[i] as number) }, (_, k) => {
      const at = (m.indptr[i] as number) + k;
      return [m.indices[at] as number, m.data[at] as number];
    }),
  );
const expectRows = (actual: SparseMatrix, expected: [number, number][][]) => {
  const rows = rowsOf(actual);
  expect(rows.map((r) => r.map(([j]) => j))).toEqual(expected.map((r) => r.map(([j]) => j)));
  for (const [i, row] of rows.entries())
    for (const [k, [, v]] of row.entries())
      expect(v).toBeCloseTo((expected[i] as [number, number][])[k]?.[1] as number, 12);
};
/** Every value within 1e-12 of scikit-learn's (null there: infinite). */
const expectClose = (actual: ArrayLike<number>, expected: ReadonlyArray<number | null> | undefined) => {
  expect(actual.length).toBe(expected?.length);
  for (let j = 0; j < actual.length; j++)
    expect(actual[j]).toBeCloseTo(expected?.[j] ?? Number.POSITIVE_INFINITY, 12);
};
const optionsOf = (params: Record<string, unknown>): HashingVectorizerOptions => ({
  ...(params.n_features !== undefined ? { nFeatures: params.n_features as number } : {}),
  ...(params.ngram_range ? { ngramRange: params.ngram_range as [number, number] } : {}),
  ...(params.analyzer ? { analyzer: params.analyzer as 'char' | 'char_wb' } : {}),
  ...('norm' in params ? { norm: params.norm as 'l1' | null } : {}),
  ...(params.alternate_sign !== undefined ? { alternateSign: params.alternate_sign as boolean } : {}),
  ...(params.binary !== undefined ? { binary: params.binary as boolean } : {}),
  ...(params.lowercase !== undefined ? { lowercase: params.lowercase as boolean } : {}),
});

describe('text features and naive Bayes, against scikit-learn 1.2.1', () => {
  it('murmurhash3 is scikit-learn’s murmurhash3_32 on UTF-8 bytes', () => {
    expect(murmurhash3('foo')).toBe(-156908512);
    expect(murmurhash3('héllo wörld 😀')).toBe(255077804);
    expect(murmurhash3('')).toBe(0);
    expect(murmurhash3('abcd')).toBe(1139631978);
    expect(murmurhash3('abcde', 42)).toBe(-1361433616);
  });

  it('tokenizes and makes n-grams as build_analyzer() does, Unicode included', () => {
    expect(everything.map(buildAnalyzer())).toEqual(fixture.tokens);
    expect(everything.map(buildAnalyzer({ ngramRange: [1, 2] }))).toEqual(fixture.bigrams);
    expect(everything.map(buildAnalyzer({ analyzer: 'char_wb', ngramRange: [2, 3] }))).toEqual(
      fixture.charWb,
    );
    expect(everything.map(buildAnalyzer({ analyzer: 'char', ngramRange: [1, 3] }))).toEqual(fixture.char);
  });

  it.each(Object.keys(fixture.hashing))(
    'HashingVectorizer (%s) gives the same columns and values',
    (name) => {
      const { params, rows } = fixture.hashing[name] as Fixture['hashing'][string];
      expectRows(new HashingVectorizer(optionsOf(params)).transform(everything), rows);
    },
  );

  const counts = new HashingVectorizer({ nFeatures: 2 ** 10, alternateSign: false, norm: null });
  const train = counts.transform(fixture.train);
  const test = counts.transform(fixture.test);

  it('TfidfTransformer learns the same idf and gives the same rows', () => {
    const cases = {
      default: new TfidfTransformer(),
      sublinearNoSmooth: new TfidfTransformer({ sublinearTf: true, smoothIdf: false }),
      noIdfL1: new TfidfTransformer({ useIdf: false, norm: 'l1' }),
    };
    for (const [name, transformer] of Object.entries(cases)) {
      const expected = fixture.tfidf[name] as Fixture['tfidf'][string];
      transformer.fit(train);
      if (expected.idf) expectClose(transformer.idf as Float64Array, expected.idf);
      else expect(transformer.idf).toBeUndefined();
      expectRows(transformer.transform(train), expected.train);
      if (expected.test) expectRows(transformer.transform(test), expected.test);
    }
    expect(() => cases.sublinearNoSmooth.transform(test)).toThrow(
      /idf is infinite without smoothing: fit with smoothIdf: true/,
    );
  });

  it('MultinomialNB and ComplementNB learn the same weights and give the same probabilities', () => {
    const models = {
      multinomial: new MultinomialNB(),
      multinomialAlpha: new MultinomialNB({ alpha: 0.1, fitPrior: false }),
      complement: new ComplementNB(),
      complementNorm: new ComplementNB({ alpha: 0.5, norm: true }),
    };
    for (const [name, model] of Object.entries(models)) {
      const expected = fixture.naiveBayes[name] as Fixture['naiveBayes'][string];
      model.fit(train, fixture.labels);
      expect(model.classes).toEqual(expected.classes);
      for (const [c, row] of model.featureLogProb.entries()) expectClose(row, expected.featureLogProb?.[c]);
      expectClose(model.classLogPrior, expected.classLogPrior);
      for (const [i, row] of model.predictProba(test).entries()) expectClose(row, expected.proba[i]);
      expect(model.predict(test)).toEqual(expected.predicted);
    }
  });

  it('learns batch by batch as at once, and a saved model predicts the same after loading', () => {
    const half = (from: number, to: number): SparseMatrix => counts.transform(fixture.train.slice(from, to));
    const model = new MultinomialNB().partialFit(half(0, 12), fixture.labels.slice(0, 12), ['ham', 'spam']);
    model.partialFit(half(12, fixture.train.length), fixture.labels.slice(12));
    for (const [i, row] of model.predictProba(test).entries())
      expectClose(row, fixture.naiveBayes.multinomialPartial?.proba[i]);
    const restored = MultinomialNB.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.predictProba(test)).toEqual(model.predictProba(test));
    const complement = new ComplementNB({ norm: true }).fit(train, fixture.labels);
    expect(ComplementNB.fromJSON(JSON.parse(JSON.stringify(complement))).predictProba(test)).toEqual(
      complement.predictProba(test),
    );
  });

  it('SGDClassifier learns from sparse TF-IDF rows as scikit-learn does (sparse intercept decay included)', () => {
    const tfidf = new TfidfTransformer().fit(train);
    const [trainRows, testRows] = [tfidf.transform(train), tfidf.transform(test)];
    // scikit-learn's tol=None: every epoch runs.
    const noStop = { shuffle: false, tol: 0, nIterNoChange: 1000 };
    const cases = {
      logLoss: new SGDClassifier({ ...noStop, loss: 'log_loss', maxIter: 15 }),
      hinge: new SGDClassifier({ ...noStop, maxIter: 15 }),
      constantThreeClasses: new SGDClassifier({
        ...noStop,
        loss: 'log_loss',
        learningRate: 'constant',
        eta0: 0.5,
        maxIter: 10,
      }),
    };
    for (const [name, model] of Object.entries(cases)) {
      const expected = fixture.sgd[name] as Fixture['sgd'][string];
      model.fit(trainRows, expected.labels as string[]);
      for (const [c, m] of (model.models ?? []).entries()) {
        expectClose(m.w, expected.coef[c]);
        expect(m.b).toBeCloseTo(expected.intercept[c] as number, 12);
      }
      for (const [i, row] of model.decisionFunction(testRows).entries())
        expectClose(row, expected.decision?.[i]);
    }
    const partial = new SGDClassifier({ loss: 'log_loss', shuffle: false });
    partial.partialFit(
      tfidf.transform(counts.transform(fixture.train.slice(0, 12))),
      fixture.labels.slice(0, 12),
      ['ham', 'spam'],
    );
    partial.partialFit(tfidf.transform(counts.transform(fixture.train.slice(12))), fixture.labels.slice(12));
    expectClose(partial.models?.[0]?.w ?? [], fixture.sgd.partial?.coef[0]);
    for (const [i, row] of partial.predictProba(testRows).entries())
      expectClose(row, fixture.sgd.partial?.proba?.[i]);
  });

  it('a saved HashingVectorizer hashes alike after loading, its token pattern included', () => {
    const vectorizer = new HashingVectorizer({
      nFeatures: 512,
      ngramRange: [1, 2],
      tokenPattern: /[a-z]+/gu,
      stopWords: ['the'],
      norm: 'l1',
    });
    const restored = HashingVectorizer.fromJSON(JSON.parse(JSON.stringify(vectorizer)));
    expect(rowsOf(restored.transform(everything))).toEqual(rowsOf(vectorizer.transform(everything)));
    expect(() => HashingVectorizer.fromJSON('x')).toThrow(/saved as an object of its options/);
    expect(() => HashingVectorizer.fromJSON({ tokenPattern: 'a+' })).toThrow(/tokenPattern must be saved as/);
    expect(() => HashingVectorizer.fromJSON({ nFeatures: -1 })).toThrow(/nFeatures must be an integer/);
  });

  it('refuses bad input, saying what to do', () => {
    expect(() =>
      new MultinomialNB().fit(new HashingVectorizer({ nFeatures: 64 }).transform(['spam eggs ham']), ['a']),
    ).toThrow(/must not be negative .* alternateSign: false/);
    expect(() => new MultinomialNB().fit(train, fixture.labels.slice(1))).toThrow(
      /y has 23 labels but X has 24 rows/,
    );
    const model = new MultinomialNB().fit(train, fixture.labels);
    expect(() => model.predict(new HashingVectorizer({ nFeatures: 16 }).transform(['x']))).toThrow(
      /16 columns, the model was fitted on 1024/,
    );
    // A batch with one bad label is refused whole: the rows before it are not counted either.
    const before = JSON.stringify(model.toJSON());
    expect(() => model.partialFit(counts.transform(['free money', 'new']), ['spam', 'eggs'])).toThrow(
      /label eggs is not one of the classes/,
    );
    expect(JSON.stringify(model.toJSON())).toBe(before);
    expect(() => new HashingVectorizer({ nFeatures: 0 })).toThrow(/nFeatures must be an integer/);
    expect(() => new HashingVectorizer({ ngramRange: [2, 1] })).toThrow(/ngramRange must be two integers/);
    expect(() => buildAnalyzer({ tokenPattern: /(a)(b)/ })).toThrow(/2 capture groups/);
    expect(() => new HashingVectorizer().transform([42 as unknown as string])).toThrow(
      /documents must be strings/,
    );
    expect(() =>
      MultinomialNB.fromJSON({
        format: 'steward-model',
        version: 1,
        kind: 'MultinomialNB',
        params: {},
        state: {},
      }),
    ).toThrow(/classes, classCount, features and featureCount are required/);
    expect(() => new MultinomialNB().predict(train)).toThrow(/not fitted yet/);
  });
});
