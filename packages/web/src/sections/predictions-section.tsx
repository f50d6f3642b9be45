import type { ColumnView, WindowView } from '@steward/client';
import { useMemo } from 'react';
import { apiClient } from '../api';
import { Chart, type ChartSeries } from '../components/chart';
import { ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { ALL_TIME, seconds } from '../lib/format';

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

/** How the model's answers are distributed over time: class shares or output quantiles, and score quantiles. */
export function PredictionsSection({ name, task }: { name: string; task: string }) {
  const { data, error } = usePolling(() => apiClient().windows(name, ALL_TIME), `windows:${name}`);
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
  if (data.length === 0) return <p className="empty">No predictions logged yet.</p>;
  return (
    <section className="predictions">
      <div className="grid">
        <figure>
          <figcaption>
            {task === 'regression' ? 'Predicted value quantiles' : 'Predicted class shares'} per window
          </figcaption>
          <Chart name="output-distribution" x={x} series={output} />
        </figure>
        {scores.length > 0 && (
          <figure>
            <figcaption>Score quantiles per window</figcaption>
            <Chart name="score-distribution" x={x} series={scores} />
          </figure>
        )}
      </div>
    </section>
  );
}
