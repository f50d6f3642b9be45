import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../spec/model-spec.js';
import { compileValidator } from './ingest-rows.js';

const tickets = compileValidator(
  parseModelSpec({
    name: 'tickets',
    task: 'multiclass',
    classes: ['billing', 'bug', 'other'],
    features: [
      { name: 'subject', type: 'text' },
      { name: 'plan', type: 'categorical' },
      { name: 'vector', type: 'embedding', dimensions: 3 },
      { name: 'age_days', type: 'numeric' },
    ],
  }),
);
const demand = compileValidator(
  parseModelSpec({ name: 'demand', task: 'regression', features: [{ name: 'hour', type: 'numeric' }] }),
);

describe('batch validation', () => {
  it('accepts every feature type, multiclass probabilities and both time forms; missing features become null', () => {
    const result = tickets.predictions(
      [
        {
          id: 7,
          time: '2026-03-01T10:00:00+01:00',
          features: { subject: 'refund?', plan: 'pro', vector: [0.1, 0, -2], age_days: 3 },
          output: 'billing',
          proba: { billing: 0.7, bug: 0.2, other: 0.1 },
        },
        {
          time: 1772355600000,
          features: { plan: true, age_days: null },
          output: 'other',
          segment: 'eu',
          version: 'v2',
        },
      ],
      Date.now(),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records[0]).toMatchObject({
      id: '7',
      time: Date.UTC(2026, 2, 1, 9),
      output: 'billing',
      score: null,
    });
    expect(result.records[1]?.features).toEqual({ subject: null, plan: true, vector: null, age_days: null });
    expect(result.records[1]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(demand.predictions([{ features: { hour: 3 }, output: 41.5 }], 123).ok).toBe(true);
  });

  it('names every problem by row and field', () => {
    const result = tickets.predictions(
      [
        {
          id: 'a',
          features: { subject: 5, vector: [1, 2], age_days: Number.NaN },
          output: 'spam',
          score: 0.5,
        },
        { id: 'a', time: 'yesterday', features: {}, output: 'bug', proba: { bug: 2 } },
        'not a row',
      ],
      0,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { row: 0, field: 'features.subject', message: 'expected a string or null, got 5' },
      {
        row: 0,
        field: 'features.vector',
        message: 'expected an array of 3 numbers, got an array of length 2',
      },
      { row: 0, field: 'features.age_days', message: 'expected a finite number or null, got NaN' },
      {
        row: 0,
        field: 'output',
        message: '"spam" is not one of the model\'s classes ("billing", "bug", "other")',
      },
      { row: 0, field: 'score', message: 'only binary models take a score (use proba for multiclass)' },
      { row: 1, field: 'id', message: 'duplicate id "a" (also row 0)' },
      {
        row: 1,
        field: 'time',
        message:
          'must be an ISO 8601 time with a zone (e.g. 2026-01-31T12:00:00Z) or epoch milliseconds, got "yesterday"',
      },
      { row: 1, field: 'proba.bug', message: 'expected a probability in [0, 1], got 2' },
      { row: 2, field: '', message: 'expected an object, got "not a row"' },
    ]);
    expect(demand.predictions([{ features: { hour: 1 }, output: 'high' }], 0)).toMatchObject({
      ok: false,
      errors: [{ row: 0, field: 'output', message: 'expected a finite number, got "high"' }],
    });
    expect(demand.predictions({ rows: [] }, 0)).toMatchObject({
      ok: false,
      errors: [{ row: -1, field: 'body' }],
    });
  });

  it('refuses times before 1970 or more than a day ahead, overlong categories and texts', () => {
    const now = Date.UTC(2026, 0, 1);
    const result = tickets.predictions(
      [
        { time: '1900-01-01T00:00:00Z', features: { plan: 'pro' }, output: 'bug' },
        { time: Date.UTC(3000, 0, 1), features: { plan: 'pro' }, output: 'bug' },
        { time: now * 1000, features: { plan: 'pro' }, output: 'bug' },
        {
          time: now + 86_400_000,
          features: { plan: 'x'.repeat(1024), subject: 'y'.repeat(100_000) },
          output: 'bug',
        },
        { features: { plan: 'x'.repeat(1025), subject: 'y'.repeat(100_001) }, output: 'bug' },
      ],
      now,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problems = result.errors.map((e) => [e.row, e.field, e.message]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toEqual([
      0,
      'time',
      'is before 1970 ("1900-01-01T00:00:00Z"): send epoch milliseconds or an ISO 8601 time',
    ]);
    expect(problems[1]?.[2]).toMatch(
      /^is more than a day after the server's clock \(2026-01-01T00:00:00\.000Z\)/,
    );
    expect(problems[2]?.[2]).toMatch(/milliseconds, not microseconds\?$/);
    expect(problems[3]).toEqual([4, 'features.subject', 'a text of 100001 characters: at most 100000']);
    expect(problems[4]).toEqual([
      4,
      'features.plan',
      'a category of 1025 characters: at most 1024 (is this a text feature?)',
    ]);
    expect(tickets.labels([{ predictionId: 1, label: 'bug', time: -1 }], now)).toMatchObject({ ok: false });
  });

  it('caps the listed problems at 100 and gives the total', () => {
    const rows = Array.from({ length: 300 }, () => ({ features: { hour: 'x' }, output: 1 }));
    const result = demand.predictions(rows, 0);
    expect(result).toMatchObject({ ok: false, errorCount: 300 });
    if (!result.ok) expect(result.errors).toHaveLength(100);
  });

  it('validates labels: known classes, one per prediction per batch', () => {
    expect(tickets.labels([{ predictionId: 7, label: 'bug' }], 5)).toEqual({
      ok: true,
      records: [{ predictionId: '7', label: 'bug', time: 5 }],
    });
    const bad = tickets.labels(
      [{ predictionId: 'x', label: 'bug' }, { predictionId: 'x', label: 'nope', extra: 1 }, { label: 'bug' }],
      0,
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => `${e.row} ${e.field}`)).toEqual([
        '1 extra',
        '1 predictionId',
        '1 label',
        '2 predictionId',
      ]);
    }
  });
});
