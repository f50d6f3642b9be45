import type { DriftTimelineView, FeatureDriftView } from '@steward/client';
import { useEffect, useState } from 'react';
import { apiClient } from '../api';
import { DistributionBars } from '../components/distribution-bars';
import { Empty, ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { driftColour, driftIntensity } from '../lib/drift-intensity';
import { num, when, windowLength } from '../lib/format';

type Against = 'serving' | 'reference' | 'previous';

interface Selection {
  feature: string;
  start: string;
  end: string;
  /** What the window was judged against (serving: the version's training data). */
  reference?: string;
}

/** A reference's short name for the heatmap's header: "v7", or "ref" for the uploaded one. */
const shortReference = (label: string | undefined) =>
  label === undefined ? '' : (/^(v\d+)'s/.exec(label)?.[1] ?? 'ref');

function binLabels(view: FeatureDriftView): string[] {
  const d = view.distribution;
  if (!d) return [];
  if (d.categories) return d.categories;
  const edges = d.edges ?? [];
  return edges.slice(0, -1).map((e) => num(e, 2));
}

/** A text feature's words that moved, most first. */
const wordList = (words: ReadonlyArray<{ token: string }>) =>
  words.length === 0 ? 'none' : words.map((w) => w.token).join(', ');

function FeatureDetail({
  name,
  selection,
  against,
}: {
  name: string;
  selection: Selection;
  against: Exclude<Against, 'previous'>;
}) {
  const [view, setView] = useState<FeatureDriftView | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    setView(undefined);
    apiClient()
      .featureDrift(name, selection.feature, { from: selection.start, to: selection.end, against })
      .then(setView, setError);
  }, [name, selection, against]);
  if (error) return <ErrorNote error={error} />;
  if (!view) return <Loading what={`${selection.feature}`} />;
  return (
    <figure className="feature-drift" data-feature={view.column}>
      <figcaption>
        {view.column}, window {when(selection.start)}: {view.methodLabel} {num(view.score)} (threshold{' '}
        {num(view.threshold)}) — {view.drifted ? 'drifted' : 'no drift'}; {view.referenceRows} reference rows
        {selection.reference ? ` of ${selection.reference}` : ''}, {view.currentRows} current
      </figcaption>
      {view.distribution ? (
        <DistributionBars
          labels={binLabels(view)}
          reference={view.distribution.reference}
          current={view.distribution.current}
        />
      ) : view.tokens ? (
        <div className="terms">
          <p data-side="current">More in this window: {wordList(view.tokens.current)}</p>
          <p data-side="reference">More in the reference: {wordList(view.tokens.reference)}</p>
        </div>
      ) : (
        <p className="empty">This method has no distribution to draw.</p>
      )}
    </figure>
  );
}

/** At most this many columns: longer histories are shown in merged (coarser) windows, the whole range at once. */
export const HEATMAP_COLUMNS = 70;

