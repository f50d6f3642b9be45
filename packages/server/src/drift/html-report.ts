import type { ColumnDistribution, ColumnDrift, DriftReport } from '@steward/core';
import { escapeHtml } from '../escape-html.js';

export interface HtmlReportContext {
  referenceName: string;
  currentName: string;
  referenceRows: number;
  currentRows: number;
  generatedAt: Date;
}

const REFERENCE_COLOR = '#4c78a8';
const CURRENT_COLOR = '#f58518';
const CHART_WIDTH = 560;
const CHART_HEIGHT = 180;
const PAD = { left: 44, right: 8, top: 10, bottom: 34 };

/**
 * A self-contained HTML drift report: no scripts, no external files, so it opens offline, attaches to an email and
 * prints. Charts are inline SVG: overlaid reference/current histograms for numerical columns, grouped bars for
 * categories.
 */
export function renderDriftHtml(report: DriftReport, context: HtmlReportContext): string {
  const verdict = report.datasetDrift ? 'Dataset drift detected' : 'No dataset drift';
  const drifted = report.columns.filter((c) => c.drifted);
  const ordered = [...drifted, ...report.columns.filter((c) => !c.drifted)];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steward drift report: ${escapeHtml(context.currentName)} vs ${escapeHtml(context.referenceName)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Data drift report</h1>
  <p class="meta">reference <b>${escapeHtml(context.referenceName)}</b> (${context.referenceRows.toLocaleString('en')} rows) ·
  current <b>${escapeHtml(context.currentName)}</b> (${context.currentRows.toLocaleString('en')} rows) ·
  ${escapeHtml(context.generatedAt.toISOString())}</p>
</header>
<section class="summary ${report.datasetDrift ? 'drift' : 'ok'}" data-testid="summary">
  <div class="verdict">${verdict}</div>
  <div>${report.driftedColumns} of ${report.columnCount} columns drifted (share ${fmt(report.driftShare)};
  the data set drifts at ${fmt(report.driftShareThreshold)})</div>
</section>
<table class="columns" data-testid="columns">
<thead><tr><th>column</th><th>type</th><th>method</th><th>score</th><th>threshold</th><th>drift</th><th>missing (ref → cur)</th><th>quality</th></tr></thead>
<tbody>
${ordered.map(tableRow).join('\n')}
</tbody>
</table>
<p class="legend"><span class="swatch" style="background:${REFERENCE_COLOR}"></span>reference
<span class="swatch" style="background:${CURRENT_COLOR}"></span>current</p>
<section class="cards">
${ordered.map(card).join('\n')}
</section>
<footer>Made by Steward. Defaults follow Evidently: KS, chi-square or z-test (p &lt; 0.05) up to 1000 reference rows,
normed Wasserstein or Jensen–Shannon distance (≥ 0.1) above.</footer>
</body>
</html>
`;
}

function tableRow(c: ColumnDrift): string {
  return `<tr class="${c.drifted ? 'drifted' : ''}"><td><a href="#col-${slug(c.column)}">${escapeHtml(c.column)}</a></td><td>${c.type}</td><td>${escapeHtml(c.methodLabel)}</td><td class="num">${fmt(c.score)}</td><td class="num">${fmt(c.threshold)}</td><td>${c.drifted ? '<span class="badge drift">drifted</span>' : '<span class="badge ok">stable</span>'}</td><td class="num">${pct(c.quality.referenceMissingShare)} → ${pct(c.quality.currentMissingShare)}</td><td>${qualityNote(c)}</td></tr>`;
}

function qualityNote(c: ColumnDrift): string {
  const notes: string[] = [];
  if (c.quality.outOfRangeShare) notes.push(`${pct(c.quality.outOfRangeShare)} out of reference range`);
  const fresh = c.quality.newCategories ?? [];
  if (fresh.length > 0) {
    const shown = fresh.slice(0, 3).map((n) => `${escapeHtml(n.category)} (${pct(n.share)})`);
    notes.push(`new: ${shown.join(', ')}${fresh.length > 3 ? ` and ${fresh.length - 3} more` : ''}`);
  }
  const unseen = c.quality.outOfVocabulary;
  if (unseen && unseen.share > 0)
    notes.push(
      `${pct(unseen.share)} of words unseen in reference: ${unseen.words
        .slice(0, 3)
        .map((w) => escapeHtml(w.word))
        .join(', ')}`,
    );
  return notes.join('; ');
}

function card(c: ColumnDrift): string {
  const kind = c.scoreKind === 'p_value' ? 'p-value' : 'distance';
  return `<article class="card ${c.drifted ? 'drifted' : ''}" id="col-${slug(c.column)}" data-column="${escapeHtml(c.column)}">
<h2>${escapeHtml(c.column)} ${c.drifted ? '<span class="badge drift">drifted</span>' : '<span class="badge ok">stable</span>'}</h2>
<p class="detail">${escapeHtml(c.methodLabel)}: ${kind} ${fmt(c.score)} (threshold ${fmt(c.threshold)}) · ${c.referenceRows.toLocaleString('en')} vs ${c.currentRows.toLocaleString('en')} values</p>
${c.distribution ? chart(c.distribution) : c.tokens ? terms(c.tokens) : '<p class="detail">no distribution chart for this column type</p>'}
</article>`;
}

/** A text column's terms that most tell the two sides apart, each with its weight in the domain classifier. */
function terms(tokens: NonNullable<ColumnDrift['tokens']>): string {
  const list = (side: string, items: NonNullable<ColumnDrift['tokens']>['current']) =>
    `<p class="detail terms" data-side="${side}">more in ${side}: ${
      items.length === 0
        ? 'none'
        : items.map((t) => `<code>${escapeHtml(t.token)}</code> (${t.weight.toFixed(2)})`).join(', ')
    }</p>`;
  return `${list('current', tokens.current)}\n${list('reference', tokens.reference)}`;
}

function chart(d: ColumnDistribution): string {
  const w = CHART_WIDTH - PAD.left - PAD.right;
  const h = CHART_HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(...d.reference, ...d.current, 1e-12);
  const y = (share: number) => PAD.top + h - (share / max) * h;
  const bars: string[] = [];
  const labels: string[] = [];
  const n = d.reference.length;
  if (d.edges) {
    const bw = w / n;
    for (let i = 0; i < n; i++) {
      const x = PAD.left + i * bw;
      bars.push(rect(x, y(d.reference[i] ?? 0), bw, REFERENCE_COLOR, 0.55));
      bars.push(rect(x, y(d.current[i] ?? 0), bw, CURRENT_COLOR, 0.55));
    }
    labels.push(text(PAD.left, CHART_HEIGHT - 16, fmt(d.edges[0] ?? 0), 'start'));
    labels.push(text(PAD.left + w, CHART_HEIGHT - 16, fmt(d.edges[n] ?? 0), 'end'));
  } else {
    const group = w / n;
    const bw = Math.min(group * 0.4, 40);
    for (let i = 0; i < n; i++) {
      const x = PAD.left + i * group + group / 2;
      bars.push(rect(x - bw, y(d.reference[i] ?? 0), bw, REFERENCE_COLOR, 0.9));
      bars.push(rect(x, y(d.current[i] ?? 0), bw, CURRENT_COLOR, 0.9));
      if (n <= 12) labels.push(text(x, CHART_HEIGHT - 16, truncate(d.categories?.[i] ?? '', 14), 'middle'));
    }
  }
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + h}" x2="${PAD.left + w}" y2="${PAD.top + h}" stroke="#999"/>`;
  const yLabels = `${text(PAD.left - 4, PAD.top + 8, pct(max), 'end')}${text(PAD.left - 4, PAD.top + h, '0', 'end')}`;
  return `<svg class="chart" role="img" aria-label="reference and current distributions" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">${axis}${bars.join('')}${labels.join('')}${yLabels}</svg>`;

  function rect(x: number, top: number, width: number, color: string, opacity: number): string {
    const height = PAD.top + h - top;
    return `<rect x="${x.toFixed(2)}" y="${top.toFixed(2)}" width="${Math.max(width - 1, 1).toFixed(2)}" height="${height.toFixed(2)}" fill="${color}" fill-opacity="${opacity}"/>`;
  }
}

function text(x: number, y: number, value: string, anchor: 'start' | 'middle' | 'end'): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}">${escapeHtml(value)}</text>`;
}

