import { mcnemarTest, normalCdf, pairedBootstrap, pairedNonInferiority } from '@steward/core';
import { GATE_DEFAULTS, type MetricName, type ModelSpec, type UpdatePolicy } from '../spec/model-spec.js';
import type { ClassValue, JoinedPrediction } from '../spec/records.js';
import { computeMetrics } from '../window-state/window-metrics.js';

const LOWER_IS_BETTER = new Set<MetricName>(['logLoss', 'brierScore', 'mse', 'rmse', 'mae', 'mape']);

export interface GateOptions {
  /**
   * Who carries the burden of proof. `superiority` (default): promote a candidate shown better. `nonInferiority`:
   * promote a candidate shown not worse than production by `margin` or more. `notWorse`: promote unless the
   * candidate is shown worse by more than `margin` (a fresher model is preferred unless the evidence says it lost).
   * `always` promotes whatever the comparison says (it is still computed and reported).
   */
  mode?: GateMode;
  /**
   * nonInferiority and notWorse: how much worse the candidate may be. Classification: in accuracy (0.01 = one
   * point); regression: a share of production's mean squared error (0.05 = 5 % more). Default 0.01.
   */
  margin?: number;
  /** The metric that must improve. Default accuracy (classification) or rmse (regression). */
  primary?: MetricName;
  /** How much it must improve, in the metric's own units and better direction. Default 0. */
  minImprovement?: number;
  /** Metrics that may not get worse by more than their tolerance. */
  guards?: Array<{ metric: MetricName; tolerance: number }>;
  /** Significance level of the paired test (one-sided: the candidate is better). Default 0.05. */
  alpha?: number;
  /** Seed of the paired bootstrap (regression). Default 0. */
  seed?: number;
}

export type GateMode = 'superiority' | 'nonInferiority' | 'notWorse' | 'always';
type MarginAlternative = 'withinMargin' | 'worseByMargin';
const MARGIN_ALTERNATIVES: Record<GateMode, MarginAlternative | undefined> = {
  superiority: undefined,
  always: undefined,
  nonInferiority: 'withinMargin',
  notWorse: 'worseByMargin',
};

/** The gate options a model spec's `update.gate` asks for. */
export function gateOptionsOf(gate: UpdatePolicy['gate']): GateOptions {
  return {
    ...(gate.primary ? { primary: gate.primary } : {}),
    mode: gate.mode,
    minImprovement: gate.minImprovement,
    margin: gate.margin,
    guards: gate.guards,
    alpha: gate.alpha,
  };
}

/** One model's outputs on the held-out rows, in the same order as the labels. */
export interface GateOutputs {
  output: readonly ClassValue[];
  /** Binary: P(positive class) per row, for rocAuc, logLoss and brierScore. */
  score?: readonly number[];
  /** Multiclass: class → probability per row. */
  proba?: ReadonlyArray<Record<string, number>>;
}

export interface MetricComparison {
  metric: MetricName;
  production: number | null;
  candidate: number | null;
  /** Candidate minus production, signed so that positive is better. */
  improvement: number | null;
}

export interface GateDecision {
  promote: boolean;
  /** Why, in words; every failed condition is listed. */
  reasons: string[];
  rows: number;
  primary: MetricComparison & { required: number };
  guards: Array<MetricComparison & { tolerance: number; ok: boolean }>;
  test:
    | { name: 'mcnemar'; b: number; c: number; pValue: number; alpha: number; method: 'exact' | 'chi2' }
    | {
        name: 'tango';
        /** What a small p shows: the candidate within the margin (nonInferiority), or worse by more (notWorse). */
        alternative: MarginAlternative;
        /** Rows only production got right, rows only the candidate got right (as McNemar's b and c). */
        b: number;
        c: number;
        margin: number;
        statistic: number;
        pValue: number;
        alpha: number;
      }
    | {
        name: 'pairedBootstrap';
        /** nonInferiority, notWorse: production's squared errors were scaled by 1 + margin before the comparison. */
        margin?: number;
        alternative?: MarginAlternative;
        meanDifference: number;
        lower: number;
        upper: number;
        pValue: number;
        alpha: number;
      };
}

function rowsOf(labels: readonly ClassValue[], outputs: GateOutputs): JoinedPrediction[] {
  return labels.map((label, i) => ({
    id: String(i),
    time: i,
    version: null,
    segment: null,
    features: {},
    output: outputs.output[i] as ClassValue,
    score: outputs.score?.[i] ?? null,
    proba: outputs.proba?.[i] ?? null,
    label,
  }));
}

function compare(
  metric: MetricName,
  production: Record<string, number | null | undefined>,
  candidate: Record<string, number | null | undefined>,
): MetricComparison {
  const p = production[metric] ?? null;
  const c = candidate[metric] ?? null;
  const improvement = p === null || c === null ? null : LOWER_IS_BETTER.has(metric) ? p - c : c - p;
  return { metric, production: p, candidate: c, improvement };
}

/**
 * The promotion gate: production and candidate scored on the same held-out labelled rows. The candidate passes
 * only if the primary metric improves by at least `minImprovement`, no guard metric gets worse by more than its
 * tolerance, and a one-sided paired test says the candidate is better at level `alpha` (McNemar on which rows
 * each gets right for classification; a paired bootstrap of squared errors for regression).
 */
