import type { ColumnView, WindowView } from '@steward/api';
import type { WindowSummary } from '../monitor/windows.js';
import { type ColumnSummary, UNSEEN_WORDS_KEPT, type WindowProfile } from '../window-state/window-profile.js';

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
  const words = summary.words;
  if (words)
    view.tokens = {
      top: words.top(20).map((t) => [t.item, t.count]),
      total: words.total,
      maxError: words.maxError,
    };
  const unseen = summary.outOfVocabulary;
  if (unseen)
    view.outOfVocabulary = {
      share: unseen.share,
      checked: unseen.checked,
      top: unseen.unseen.top(UNSEEN_WORDS_KEPT).map((t) => [t.item, t.count]),
    };
  const categories = summary.categories;
  if (categories) {
    view.top = categories.slice(0, 20);
    view.other = summary.present - view.top.reduce((a, [, c]) => a + c, 0);
  }
  return view;
}

// Windows a read shares are never changed (see WindowReadCache): their view is built once, and encoded once.
const views = new WeakMap<WindowProfile, NonNullable<WindowView['profile']>>();
const encoded = new WeakMap<WindowProfile, string>();

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

/** A window as the API answers it (with its profile when the read has one); typed by the client SDK's declaration. */
export function windowView(window: WindowSummary): WindowView {
  return {
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    count: window.count,
    labelled: window.labelled,
    metrics: window.metrics,
    ...(window.profile ? { profile: profileView(window.profile) } : {}),
  };
}

/**
 * Windows as the API answers them, encoded: each profile's JSON is kept with it, so a dashboard polling the same
 * days encodes only the windows that moved (the same text `JSON.stringify` of the views gives).
 */
export function windowsJSON(windows: readonly WindowSummary[]): string {
  const parts = windows.map(({ profile: full, ...w }) => {
    const head = JSON.stringify(windowView(w));
    if (!full) return head;
    let profile = encoded.get(full);
    if (profile === undefined) {
      profile = JSON.stringify(profileView(full));
      encoded.set(full, profile);
    }
    return `${head.slice(0, -1)},"profile":${profile}}`;
  });
  return `[${parts.join(',')}]`;
}
