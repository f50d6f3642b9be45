import { type EstimatedWindowsView, StewardApiError } from '@steward/client';
import { useMemo } from 'react';
import { apiClient } from '../api';
import { Chart, type ChartMarker } from '../components/chart';
import { usePolling } from '../hooks/use-polling';
import { seconds, when } from '../lib/format';

const MAX_POINTS = 1000;
/** ±1.96 standard errors: where the realized accuracy falls 95% of the time if the scores are calibrated. */
const Z = 1.96;

/**
 * A binary model's accuracy estimated without labels (CBPE) beside the realized accuracy, with the estimate's band
 * and a marker where labels stop: what the model is likely doing in the windows whose labels have not come.
 */
export function EstimatedAccuracyChart({
  name,
  range,
  rangeKey,
  onSelect,
}: {
  name: string;
  range: { from: number; to: number };
  rangeKey: string;
  onSelect: (from: number, to: number) => void;
}) {
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
              label: 'estimated accuracy',
              values: data.windows.map((w) => w.estimated?.accuracy ?? null),
              color: '#9333ea',
              dash: [5, 3],
            },
            { label: 'realized accuracy', values: data.windows.map((w) => w.realized?.accuracy ?? null) },
          ]
        : [],
    [data],
  );
  const band = useMemo(
    () =>
      data && {
        label: 'estimate ±1.96 SE',
        lower: data.windows.map((w) =>
          w.estimated ? Math.max(0, w.estimated.accuracy - Z * w.estimated.accuracyStandardError) : null,
        ),
        upper: data.windows.map((w) =>
          w.estimated ? Math.min(1, w.estimated.accuracy + Z * w.estimated.accuracyStandardError) : null,
        ),
      },
    [data],
  );
  const markers = useMemo<ChartMarker[]>(() => {
    const windows = data?.windows ?? [];
    const lastLabelled = windows.map((w) => w.realized !== null).lastIndexOf(true);
    const after = lastLabelled >= 0 ? windows[lastLabelled + 1] : undefined;
    return after ? [{ x: seconds(after.start), label: 'labels stop', kind: 'alert' }] : [];
  }, [data]);
  if (error && !data) {
    // Not a binary model with scores, or nothing labelled to calibrate on yet: say so instead of a blank chart.
    const why = error instanceof StewardApiError ? error.message : String(error);
    return (
      <figure className="estimated">
        <figcaption>accuracy estimated without labels</figcaption>
        <p className="empty">Not available: {why}</p>
      </figure>
    );
  }
  if (!data) return null;
  return (
    <figure className="estimated">
      <figcaption>
        accuracy estimated without labels (CBPE) and realized; calibrated on {data.calibration.rows} labelled
        predictions {when(data.calibration.from)} – {when(data.calibration.to)}
      </figcaption>
      <Chart
        name="estimated-accuracy"
        x={x}
        series={series}
        {...(band ? { band } : {})}
        markers={markers}
        yLabel="accuracy"
        onSelect={onSelect}
      />
    </figure>
  );
}
