import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../testing/datasets.js';
import { detectPeriod, noChange, seasonalNaive } from './baselines.js';
import { toHistory } from './history.js';
import { readTable } from './readers/read-table.js';
import { columnTable } from './readers/table.js';
import type { Span } from './span.js';
import { buildTimeline } from './timeline.js';

interface Case {
  name: string;
  delay: { kind: 'ms' | 'rows'; value: number };
  trainEnd: number;
  period: number;
  seasons: number;
  rows: number;
  noChangeAccuracy: number;
  seasonalAccuracy: number;
  sample: Array<{ i: number; noChange: string | number; seasonal: string | number }>;
}

// Computed independently with pandas/numpy by fixtures/generate_baselines.py from the same files.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/baselines.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};
const elec2 = DATASETS.elec2;
const irregular = fileURLToPath(new URL('./fixtures/irregular.csv', import.meta.url));

async function historyOf(c: Case) {
  if (c.name.startsWith('elec2'))
    return toHistory(await readTable(elec2), {
      label: 'class',
      step: 30 * 60_000,
      start: Date.UTC(1996, 4, 7),
    });
  return toHistory(await readTable(irregular), { label: 'status', time: 'time' });
}

const accuracy = (outputs: ReadonlyArray<unknown>, labels: ReadonlyArray<unknown>, from: number) =>
  outputs.filter((o, i) => o === labels[from + i]).length / outputs.length;

describe('delay-matched baselines agree with an independent computation from the data (pandas)', () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const history = await historyOf(c);
      const delay: Span = c.delay.kind === 'ms' ? { ms: c.delay.value } : { rows: c.delay.value };
      const timeline = buildTimeline(history, {
        delay,
        cadence: { ms: 86_400_000 },
        train: { rows: c.trainEnd },
      });
      expect(timeline.trainEnd).toBe(c.trainEnd);
      const still = noChange(history, timeline);
      const seasonal = seasonalNaive(history, timeline, { period: c.period, seasons: c.seasons });
      expect(still).toHaveLength(c.rows);
      for (const s of c.sample) {
        expect(still[s.i], `no-change at scored row ${s.i}`).toBe(s.noChange);
        expect(seasonal[s.i], `seasonal naive at scored row ${s.i}`).toBe(s.seasonal);
      }
      expect(accuracy(still, history.labels, c.trainEnd)).toBeCloseTo(c.noChangeAccuracy, 12);
      expect(accuracy(seasonal, history.labels, c.trainEnd)).toBeCloseTo(c.seasonalAccuracy, 12);
    });
  }

  it('with labels a day late and a daily season, seasonal naive is no-change (the label a day before)', async () => {
    const c = fixture.cases[0] as Case;
    expect(c.seasonalAccuracy).toBe(c.noChangeAccuracy);
    // …and neither is the 0.853 of no-change with labels at once (the previous half-hour).
    const history = await historyOf(c);
    const atOnce = buildTimeline(history, {
      delay: { ms: 0 },
      cadence: { ms: 86_400_000 },
      train: { rows: 1344 },
    });
    expect(accuracy(noChange(history, atOnce), history.labels, 1344)).toBeCloseTo(0.852870269286754, 12);
  });

  it('detects the season under the label delay: a weekly pattern is weekly, whatever hours and days say', () => {
    const start = Date.UTC(2024, 0, 1); // a Monday
    const times = Array.from({ length: 24 * 7 * 10 }, (_, i) => start + i * 3_600_000);
    // Busy on weekday afternoons: the hour before agrees most of the time, the day before on most days.
    const busy = times.map((t) => {
      const d = new Date(t);
      return d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 12 ? 'busy' : 'quiet';
    });
    const history = toHistory(
      columnTable('w.csv', { t: times, x: times.map((_, i) => i % 7), y: busy }, (i) => `line ${i + 2}`),
      {
        label: 'y',
        time: 't',
      },
    );
    const atOnce = buildTimeline(history, {
      delay: { ms: 0 },
      cadence: { ms: 86_400_000 },
      train: { rows: 24 * 7 * 4 },
    });
    expect(detectPeriod(history, atOnce)).toBe(604_800_000);
    const dayLate = buildTimeline(history, {
      delay: { ms: 86_400_000 },
      cadence: { ms: 86_400_000 },
      train: { rows: 24 * 7 * 4 },
    });
    expect(detectPeriod(history, dayLate)).toBe(604_800_000);
  });
});
