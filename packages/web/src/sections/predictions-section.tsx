import type { ColumnView, WindowView } from '@steward/client';
import { useCallback, useMemo } from 'react';
import { apiClient } from '../api';
import { Chart, type ChartSeries } from '../components/chart';
import { Empty, ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { seconds } from '../lib/format';
import { rangeFromSelection, type TimeRange } from '../lib/time-range';

/** At most ~1,000 points a series: longer ranges come back in merged windows. */
const MAX_POINTS = 1000;

const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04'];
const QUANTILES = ['p5', 'p25', 'p50', 'p75', 'p95'];

/** Share of each predicted class per window (classification). */
function classShares(windows: WindowView[]): ChartSeries[] {
  const classes = new Set<string>();
  for (const w of windows) for (const [c] of w.profile?.output.top ?? []) classes.add(c);
  return [...classes].sort().map((c, i) => ({
    label: `class ${c}`,
    color: PALETTE[i % PALETTE.length],
    values: windows.map((w) => {
      const output = w.profile?.output;
      if (!output || output.count === 0) return null;
      return (output.top?.find(([k]) => k === c)?.[1] ?? 0) / output.count;
    }),
  }));
}

function quantileSeries(
  windows: WindowView[],
  pick: (w: WindowView) => ColumnView | undefined,
  what: string,
) {
  return QUANTILES.map((q, i) => ({
    label: `${what} ${q}`,
    color: PALETTE[i % PALETTE.length],
    dash: q === 'p50' ? undefined : [4, 3],
    width: q === 'p50' ? 2 : 1,
    values: windows.map((w) => pick(w)?.quantiles?.[q] ?? null),
  }));
}

/**
 * How the model's answers are distributed over the page's time range: class shares or output quantiles, and score
 * quantiles.
 */
export function PredictionsSection({
  name,
  task,
  range,
  rangeKey,
  onRange,
}: {
  name: string;
  task: string;
  range: { from: number; to: number };
  rangeKey: string;
  onRange: (range: TimeRange) => void;
}) {
  const { data, error } = usePolling(
    () => apiClient().windows(name, { ...range, maxWindows: MAX_POINTS }),
    `windows:${name}:${rangeKey}`,
    undefined,
    `windows:${name}`,
  );
  const onSelect = useCallback(
    (from: number, to: number) => onRange(rangeFromSelection(from, to)),
    [onRange],
  );
  const x = useMemo(() => data?.map((w) => seconds(w.start)) ?? [], [data]);
  const output = useMemo(
    () =>
      data
        ? task === 'regression'
          ? quantileSeries(data, (w) => w.profile?.output, 'output')
          : classShares(data)
        : [],
    [data, task],
  );
  const scores = useMemo(
    () => (data?.some((w) => w.profile?.score) ? quantileSeries(data, (w) => w.profile?.score, 'score') : []),
    [data],
  );
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what="prediction distributions" />;
  if (data.length === 0) return <Empty rangeKey={rangeKey} missing="No predictions logged yet." />;
  return (
    <section className="predictions">
      <div className="grid">
        <figure>
          <figcaption>
            {task === 'regression' ? 'Predicted value quantiles' : 'Predicted class shares'} per window
          </figcaption>
          <Chart name="output-distribution" x={x} series={output} onSelect={onSelect} />
        </figure>
        {scores.length > 0 && (
          <figure>
            <figcaption>Score quantiles per window</figcaption>
            <Chart name="score-distribution" x={x} series={scores} onSelect={onSelect} />
          </figure>
        )}
      </div>
    </section>
  );
}
