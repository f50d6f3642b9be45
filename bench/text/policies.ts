// The SpamAssassin stream's policy questions, each replayed by `steward backtest` (the real server and loop on a
// simulated clock): fine-tuning against retraining when labels come a week late instead of a day; the default text
// learner's alpha against scikit-learn's; and a text drift check against the training mail on the first 3,000
// messages (how many days it flags, and the share of words unseen in training). bench/efficacy has the day-late run.
// Results: bench/results/text-policies.json.     npx tsx bench/text/policies.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtest } from '../../packages/server/src/backtest/run-backtest.js';
import { spamAssassinCsv } from '../../packages/server/src/datasets/spam-assassin.js';
import { ModelCatalog } from '../../packages/server/src/monitor/model-catalog.js';
import { timeWindows } from '../../packages/server/src/monitor/windows.js';
import { openStore } from '../../packages/server/src/store/open-store.js';
import { root, writeResults } from '../lib.js';

const DAY = 86_400_000;
const data = spamAssassinCsv();
const history = { label: 'label', time: 'time' };
const folder = mkdtempSync(join(tmpdir(), 'steward-text-policies-'));
const daily = readFileSync(join(root, 'examples/spam/daily.yaml'), 'utf8');
const variant = (name: string, text: string) => {
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
};
const f1Of = (report: Awaited<ReturnType<typeof backtest>>['report']) =>
  Object.fromEntries(
    report.strategies.map((s) => [s.name, Math.round((s.metrics.f1 ?? Number.NaN) * 1e4) / 1e4]),
  );

console.log('labels a week late: daily retrain against fine-tuning');
const weekLate = await backtest({
  data,
  history,
  delay: { ms: 7 * DAY },
  cadence: { ms: DAY },
  train: { ms: 42 * DAY },
  policies: [join(root, 'examples/spam/daily.yaml'), join(root, 'examples/spam/fine-tune.yaml')],
  ungated: false,
});

console.log("alpha: the default 1e-5 against scikit-learn's 1e-4 (labels a day late)");
const alpha = await backtest({
  data,
  history,
  delay: { ms: DAY },
  cadence: { ms: DAY },
  train: { ms: 42 * DAY },
  policies: [
    variant('alpha-1e-5', daily),
    variant('alpha-1e-4', daily.replace('alpha: 0.00001', 'alpha: 0.0001')),
  ],
  ungated: false,
});

console.log('a text drift check against the training mail, first 3,000 messages');
const storeDir = join(folder, 'stores');
const withCheck = daily.replace(
  '    features:\n',
  '    checks:\n      - { type: drift, name: text-drift, reference: training, minRows: 30 }\n    features:\n',
);
await backtest({
  data,
  history: { ...history, limit: 3000 },
  delay: { ms: DAY },
  cadence: { ms: DAY },
  train: { ms: 42 * DAY },
  policies: [variant('drift', withCheck)],
  ungated: false,
  storeDir,
});
const store = await openStore({ url: join(storeDir, 'drift.db') });
const checks = await store.db
  .selectFrom('check_results')
  .select(['window_start', 'status', 'message'])
  .where('check_name', '=', 'text-drift')
  .orderBy('window_start')
  .execute();
// The profiles' own count: each day's words that the version serving it never learnt (its vocabulary on record).
const [model] = await new ModelCatalog(store).list();
const days = model
  ? await timeWindows(store, model.spec, { from: Date.UTC(2002, 0, 1), to: Date.UTC(2003, 0, 1) })
  : [];
const profileUnseen = days.flatMap((w) => {
  const unseen = w.profile?.features.get('text')?.outOfVocabulary;
  return unseen
    ? [
        {
          day: new Date(w.start).toISOString().slice(0, 10),
          messages: w.count,
          share: Number(unseen.share.toFixed(4)),
          words: unseen.unseen.top(3).map((t) => t.item),
        },
      ]
    : [];
});
await store.close();
rmSync(folder, { recursive: true, force: true });
const judged = checks.filter((c) => c.status !== 'skipped');
const unseen = judged
  .map((c) => Number(/(\d+(?:\.\d+)?)% of words unseen/.exec(c.message)?.[1]))
  .filter((v) => Number.isFinite(v));
const firstFlag = judged.find((c) => c.status !== 'ok');

writeResults(
  'text-policies',
  { reference: 'the policies of examples/spam, replayed through steward backtest on data/spam-assassin.csv' },
  {
    weekLate: { delay: '7d', f1: f1Of(weekLate.report) },
    alpha: { delay: '1d', f1: f1Of(alpha.report) },
    driftCheck: {
      messages: 3000,
      windowsJudged: judged.length,
      windowsFlagged: judged.filter((c) => c.status !== 'ok').length,
      firstJudged: judged[0]
        ? {
            day: new Date(Number(judged[0].window_start)).toISOString().slice(0, 10),
            status: judged[0].status,
          }
        : null,
      firstFlagged: firstFlag
        ? {
            day: new Date(Number(firstFlag.window_start)).toISOString().slice(0, 10),
            message: firstFlag.message,
          }
        : null,
      unseenWordsPercent: unseen.length > 0 ? { min: Math.min(...unseen), max: Math.max(...unseen) } : null,
    },
    profileOutOfVocabulary: {
      what: "each day's words that the version serving it never learnt, from the window profiles (no rows read)",
      days: profileUnseen.length,
      sharePercent: summaryOf(profileUnseen).sharePercent,
      busyDays: summaryOf(profileUnseen.filter((d) => d.messages >= 30)),
      perDay: profileUnseen,
    },
  },
);

function summaryOf(days: ReadonlyArray<{ share: number }>) {
  return {
    days: days.length,
    sharePercent:
      days.length > 0
        ? {
            min: Number((100 * Math.min(...days.map((d) => d.share))).toFixed(1)),
            max: Number((100 * Math.max(...days.map((d) => d.share))).toFixed(1)),
          }
        : null,
  };
}