function Heatmap({
  data,
  onSelect,
}: {
  data: DriftTimelineView;
  /** Undefined: cells do not open (the two distributions are shown against the reference only). */
  onSelect?: (s: Selection) => void;
}) {
  const windows = data.windows;
  return (
    <div className="heatmap-scroll">
      <table className="heatmap">
        <thead>
          <tr>
            <th />
            {windows.map((w) => (
              <th
                key={w.start}
                title={`${when(w.start)} – ${when(w.end)}${w.reference ? `, against ${w.reference}` : ''}`}
              >
                {w.start.slice(0, 10)}
              </th>
            ))}
          </tr>
          {windows.some((w) => w.reference) && (
            <tr className="heatmap-reference">
              <th>against</th>
              {windows.map((w, i) => {
                const short = shortReference(w.reference);
                // Named where it changes: a run of windows judged against one version reads as one.
                return (
                  <th key={w.start} data-reference={w.reference} title={w.reference}>
                    {short !== shortReference(windows[i - 1]?.reference) ? short : ''}
                  </th>
                );
              })}
            </tr>
          )}
        </thead>
        <tbody>
          {data.features.map((feature) => (
            <tr key={feature}>
              <th>{feature}</th>
              {windows.map((w) => {
                const cell = w.columns?.[feature];
                if (!cell)
                  return (
                    <td key={w.start} className="cell-empty" title={`${w.rows} rows: too few to judge`} />
                  );
                return (
                  <td key={w.start}>
                    <button
                      type="button"
                      className={cell.drifted ? 'cell drifted' : 'cell'}
                      style={{ background: driftColour(driftIntensity(cell)) }}
                      data-feature={feature}
                      data-window={w.start}
                      data-score={cell.score}
                      data-drifted={cell.drifted}
                      title={`${feature}, ${when(w.start)}: ${cell.method} ${num(cell.score)} (threshold ${num(cell.threshold)})${w.reference ? ` against ${w.reference}` : ''}`}
                      disabled={onSelect === undefined}
                      onClick={() =>
                        onSelect?.({
                          feature,
                          start: w.start,
                          end: w.end,
                          ...(w.reference ? { reference: w.reference } : {}),
                        })
                      }
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Feature × window drift against the model's reference; a cell opens that feature's two distributions. */
export function DriftSection({
  name,
  range,
  rangeKey,
}: {
  name: string;
  range: { from: number; to: number };
  rangeKey: string;
}) {
  // By default each window against what the model serving it learned from: a model retrained on recent data is not
  // "drifted" because its first version's data is old.
  const [against, setAgainst] = useState<Against>('serving');
  // A model without a reference is compared window to window rather than shown empty.
  const [noReference, setNoReference] = useState<string | undefined>();
  const { data, error } = usePolling(
    () => apiClient().driftWindows(name, { ...range, maxWindows: HEATMAP_COLUMNS, against }),
    `drift:${name}:${against}:${rangeKey}`,
    30_000,
    `drift:${name}:${against}`,
  );
  const [selection, setSelection] = useState<Selection | undefined>();
  const missingReference = (error as { code?: string } | undefined)?.code === 'no_reference';
  const nothingServed =
    against === 'serving' &&
    data !== undefined &&
    data.windows.length > 0 &&
    data.windows.every((w) => !w.reference);
  useEffect(() => {
    if (missingReference && against === 'reference') {
      setNoReference(error?.message);
      setAgainst('previous');
    } else if (nothingServed) {
      setNoReference('No version with a training window has served yet, and no reference is stored');
      setAgainst('previous');
    }
  }, [missingReference, nothingServed, against, error]);
  if (error && !data && !missingReference) return <ErrorNote error={error} />;
  if (!data) return <Loading what="drift" />;
  if (data.windows.length === 0) return <Empty rangeKey={rangeKey} missing="No predictions logged yet." />;
  const drifted = data.windows.filter(
    (w) => w.columns && Object.values(w.columns).some((c) => c.drifted),
  ).length;
  return (
    <section className="drift">
      {noReference && (
        <p className="note no-reference">
          {noReference}: each window is shown against the one before it. To compare with the training data,
          upload its feature rows with <code>PUT /api/v1/models/{name}/references/training</code>.
        </p>
      )}
      <p>
        <label>
          Each window against{' '}
          <select
            name="against"
            value={against}
            onChange={(e) => {
              setSelection(undefined);
              setAgainst(e.target.value as Against);
            }}
          >
            <option value="serving" disabled={noReference !== undefined}>
              the training data of the version serving it
            </option>
            <option value="reference" disabled={noReference !== undefined}>
              the uploaded reference
            </option>
            <option value="previous">the window before it</option>
          </select>
        </label>
      </p>
      <p>
        {drifted} of {data.windows.length} windows of {windowLength(data.windowMs)} have at least one drifted
        feature.{' '}
        {against === 'previous'
          ? 'Against the window before, a cell shows how much that feature changed from one window to the next.'
          : "Click a cell to compare that feature's distributions."}
        {against === 'serving' &&
          ' The reference changes where production changed version (the "against" row); before the first version with a training window, the uploaded reference stands in.'}
      </p>
      <p className="drift-legend">
        {[
          [0, 'no drift'],
          [0.5, 'half way'],
          [1, 'at the threshold'],
          [1.5, 'past it'],
          [2, 'far past'],
        ].map(([intensity, label]) => (
          <span key={label} className="swatch">
            <i style={{ background: driftColour(intensity as number) }} /> {label}
          </span>
        ))}
      </p>
      <Heatmap data={data} {...(against !== 'previous' ? { onSelect: setSelection } : {})} />
      {selection && against !== 'previous' && (
        <FeatureDetail name={name} selection={selection} against={against} />
      )}
    </section>
  );
}
