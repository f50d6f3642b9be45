import { useMemo, useState } from 'react';
import { apiClient } from '../api';
import { Chart } from '../components/chart';
import { ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { smooth } from '../lib/smoothing';

/** A version's training curves, TensorBoard style: the raw values faint, the smoothed line on top. */
export function TrainingCurves({ name, version }: { name: string; version: number }) {
  const { data, error } = usePolling(
    () => apiClient().steps(name, version),
    `steps:${name}:${version}`,
    30_000,
  );
  const [weight, setWeight] = useState(0.6);
  const charts = useMemo(
    () =>
      Object.entries(data ?? {}).map(([metric, points]) => {
        const raw = points.map(([, v]) => v);
        return {
          metric,
          x: points.map(([s]) => s),
          series: [
            { label: `${metric} (raw)`, values: raw, color: 'rgba(37, 99, 235, 0.3)', width: 1 },
            { label: metric, values: smooth(raw, weight), color: '#2563eb', width: 2 },
          ],
        };
      }),
    [data, weight],
  );
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what="training curves" />;
  if (charts.length === 0)
    return (
      <p className="empty">
        No training curves for v{version}. Update runs record them for MLPs (loss, validation score) and
        tuning (score per trial); log your own with <code>POST …/versions/{version}/steps</code>.
      </p>
    );
  return (
    <div className="curves">
      <label className="smoothing">
        Smoothing {weight.toFixed(2)}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={weight}
          onChange={(e) => setWeight(Number(e.target.value))}
        />
      </label>
      <div className="grid">
        {charts.map((c) => (
          <figure key={c.metric}>
            <figcaption>{c.metric}</figcaption>
            <Chart name={`curve-${c.metric}`} x={c.x} time={false} series={c.series} height={200} />
          </figure>
        ))}
      </div>
    </div>
  );
}
