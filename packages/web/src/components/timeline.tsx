import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface TimelineProps {
  label: string;
  /** Window starts in epoch seconds. */
  times: number[];
  values: Array<number | null>;
  /** Horizontal lines: check thresholds. */
  thresholds?: Array<{ label: string; value: number }>;
  width?: number;
  height?: number;
}

/** A metric per window with its check thresholds as dashed lines; the plotted data is on the element for tests. */
export function Timeline({
  label,
  times,
  values,
  thresholds = [],
  width = 900,
  height = 260,
}: TimelineProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current || times.length === 0) return;
    const series: uPlot.Series[] = [
      {},
      { label, stroke: '#2563eb', width: 2, spanGaps: false, points: { show: times.length < 60 } },
    ];
    const columns: uPlot.AlignedData = [times, values as number[]];
    for (const t of thresholds) {
      series.push({ label: t.label, stroke: '#dc2626', dash: [6, 4], width: 1, points: { show: false } });
      (columns as unknown as Array<number[]>).push(times.map(() => t.value));
    }
    const plot = new uPlot(
      { width, height, series, axes: [{}, { label }], scales: { x: { time: true } } },
      columns,
      container.current,
    );
    return () => plot.destroy();
  }, [label, times, values, thresholds, width, height]);
  return (
    <div
      ref={container}
      className="timeline"
      data-metric={label}
      data-series={JSON.stringify(values)}
      data-thresholds={JSON.stringify(thresholds.map((t) => t.value))}
    />
  );
}
