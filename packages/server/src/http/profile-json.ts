import type { ColumnView, WindowView } from '@steward/client';
import type { ColumnSummary, WindowProfile } from '../monitor/window-profile.js';
import type { WindowSummary } from '../monitor/windows.js';

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** A column summary as the API shows it: counts, missing share, and quantiles or the top categories. */
export function columnView(summary: ColumnSummary): ColumnView {
  const view: ColumnView = {
    kind: summary.kind,
    count: summary.total,
    missing: summary.missing,
    missingShare: summary.total > 0 ? summary.missing / summary.total : 0,
  };
  const sketch = summary.quantiles;
  if (sketch && sketch.count > 0) {
    view.min = sketch.min;
    view.max = sketch.max;
    view.mean = finite(sketch.mean) ?? undefined;
    const values = sketch.quantiles(QUANTILES);
    view.quantiles = Object.fromEntries(
      QUANTILES.map((q, i) => [`p${Math.round(q * 100)}`, values[i] as number]),
    );
  }
  const categories = summary.categories;
  if (categories) {
    view.top = categories.slice(0, 20);
    view.other = summary.present - view.top.reduce((a, [, c]) => a + c, 0);
  }
  return view;
}

// Windows a read shares are never changed (see WindowReadCache): their view is built once.
const views = new WeakMap<WindowProfile, NonNullable<WindowView['profile']>>();

export function profileView(profile: WindowProfile): NonNullable<WindowView['profile']> {
  let view = views.get(profile);
  if (!view) {
    view = buildProfileView(profile);
    views.set(profile, view);
  }
  return view;
}

function buildProfileView(profile: WindowProfile): NonNullable<WindowView['profile']> {
  return {
    features: Object.fromEntries([...profile.features].map(([name, summary]) => [name, columnView(summary)])),
    output: columnView(profile.output),
    ...(profile.score ? { score: columnView(profile.score) } : {}),
  };
}

/** A window as the API answers it; typed by the client SDK's declaration so the two cannot drift apart. */
export function windowView(window: WindowSummary, withProfile: boolean): WindowView {
  return {
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    count: window.count,
    labelled: window.labelled,
    metrics: window.metrics,
    ...(withProfile ? { profile: profileView(window.profile) } : {}),
  };
}