export function evaluateGate(
  spec: ModelSpec,
  labels: readonly ClassValue[],
  production: GateOutputs,
  candidate: GateOutputs,
  options: GateOptions = {},
): GateDecision {
  if (labels.length === 0) throw new Error('the gate needs held-out labelled rows');
  for (const [name, o] of [
    ['production', production],
    ['candidate', candidate],
  ] as const) {
    if (o.output.length !== labels.length)
      throw new Error(`${name} has ${o.output.length} outputs for ${labels.length} labelled rows`);
  }
  const regression = spec.task === 'regression';
  const primaryMetric = options.primary ?? (regression ? 'rmse' : 'accuracy');
  const required = options.minImprovement ?? GATE_DEFAULTS.minImprovement;
  const alpha = options.alpha ?? GATE_DEFAULTS.alpha;
  const mProduction = computeMetrics(spec, rowsOf(labels, production));
  const mCandidate = computeMetrics(spec, rowsOf(labels, candidate));
  const reasons: string[] = [];

  const alternative = MARGIN_ALTERNATIVES[options.mode ?? GATE_DEFAULTS.mode];
  const margin = options.margin ?? GATE_DEFAULTS.margin;
  const primary = { ...compare(primaryMetric, mProduction, mCandidate), required };
  if (primary.improvement === null) reasons.push(`${primaryMetric} is undefined on the held-out rows`);
  else if (alternative) {
    // The paired test (on which rows each gets right, or squared errors) is the condition; another primary metric
    // may not lose more than the margin either.
    if (!regression && primaryMetric !== 'accuracy' && primary.improvement < -margin)
      reasons.push(`${primaryMetric} worsens by ${(-primary.improvement).toFixed(6)}, margin ${margin}`);
  } else if (!(primary.improvement >= required) || (required === 0 && primary.improvement <= 0)) {
    reasons.push(
      `${primaryMetric} improves by ${primary.improvement.toFixed(6)}, needs ${required > 0 ? `at least ${required}` : 'more than 0'}`,
    );
  }

  const guards = (options.guards ?? []).map((g) => {
    const c = compare(g.metric, mProduction, mCandidate);
    const ok = c.improvement !== null && c.improvement >= -g.tolerance;
    if (!ok)
      reasons.push(
        c.improvement === null
          ? `guard ${g.metric} is undefined`
          : `guard ${g.metric} worsens by ${(-c.improvement).toFixed(6)}, tolerance ${g.tolerance}`,
      );
    return { ...c, tolerance: g.tolerance, ok };
  });

  let test: GateDecision['test'];
  if (regression) {
    const y = labels.map(Number);
    const sqErr = (o: GateOutputs) => y.map((v, i) => (v - Number(o.output[i])) ** 2);
    const scale = alternative ? 1 + margin : 1;
    const boot = pairedBootstrap(
      sqErr(production).map((e) => e * scale),
      sqErr(candidate),
      { seed: options.seed ?? GATE_DEFAULTS.seed },
    );
    test = {
      name: 'pairedBootstrap',
      ...(alternative ? { margin, alternative } : {}),
      meanDifference: boot.meanDifference,
      lower: boot.lower,
      upper: boot.upper,
      // The bootstrap's p is the share of resampled means at or below 0; its complement is the other tail.
      pValue: alternative === 'worseByMargin' ? 1 - boot.pValue : boot.pValue,
      alpha,
    };
  } else if (alternative) {
    const { b, c } = mcnemarTest(labels, production.output, candidate.output);
    const r = pairedNonInferiority(c, b, labels.length, margin);
    const pValue = alternative === 'worseByMargin' ? normalCdf(r.statistic) : r.pValue;
    test = { name: 'tango', alternative, b, c, margin, statistic: r.statistic, pValue, alpha };
  } else {
    const r = mcnemarTest(labels, production.output, candidate.output, { alternative: 'greater' });
    test = { name: 'mcnemar', b: r.b, c: r.c, pValue: r.pValue, alpha, method: r.method };
  }
  if (alternative === 'worseByMargin') {
    if (test.pValue < alpha)
      reasons.push(
        `the paired test (${test.name}) shows the candidate worse than production by more than ${margin}: p = ${test.pValue.toPrecision(4)} < ${alpha}`,
      );
  } else if (!(test.pValue < alpha))
    reasons.push(
      alternative
        ? `the paired test (${test.name}) does not show the candidate within ${margin} of production: p = ${test.pValue.toPrecision(4)} ≥ ${alpha}`
        : `the paired test (${test.name}) does not show the candidate better: p = ${test.pValue.toPrecision(4)} ≥ ${alpha}`,
    );

  if (options.mode === 'always') {
    const compared = reasons.length === 0 ? 'shown better' : `not shown better (${reasons.join('; ')})`;
    return {
      promote: true,
      reasons: [
        `gate off (mode always): ${primaryMetric} ${primary.production?.toFixed(4)} → ${primary.candidate?.toFixed(4)}, ${compared}`,
      ],
      rows: labels.length,
      primary,
      guards,
      test,
    };
  }
  const promote = reasons.length === 0;
  if (promote)
    reasons.push(
      `${primaryMetric} ${primary.production?.toFixed(4)} → ${primary.candidate?.toFixed(4)}${alternative === 'withinMargin' ? `, shown within ${margin}` : alternative ? `, not shown worse by ${margin}` : ''}, ${test.name} p = ${test.pValue.toPrecision(4)} on ${labels.length} rows`,
    );
  return { promote, reasons, rows: labels.length, primary, guards, test };
}
