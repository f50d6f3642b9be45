import type { MetricName } from '../spec/model-spec.js';
import type { BacktestReport, StrategyReport } from './run-backtest.js';

const METRIC_LABELS: Partial<Record<MetricName, string>> = {
  accuracy: 'accuracy',
  balancedAccuracy: 'balanced acc.',
  f1: 'F1',
  rocAuc: 'ROC AUC',
  logLoss: 'log loss',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
};

export function metricColumns(report: BacktestReport): MetricName[] {
  const seen = new Set<MetricName>();
  for (const s of report.strategies) for (const m of Object.keys(s.metrics)) seen.add(m as MetricName);
  const order: MetricName[] = [
    report.primary,
    'accuracy',
    'balancedAccuracy',
    'f1',
    'rocAuc',
    'logLoss',
    'mae',
    'rmse',
    'r2',
  ];
  return [...new Set(order)].filter((m) => seen.has(m));
}

function runsCell(s: StrategyReport): string {
  if (!s.runs) return '—';
  const r = s.runs;
  const parts = [`${r.started} (${r.promoted} promoted`];
  if (r.rejected) parts.push(`${r.rejected} rejected`);
  if (r.rollingOut) parts.push(`${r.rollingOut} rolled out`);
  if (r.failed) parts.push(`${r.failed} failed`);
  if (r.skipped) parts.push(`${r.skipped} skipped`);
  return `${parts.join(', ')})`;
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));

/** The comparison as a Markdown table: one row a strategy, its metrics, update runs and CPU. */
export function reportTable(report: BacktestReport): string {
  const metrics = metricColumns(report);
  const header = ['strategy', 'kind', ...metrics.map((m) => METRIC_LABELS[m] ?? m), 'update runs', 'CPU s'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const s of report.strategies) {
    lines.push(
      `| ${[
        s.name,
        s.kind,
        ...metrics.map((m) => fmt(s.metrics[m])),
        runsCell(s),
        s.cpuSeconds === undefined ? '—' : s.cpuSeconds.toFixed(1),
      ].join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The best strategy by the primary metric, and how each policy stands against each baseline, in words. */
export function verdict(report: BacktestReport): string[] {
  const score = (s: StrategyReport) => s.metrics[report.primary];
  const better = (a: number, b: number) => (report.lowerIsBetter ? a < b : a > b);
  const ranked = report.strategies.filter((s) => score(s) !== undefined);
  const best = ranked.reduce<StrategyReport | undefined>(
    (b, s) => (b === undefined || better(score(s) as number, score(b) as number) ? s : b),
    undefined,
  );
  const lines: string[] = [];
  if (best)
    lines.push(
      `Best by ${report.primary}: ${best.name} (${best.kind}) at ${(score(best) as number).toFixed(4)}.`,
    );
  for (const policy of report.strategies.filter((s) => s.kind === 'policy')) {
    const p = score(policy);
    if (p === undefined) continue;
    const losses = report.strategies
      .filter((s) => s.kind === 'baseline' && score(s) !== undefined && better(score(s) as number, p))
      .map((s) => `${s.name} (${(score(s) as number).toFixed(4)})`);
    lines.push(
      losses.length === 0
        ? `${policy.name} beats every baseline on ${report.primary} (${p.toFixed(4)}).`
        : `${policy.name} (${p.toFixed(4)}) loses to ${losses.join(', ')} on ${report.primary}.`,
    );
  }
  return lines;
}

/** How each policy's estimated metric (read as each window closed) tracked the realized one, in words. */
export function estimationSummary(report: BacktestReport): string[] {
  const lines: string[] = [];
  for (const s of report.strategies) {
    const e = s.estimation;
    if (!e) continue;
    const how =
      e.metric === 'mae' ? 'MAE estimated without labels (DLE)' : 'accuracy estimated without labels (CBPE)';
    const past = e.metric === 'mae' ? 'above' : 'below';
    let line = `${s.name}: ${how} as each window closed was ${e.meanAbsoluteError.toFixed(3)} from the realized ${e.metric === 'mae' ? 'MAE' : 'accuracy'} on average over ${e.windows.toLocaleString('en')} windows; its 95% band held the realized value in ${(100 * e.coverage).toFixed(0)}% of them.`;
    const c = e.check;
    if (c)
      line +=
        c.episodes === 0
          ? ` The realized value never went ${past} ${c.bound} (check ${c.name}); the estimate did in ${c.falseAlarms} window${c.falseAlarms === 1 ? '' : 's'}.`
          : ` The realized value went ${past} ${c.bound} (check ${c.name}) ${c.episodes} time${c.episodes === 1 ? '' : 's'}; the estimate flagged ${c.flagged} of them${c.meanLeadWindows === null ? '' : `, ${c.meanLeadWindows.toFixed(1)} windows before the realized check could on average`}, and went ${past} it in ${c.falseAlarms} window${c.falseAlarms === 1 ? '' : 's'} where the realized value did not.`;
    lines.push(line);
  }
  return lines;
}
