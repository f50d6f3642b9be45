import { escapeHtml } from '../escape-html.js';
import { estimationSummary, metricColumns, verdict } from './report-table.js';
import type { BacktestReport, StrategyReport } from './run-backtest.js';

const COLORS = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];
const WIDTH = 1100;
const HEIGHT = 360;
const PAD = { left: 56, right: 16, top: 16, bottom: 36 };

/**
 * A self-contained HTML report of a backtest: the settings, the comparison table, and the rolling primary metric
 * of every strategy and baseline on one time axis with a mark where each policy's production version changed. No
 * scripts or external files: it opens offline, attaches to an email and prints.
 */
export function renderBacktestHtml(report: BacktestReport): string {
  const metrics = metricColumns(report);
  const rows = report.strategies
    .map(
      (s) =>
        `<tr class="${s.kind}"><td>${escapeHtml(s.name)}</td><td>${s.kind}</td>${metrics.map((m) => `<td class="num">${fmt(s.metrics[m])}</td>`).join('')}<td>${runs(s)}</td><td class="num">${s.cpuSeconds === undefined ? '—' : s.cpuSeconds.toFixed(1)}</td><td class="note">${escapeHtml(s.description)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward backtest: ${escapeHtml(report.data)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Backtest: ${escapeHtml(report.data)}</h1>
  <p class="meta">${report.rows.toLocaleString('en')} rows scored, ${escapeHtml(report.from.slice(0, 10))} – ${escapeHtml(report.to.slice(0, 10))} ·
  ${escapeHtml(report.task)} label <b>${escapeHtml(report.label)}</b> · labels <b>${escapeHtml(report.delay)}</b> late ·
  the policy acts every <b>${escapeHtml(report.cadence)}</b> · version 1 trained on the first ${escapeHtml(report.train)}
  (${report.trainRows.toLocaleString('en')} rows)</p>
</header>
<section class="verdict" data-testid="verdict">${[...verdict(report), ...estimationSummary(report)]
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('')}</section>
<table class="strategies" data-testid="strategies">
<thead><tr><th>strategy</th><th>kind</th>${metrics.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}<th>update runs</th><th>CPU s</th><th>what it is</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>${escapeHtml(report.primary)} over time (rolling over ${report.windows.rolling.windows} report window${report.windows.rolling.windows === 1 ? '' : 's'})</h2>
${chart(report)}
<footer>Made by Steward. Every strategy scored prequentially on the same rows: each row by what was served before its
label was known. Baselines see labels with the same delay.</footer>
</body>
</html>
`;
}

function chart(report: BacktestReport): string {
  const { start, rolling } = report.windows;
  const names = report.strategies.map((s) => s.name);
  const series = names.map((n) => rolling.values[n] ?? []);
  const all = series.flat().filter((v): v is number => v !== null);
  if (start.length === 0 || all.length === 0) return '<p>No window has labelled rows.</p>';
  const t0 = start[0] as number;
  const t1 = start[start.length - 1] as number;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t1 === t0 ? innerW / 2 : ((t - t0) / (t1 - t0)) * innerW);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * innerH;
  const lines = series.map((values, k) => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(start[i] as number).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    const s = report.strategies[k] as StrategyReport;
    const dash = s.kind === 'baseline' ? ' stroke-dasharray="5 3"' : '';
    return `<path d="${d}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="${s.kind === 'policy' ? 2 : 1.4}"${dash} data-strategy="${escapeHtml(s.name)}"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const markers = report.strategies
    .filter((s) => s.kind === 'policy')
    .flatMap((s) =>
      (s.versionChanges ?? []).slice(1).map((c) => {
        const px = x(Math.max(t0, Math.min(t1, c.time))).toFixed(1);
        const k = names.indexOf(s.name);
        return `<line x1="${px}" x2="${px}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom - 8}" stroke="${COLORS[k % COLORS.length]}" class="version"><title>${escapeHtml(s.name)}: version ${c.version} from ${new Date(c.time).toISOString().slice(0, 16)}</title></line>`;
      }),
    );
  const ticksY = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4).map(
    (v) =>
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(3)}</text>`,
  );
  const ticksX = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5).map(
    (t) =>
      `<text x="${x(t).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`,
  );
  const legend = report.strategies
    .map(
      (s, k) =>
        `<span class="key"><span class="swatch${s.kind === 'baseline' ? ' dashed' : ''}" style="border-color:${COLORS[k % COLORS.length]}"></span>${escapeHtml(s.name)}</span>`,
    )
    .join('');
  return `<p class="legend">${legend} <span class="key">▮ version change</span></p>
<svg class="chart" data-testid="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(report.primary)} over time">
${ticksY.join('\n')}
${ticksX.join('\n')}
${lines.join('\n')}
${markers.join('\n')}
</svg>`;
}

function runs(s: StrategyReport): string {
  if (!s.runs) return '—';
  const r = s.runs;
  return `${r.started} (${r.promoted} promoted, ${r.rejected} rejected${r.failed ? `, ${r.failed} failed` : ''})`;
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1160px;padding:0 16px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 4px}
.meta,footer,.note{color:#666}
.verdict{background:#fff;border:1px solid #e5e5e5;border-radius:8px;padding:4px 16px;margin:16px 0}
table.strategies{border-collapse:collapse;width:100%;background:#fff}
table.strategies th,table.strategies td{border-bottom:1px solid #e5e5e5;padding:6px 8px;text-align:left}
table.strategies tr.policy td:first-child{font-weight:600}
td.num{font-variant-numeric:tabular-nums;text-align:right}
.legend{margin:8px 0}.key{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:18px;height:0;border-top:3px solid;margin-right:4px;vertical-align:3px}
.swatch.dashed{border-top-style:dashed}
svg.chart{background:#fff;border:1px solid #e5e5e5;border-radius:8px}
svg.chart text{font-size:11px;fill:#555}
svg.chart .grid{stroke:#eee}
svg.chart .version{stroke-width:1.2}
footer{margin:24px 0;font-size:12px}
`;
