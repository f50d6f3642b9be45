// Elec2 under the backtest's protocol (labels a day late, daily refits on the last 28 days, always promoted) in
// scikit-learn, beside which the README puts Steward's daily policies: the reference for its learner and for its
// label-history features. Results: bench/results/elec2-sklearn.json.
//   npx tsx bench/efficacy/sklearn-reference.ts
import { DATASETS } from '../../packages/server/src/testing/datasets.js';
import { python, pythonVersionOf, writeResults } from '../lib.js';

const started = performance.now();
const reference = python<{ sklearn: string; results: Record<string, { accuracy: number; rows: number }> }>(
  'bench/efficacy/sklearn_reference.py',
  [DATASETS.elec2],
);
for (const [name, r] of Object.entries(reference.results))
  console.log(`${name}: accuracy ${r.accuracy.toFixed(4)} on ${r.rows} rows`);
writeResults(
  'elec2-sklearn',
  {
    reference: `scikit-learn ${pythonVersionOf('sklearn')} HistGradientBoostingClassifier, refitted daily on the last 1,344 labelled rows, no gate`,
  },
  { seconds: Math.round((performance.now() - started) / 1000), ...reference },
);
