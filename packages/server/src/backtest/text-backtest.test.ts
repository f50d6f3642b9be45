import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spamAssassinCsv } from '../datasets/spam-assassin.js';
import { openStore } from '../store/open-store.js';
import type { WindowProfileJSON } from '../window-state/window-profile.js';
import { backtest } from './run-backtest.js';

const DAY = 86_400_000;

async function updateRuns(db: string) {
  const store = await openStore({ url: db });
  try {
    const runs = (await store.db.selectFrom('update_runs').select(['status', 'steps']).execute()).map(
      (r) => ({
        status: r.status,
        steps: JSON.parse(r.steps) as Array<{ name: string; detail: Record<string, unknown> }>,
      }),
    );
    const versions = (await store.db.selectFrom('versions').select(['lineage']).execute()).map(
      (v) => JSON.parse(v.lineage) as { vocabulary?: { words: Record<string, number> } },
    );
    const profiles = (await store.db.selectFrom('profiles').select(['profile']).execute()).map(
      (p) => JSON.parse(p.profile) as WindowProfileJSON,
    );
    return { runs, versions, profiles };
  } finally {
    await store.close();
  }
}

describe('backtest of a text stream (SpamAssassin, labels a day late)', () => {
  it('serves, gates and maintains a filter of hashed words through the real loop, its text in every step', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'steward-text-backtest-'));
    // June 2002 to early August: six weeks train version 1, then about three weeks of daily update runs.
    const { report } = await backtest({
      data: spamAssassinCsv(),
      history: { label: 'label', time: 'time', limit: 2200 },
      delay: { ms: DAY },
      cadence: { ms: DAY },
      train: { ms: 42 * DAY },
      policies: [],
      ungated: false,
      storeDir,
      jobs: 1,
    });
    const byName = Object.fromEntries(report.strategies.map((s) => [s.name, s]));
    const policy = byName.default;
    expect(policy?.description).toMatch(/^logistic regression \(SGD\) on hashed words retrained every 1d/);
    // The loop ran on text: runs judged by the gate on held-out messages, and some promoted.
    expect(policy?.runs?.promoted).toBeGreaterThan(0);
    const { runs, versions, profiles } = await updateRuns(join(storeDir, 'default.db'));
    // Each version keeps the words it learnt; the windows it served count the words it never saw.
    expect(versions.length).toBeGreaterThan(1);
    for (const v of versions) expect(v.vocabulary?.words.text).toBeGreaterThan(5000);
    const checked = profiles.map((p) => {
      const text = p.features.text;
      return text?.kind === 'text' ? text.vocabulary : undefined;
    });
    const unseen = checked.reduce((n, c) => n + (c?.unseen.total ?? 0), 0);
    const words = checked.reduce((n, c) => n + (c?.checked ?? 0), 0);
    expect(words).toBeGreaterThan(100_000);
    expect(unseen / words).toBeGreaterThan(0.01);
    expect(unseen / words).toBeLessThan(0.3);
    const judged = runs.filter((r) => r.steps.some((s) => s.name === 'evaluate'));
    expect(judged.length).toBeGreaterThan(0);
    for (const run of judged) {
      const detail = run.steps.find((s) => s.name === 'evaluate')?.detail as { n?: number; rows?: number };
      expect(detail.n ?? detail.rows).toBeGreaterThan(0);
    }
    const train = judged[0]?.steps.find((s) => s.name === 'train')?.detail as {
      pipeline?: { text?: string[] };
    };
    expect(train.pipeline?.text).toEqual(['text']);
    // Ham arrives in July and August, after most of the training span's spam: maintenance is worth it.
    const f1 = (name: string) => byName[name]?.metrics.f1 as number;
    expect(f1('default')).toBeGreaterThan(f1('static') + 0.05);
    expect(f1('default')).toBeGreaterThan(f1('no-change'));
  }, 120_000);

  it('a text column that holds a number or is empty is served as text: nothing in the batch is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-text-odd-'));
    // Two odd documents among the first messages: an empty one and one that is only a number.
    const file = join(dir, 'odd.csv');
    const rows = [
      'time,label,text',
      ...Array.from({ length: 120 }, (_, i) => {
        const t = new Date(Date.UTC(2002, 6, 1) + i * 3_600_000).toISOString();
        const body =
          i === 100 ? '' : i === 101 ? '12345' : i % 2 ? 'free money now click' : 'meeting agenda notes';
        return `${t},${i % 2 ? 'spam' : 'ham'},${body}`;
      }),
    ];
    writeFileSync(file, `${rows.join('\n')}\n`);
    const { report } = await backtest({
      data: file,
      history: { label: 'label', time: 'time', text: ['text'] },
      delay: { ms: 3_600_000 },
      cadence: { ms: DAY },
      train: { ms: 3 * DAY },
      policies: [],
      ungated: false,
      jobs: 1,
    });
    // Every row after the training span was served and scored, the odd ones included.
    expect(report.rows).toBe(120 - 72);
    expect(report.strategies.find((s) => s.name === 'default')?.metrics.accuracy).toBeGreaterThan(0.9);
  }, 60_000);
});
