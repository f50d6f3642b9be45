import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { StewardInputError } from '../errors.js';
import * as metrics from './index.js';
import { expectClose } from './test-helpers.js';

// Inputs and scikit-learn outputs, written by fixtures/generate.py (see its header to regenerate).
interface Case {
  metric: string;
  data: string;
  args: [string, string];
  weights: boolean;
  options: Record<string, unknown>;
  expected?: unknown;
  error?: string;
}
const fixture: { sklearn: string; data: Record<string, Record<string, unknown[]>>; cases: Case[] } =
  JSON.parse(readFileSync(new URL('./fixtures/sklearn-metrics.json', import.meta.url), 'utf8'));

type MetricFn = (yTrue: unknown, second: unknown, options: Record<string, unknown>) => unknown;
const call = (c: Case): unknown => {
  const d = fixture.data[c.data];
  const options = { ...c.options, ...(c.weights ? { sampleWeight: d.w } : {}) };
  const fn = (metrics as unknown as Record<string, MetricFn>)[c.metric];
  if (typeof fn !== 'function') throw new Error(`no metric named ${c.metric}`);
  return fn(d[c.args[0]], d[c.args[1]], options);
};

describe(`parity with scikit-learn ${fixture.sklearn}`, () => {
  const byMetric = new Map<string, Case[]>();
  for (const c of fixture.cases) byMetric.set(c.metric, [...(byMetric.get(c.metric) ?? []), c]);

  for (const [metric, cases] of byMetric) {
    test(`${metric}: ${cases.length} cases`, () => {
      for (const c of cases) {
        const label = `${c.metric}(${c.data}${c.weights ? ', weighted' : ''}, ${JSON.stringify(c.options)})`;
        if (c.error !== undefined) {
          expect(() => call(c), `${label} should throw like scikit-learn: ${c.error}`).toThrow(
            StewardInputError,
          );
        } else {
          expectClose(call(c), c.expected, label);
        }
      }
    });
  }

  test('the fixture covers what the issue asks for', () => {
    const sizes = Object.values(fixture.data).map((d) => d.y.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(100_000);
    const names = Object.keys(fixture.data);
    for (const prefix of ['multi3_', 'multi4_', 'multi5_', 'string_', 'single_class', 'binary_all_ties']) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
    expect(fixture.cases.some((c) => c.weights)).toBe(true);
    expect(fixture.cases.filter((c) => c.error !== undefined).length).toBeGreaterThan(20);
  });
});
