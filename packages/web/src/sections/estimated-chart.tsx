import { type EstimatedWindowsView, StewardApiError } from '@steward/client';
import { useMemo, useState } from 'react';
import { apiClient } from '../api';
import { Chart, type ChartMarker } from '../components/chart';
import { usePolling } from '../hooks/use-polling';
import { seconds, when } from '../lib/format';

const MAX_POINTS = 1000;
/** ±1.96 standard errors: where the realized accuracy falls 95% of the time if the scores are calibrated. */
const Z = 1.96;

/** The metrics a task's estimate has a band for, the first shown by default. */
const METRICS = {
  classification: ['accuracy', 'precision', 'recall', 'f1'],
  regression: ['mae', 'mse'],
} as const;
type EstimatedMetric = (typeof METRICS)[keyof typeof METRICS][number];

/**
 * A model's accuracy, precision, recall or F1 (classifiers, CBPE) or MAE or MSE (regressors, DLE) estimated without
 * labels beside the realized one, with the estimate's band and a marker where labels stop: what the model is likely
 * doing in the windows whose labels have not come.
 */
export function EstimatedMetricChart({
  name,
  task,
  range,
  rangeKey,
  onSelect,
}: {
  name: string;
  task: string;
  range: { from: number; to: number };
  rangeKey: string;
  onSelect: (from: number, to: number) => void;
}) {
  const choices: readonly EstimatedMetric[] =
    task === 'regression' ? METRICS.regression : METRICS.classification;
  const [chosen, setMetric] = useState<EstimatedMetric>(choices[0] as EstimatedMetric);
  const metric = choices.includes(chosen) ? chosen : (choices[0] as EstimatedMetric);
  const errorOf = `${metric}StandardError` as const;
  const ceiling = task === 'regression' ? Number.POSITIVE_INFINITY : 1;
  const { data, error } = usePolling<EstimatedWindowsView>(
    () => apiClient().estimated(name, { ...range, maxWindows: MAX_POINTS }),
    `estimated:${name}:${rangeKey}`,
    undefined,
    `estimated:${name}`,
  );
  const x = useMemo(() => data?.windows.map((w) => seconds(w.start)) ?? [], [data]);
  const series = useMemo(
    () =>
      data
        ? [
            {
              label: `estimated ${metric}`,
              values: data.windows.map((w) => w.estimated?.[metric] ?? null),
              color: '#9333ea',
              dash: [5, 3],
            },
            { label: `realized ${metric}`, values: data.windows.map((w) => w.realized?.[metric] ?? null) },
          ]
        : [],
    [data, metric],
  );
  const band = useMemo(
    () =>
      data && {
        label: 'estimate ±1.96 SE',
        lower: data.windows.map((w) => {
          const [value, error] = [w.estimated?.[metric], w.estimated?.[errorOf]];
          return value === undefined || error === undefined ? null : Math.max(0, value - Z * error);
        }),
        upper: data.windows.map((w) => {
          const [value, error] = [w.estimated?.[metric], w.estimated?.[errorOf]];
          return value === undefined || error === undefined ? null : Math.min(ceiling, value + Z * error);
        }),
      },
    [data, metric, errorOf, ceiling],
  );
  const markers = useMemo<ChartMarker[]>(() => {
    const windows = data?.windows ?? [];
    const lastLabelled = windows.map((w) => w.realized !== null).lastIndexOf(true);
    const after = lastLabelled >= 0 ? windows[lastLabelled + 1] : undefined;
    return after ? [{ x: seconds(after.start), label: 'labels stop', kind: 'alert' }] : [];
  }, [data]);
  if (error && !data) {
    // Nothing labelled to learn from yet, or nothing logged to estimate from: say so instead of a blank chart.
    const why = error instanceof StewardApiError ? error.message : String(error);
    return (
      <figure className="estimated">
        <figcaption>{metric} estimated without labels</figcaption>
        <p className="empty">Not available: {why}</p>
      </figure>
    );
  }
  if (!data) return null;
  return (
    <figure className="estimated">
      <figcaption>
        <select
          name="estimated-metric"
          aria-label="metric"
          value={metric}
          onChange={(e) => setMetric(e.target.value as EstimatedMetric)}
        >
          {choices.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>{' '}
        estimated without labels ({data.method.toUpperCase()}) and realized;{' '}
        {data.method === 'dle' ? 'loss models trained' : 'calibrated'} on {data.calibration.rows} labelled
        predictions {when(data.calibration.from)} – {when(data.calibration.to)}
      </figcaption>
      <Chart
        name={`estimated-${metric}`}
        x={x}
        series={series}
        {...(band ? { band } : {})}
        markers={markers}
        yLabel={metric}
        onSelect={onSelect}
      />
    </figure>
  );
}