function fmt(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

function pct(x: number): string {
  return `${Number((100 * x).toPrecision(3))}%`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function slug(s: string): string {
  return encodeURIComponent(s).replace(/%/g, '_');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1240px;padding:0 16px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0 0 4px}
.meta,.detail,footer{color:#666}
.summary{border-radius:8px;padding:12px 16px;margin:16px 0;border:1px solid}
.summary.drift{background:#fdecea;border-color:#e0a19a}.summary.ok{background:#eaf6ec;border-color:#9ccaa5}
.verdict{font-size:18px;font-weight:600}
table.columns{border-collapse:collapse;width:100%;background:#fff}
table.columns th,table.columns td{border-bottom:1px solid #e5e5e5;padding:6px 8px;text-align:left}
table.columns tr.drifted td:first-child{border-left:3px solid #d9534f}
td.num{font-variant-numeric:tabular-nums;text-align:right}
.badge{border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
.badge.drift{background:#d9534f;color:#fff}.badge.ok{background:#5cb85c;color:#fff}
.legend{margin:16px 0 8px}.swatch{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e5e5e5;border-radius:8px;padding:12px}
.card.drifted{border-color:#e0a19a}
svg.chart text{font-size:11px;fill:#555}
footer{margin:24px 0;font-size:12px}
`;
