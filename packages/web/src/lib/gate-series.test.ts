import type { UpdateRunView } from '@steward/client';
import { describe, expect, it } from 'vitest';
import { GATE_ROLLING_RUNS, gateSeries } from './gate-series';

const run = (
  startedAt: number,
  gate: { rows: number; candidate: number; production: number; metric?: string } | undefined,
  strategy = 'online',
): UpdateRunView => ({
  id: `run-${startedAt}`,
  model: 'm',
  jobId: null,
  trigger: { kind: 'schedule' },
  status: 'promoted',
  steps: [
    { name: 'train', status: 'done', startedAt, finishedAt: startedAt, seconds: 0, detail: { strategy } },
    ...(gate
      ? [
          {
            name: 'evaluate' as const,
            status: 'done' as const,
            startedAt,
            finishedAt: startedAt,
            seconds: 0,
            detail: {
              rows: gate.rows,
              primary: {
                metric: gate.metric ?? 'accuracy',
                candidate: gate.candidate,
                production: gate.production,
              },
            },
          },
        ]
      : []),
  ],
  outcome: null,
  candidateVersion: 2,
  startedAt,
  finishedAt: startedAt,
});

describe('gateSeries', () => {
  it('pools each run with the ones before it by rows, oldest first: accuracy on all their rows', () => {
    // Newest first, as the API lists them; a run without a gate comparison is left out.
    const s = gateSeries([
      run(3000, { rows: 10, candidate: 1, production: 0.5 }),
      run(2500, undefined),
      run(2000, { rows: 30, candidate: 0.8, production: 0.9 }),
    ]);
    expect(s?.x).toEqual([2, 3]);
    expect(s?.rows).toEqual([30, 40]);
    expect(s?.candidate).toEqual([0.8, (0.8 * 30 + 1 * 10) / 40]);
    expect(s?.production).toEqual([0.9, (0.9 * 30 + 0.5 * 10) / 40]);
    expect(s?.online).toBe(true);
    expect(s?.metric).toBe('accuracy');
  });

  it(`pools at most the last ${GATE_ROLLING_RUNS} runs`, () => {
    const runs = Array.from({ length: GATE_ROLLING_RUNS + 5 }, (_, i) =>
      run(1000 * (i + 1), { rows: 1, candidate: i, production: 0 }),
    );
    const s = gateSeries(runs);
    const last = GATE_ROLLING_RUNS + 4;
    // The mean of i over the last GATE_ROLLING_RUNS runs.
    expect(s?.candidate.at(-1)).toBeCloseTo(last - (GATE_ROLLING_RUNS - 1) / 2, 12);
    expect(s?.rows.at(-1)).toBe(GATE_ROLLING_RUNS);
  });

  it("keeps the newest run's metric, says whether every run learnt online, and needs two points", () => {
    const s = gateSeries([
      run(3000, { rows: 5, candidate: 0.7, production: 0.6 }, 'retrain'),
      run(2000, { rows: 5, candidate: 0.2, production: 0.3, metric: 'f1' }),
      run(1000, { rows: 5, candidate: 0.9, production: 0.8 }),
    ]);
    expect(s?.x).toEqual([1, 3]);
    expect(s?.online).toBe(false);
    expect(gateSeries([run(1000, { rows: 5, candidate: 0.9, production: 0.8 })])).toBeUndefined();
    expect(gateSeries([])).toBeUndefined();
  });
});
