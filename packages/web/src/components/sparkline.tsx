import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SparklineProps {
  /** Window starts (epoch seconds) and values; null leaves a gap. */
  times: number[];
  values: Array<number | null>;
  label: string;
  width?: number;
  height?: number;
}

/** A small line chart of one metric over windows. Its data is also on the element (`data-series`) for tests and tools. */
export function Sparkline({ times, values, label, width = 180, height = 40 }: SparklineProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current || times.length === 0) return;
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: true },
          // A constant series (every value 0, say) would get a zero-height scale and not be drawn: pad it.
          y: {
            range: (_u, min, max) =>
              min === max ? [min - (Math.abs(min) || 1), max + (Math.abs(max) || 1)] : [min, max],
          },
        },
        series: [{}, { label, stroke: '#2563eb', width: 1.5, spanGaps: false }],
      },
      [times, values as number[]],
      container.current,
    );
    return () => plot.destroy();
  }, [times, values, label, width, height]);
  return (
    <div
      ref={container}
      className="sparkline"
      role="img"
      aria-label={`${label} over the last windows`}
      data-series={JSON.stringify(values)}
    />
  );
}
