import type { AlertView, CheckResultView, ServedVersionView, WindowView } from '@steward/client';
import { useCallback, useMemo, useState } from 'react';
import { apiClient } from '../api';
import { Chart, type ChartMarker } from '../components/chart';
import { Empty, ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { KEY_METRICS, seconds } from '../lib/format';
import { rangeFromSelection, type TimeRange } from '../lib/time-range';
import { EstimatedMetricChart } from './estimated-chart';

export interface CheckSpecView {
  type: string;
  name: string;
  metric?: string;
  min?: number;
  max?: number;
}

const MAX_POINTS = 1000;

interface MetricsData {
  windows: WindowView[];
  checks: CheckSpecView[];
  results: CheckResultView[];
  alerts: AlertView[];
  served: ServedVersionView[];
}

async function load(
  name: string,
  checks: CheckSpecView[],
  served: ServedVersionView[],
  range: { from: number; to: number },
): Promise<MetricsData> {
  const client = apiClient();
  const [windows, results, alerts] = await Promise.all([
    // At most ~1,000 points a series: a year of half-hour windows comes back merged.
    client.metrics(name, { ...range, maxWindows: MAX_POINTS }),
    client.checkResults(name, { limit: 5000 }),
    client.alerts({ model: name, limit: 500 }),
  ]);
  // Markers outside the range are not drawn (the chart's x axis is the windows').
  return { windows, checks, results, alerts, served };
}

/**
 * Markers where a version started answering (after the first) and where alerts first fired: on a metric's chart,
 * the alerts of checks on that metric and of checks on no metric (drift, detectors, data quality).
 */
function markersOf(data: MetricsData, metric: string): ChartMarker[] {
  const metricOf = new Map(data.checks.map((c) => [c.name, c.metric]));
  const versions: ChartMarker[] = data.served
    .slice(1)
    .filter((v) => v.version !== null)
    .map((v) => ({ x: seconds(v.first), label: `v${v.version}`, kind: 'version' }));
  const alerts: ChartMarker[] = data.alerts
    .filter((a) => a.firstWindow !== null && [undefined, metric].includes(metricOf.get(a.check)))
    .map((a) => ({ x: (a.firstWindow as number) / 1000, label: a.check, kind: 'alert' }));
  return [...versions, ...alerts];
}

/** The anomaly check's expected band at each window, where the check had one. */
function bandOf(data: MetricsData, metric: string, x: number[]) {
  const check = data.checks.find((c) => c.type === 'anomaly' && c.metric === metric);
  if (!check) return undefined;
  const byStart = new Map<number, { lower: number | null; upper: number | null }>();
  for (const r of data.results) {
    if (r.check !== check.name) continue;
    const detail = r.detail as { lower?: number | null; upper?: number | null } | null;
    byStart.set(seconds(r.windowStart), { lower: detail?.lower ?? null, upper: detail?.upper ?? null });
  }
  return {
    label: check.name,
    lower: x.map((t) => byStart.get(t)?.lower ?? null),
    upper: x.map((t) => byStart.get(t)?.upper ?? null),
  };
}

type MarkerKinds = Record<ChartMarker['kind'], boolean>;

function MetricChart({
  data,
  metric,
  x,
  shown,
  onSelect,
}: {
  data: MetricsData;
  metric: string;
  x: number[];
  shown: MarkerKinds;
  onSelect: (from: number, to: number) => void;
}) {
  const series = useMemo(() => {
    const thresholds = data.checks.flatMap((c) =>
      c.type === 'metric' && c.metric === metric
        ? [
            ...(c.min !== undefined ? [{ label: `${c.name} min`, value: c.min }] : []),
            ...(c.max !== undefined ? [{ label: `${c.name} max`, value: c.max }] : []),
          ]
        : [],
    );
    return [
      { label: metric, values: data.windows.map((w) => (w.metrics[metric] ?? null) as number | null) },
      ...thresholds.map((t) => ({
        label: t.label,
        values: x.map(() => t.value),
        color: '#dc2626',
        dash: [6, 4],
        width: 1,
      })),
    ];
  }, [data, metric, x]);
  const band = useMemo(() => bandOf(data, metric, x), [data, metric, x]);
  const markers = useMemo(() => markersOf(data, metric).filter((m) => shown[m.kind]), [data, metric, shown]);
  return (
    <figure>
      <figcaption>{metric} per window</figcaption>
      <Chart
        name={metric}
        x={x}
        series={series}
        band={band}
        markers={markers}
        yLabel={metric}
        onSelect={onSelect}
      />
    </figure>
  );
}

/**
 * Metric timelines per window with check thresholds, anomaly bands, alert and version-change markers, over the
 * page's time range (`rangeKey` names it; dragging across a chart sets a custom one through `onRange`).
 */
export function MetricsSection({
  name,
  task,
  checks,
  served,
  range,
  rangeKey,
  onRange,
}: {
  name: string;
  task: string;
  checks: CheckSpecView[];
  served: ServedVersionView[];
  range: { from: number; to: number };
  rangeKey: string;
  onRange: (range: TimeRange) => void;
}) {
  // The charts stay while another range loads.
  const { data, error } = usePolling(
    () => load(name, checks, served, range),
    `metrics:${name}:${rangeKey}`,
    undefined,
    `metrics:${name}`,
  );
  const [shown, setShown] = useState<MarkerKinds>({ version: true, alert: true });
  const onSelect = useCallback(
    (from: number, to: number) => onRange(rangeFromSelection(from, to)),
    [onRange],
  );
  const x = useMemo(() => data?.windows.map((w) => seconds(w.start)) ?? [], [data]);
  const volume = useMemo(
    () => data && { ...data, windows: data.windows.map((w) => ({ ...w, metrics: { count: w.count } })) },
    [data],
  );
  if (error && !data) return <ErrorNote error={error} />;
  if (!data || !volume) return <Loading what="metrics" />;
  if (data.windows.length === 0)
    return (
      <Empty
        rangeKey={rangeKey}
        missing="No windows yet: log predictions (and labels) to see metrics here."
      />
    );
  return (
    <section className="metrics">
      <p className="legend">
        {(['version', 'alert'] as const).map((kind) => (
          <label key={kind} className={`key key-${kind}`}>
            <input
              type="checkbox"
              name={`${kind}-markers`}
              checked={shown[kind]}
              onChange={(e) => setShown({ ...shown, [kind]: e.target.checked })}
            />{' '}
            {kind === 'version' ? 'version change' : 'alert'}
          </label>
        ))}{' '}
        <span className="key key-band">expected band (anomaly check)</span>{' '}
        <span className="key key-threshold">check threshold</span>{' '}
        <span className="hint">(hover a marker for its details)</span>
      </p>
      <div className="grid">
        {(KEY_METRICS[task] ?? []).map((metric) => (
          <MetricChart key={metric} data={data} metric={metric} x={x} shown={shown} onSelect={onSelect} />
        ))}
        <MetricChart data={volume} metric="count" x={x} shown={shown} onSelect={onSelect} />
        <EstimatedMetricChart name={name} task={task} range={range} rangeKey={rangeKey} onSelect={onSelect} />
      </div>
    </section>
  );
}
