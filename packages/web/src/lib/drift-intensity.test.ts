import { describe, expect, it } from 'vitest';
import { driftIntensity } from './drift-intensity';

const cell = { method: 'K-S p_value', drifted: false } as const;

describe('driftIntensity', () => {
  it('puts p-values and distances on one scale where the threshold is 1', () => {
    expect(driftIntensity({ ...cell, scoreKind: 'p_value', score: 0.05, threshold: 0.05 })).toBeCloseTo(
      1,
      12,
    );
    expect(driftIntensity({ ...cell, scoreKind: 'p_value', score: 0.0025, threshold: 0.05 })).toBeCloseTo(
      2,
      12,
    );
    expect(driftIntensity({ ...cell, scoreKind: 'p_value', score: 1, threshold: 0.05 })).toBe(0);
    expect(driftIntensity({ ...cell, scoreKind: 'distance', score: 0.05, threshold: 0.1 })).toBe(0.5);
  });

  it('stays finite for a p-value of zero', () => {
    expect(
      Number.isFinite(driftIntensity({ ...cell, scoreKind: 'p_value', score: 0, threshold: 0.05 })),
    ).toBe(true);
  });
});
