import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color?: string;
  dash?: number[];
  width?: number;
}

export interface ChartMarker {
  /** Same unit as x. */
  x: number;
  label: string;
  kind: 'alert' | 'version';
}

export interface ChartProps {
  /** Epoch seconds when `time`, else steps. */
  x: number[];
  time?: boolean;
  series: ChartSeries[];
  /** A shaded band (an anomaly detector's expected range) drawn behind the series. */
  band?: { label: string; lower: Array<number | null>; upper: Array<number | null> };
  markers?: ChartMarker[];
  height?: number;
  yLabel?: string;
  /** Attributes for tests and tools: what is plotted, as data. */
  name: string;
  /** Called with the x range (epoch seconds) the user dragged across; without it, dragging does nothing. */
  onSelect?: (from: number, to: number) => void;
}

const MARKER_COLOR = { alert: '#dc2626', version: '#7c3aed' } as const;

/** Where a version label was drawn, in CSS pixels from the plot's left edge. */
export interface MarkerLabelBox {
  label: string;
  left: number;
  right: number;
}

/** Full-height marker lines of one kind are at least this far apart (CSS pixels); the others are ticks at the top. */
export const MIN_LINE_GAP = 24;

/** Where full-height marker lines were drawn, by kind, in CSS pixels from the plot's left edge. */
export type MarkerLines = Record<ChartMarker['kind'], number[]>;

/**
 * Version and alert markers as vertical lines. A version's label is drawn only where it clears the label before it
 * (dense versions keep their lines; their numbers are in the versions tab), so labels never overlap at any density.
 * A marker closer than MIN_LINE_GAP to the last full line of its kind is a short tick at the top instead, so that a
 * year of weekly versions reads as ticks above the series, not a wall across it.
 */
function markerPlugin(
  markers: ChartMarker[],
  onDrawn: (boxes: MarkerLabelBox[], lines: MarkerLines) => void,
): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        ctx.save();
        const px = devicePixelRatio;
        const boxes: MarkerLabelBox[] = [];
        const lines: MarkerLines = { alert: [], version: [] };
        const lastLine = { alert: Number.NEGATIVE_INFINITY, version: Number.NEGATIVE_INFINITY };
        let clearFrom = Number.NEGATIVE_INFINITY;
        for (const m of [...markers].sort((a, b) => a.x - b.x)) {
          const left = u.valToPos(m.x, 'x', true);
          if (left < u.bbox.left || left > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = MARKER_COLOR[m.kind];
          ctx.fillStyle = MARKER_COLOR[m.kind];
          ctx.lineWidth = (m.kind === 'alert' ? 1 : 1.5) * px;
          ctx.setLineDash(m.kind === 'alert' ? [2 * px, 3 * px] : []);
          const full = left - lastLine[m.kind] >= MIN_LINE_GAP * px;
          if (full) {
            lastLine[m.kind] = left;
            lines[m.kind].push(left / px);
          }
          ctx.beginPath();
          ctx.moveTo(left, u.bbox.top);
          ctx.lineTo(left, u.bbox.top + (full ? u.bbox.height : 16 * px));
          ctx.stroke();
          if (m.kind === 'version') {
            ctx.font = `600 ${11 * px}px system-ui`;
            const start = left + 3 * px;
            const end = start + ctx.measureText(m.label).width;
            if (start >= clearFrom) {
              ctx.fillText(m.label, start, u.bbox.top + 12 * px);
              boxes.push({ label: m.label, left: start / px, right: end / px });
              clearFrom = end + 16 * px;
            }
          } else {
            // Alerts are often dense: a small flag each, their names in the legend and the alerts tab.
            ctx.beginPath();
            ctx.moveTo(left - 4 * px, u.bbox.top);
            ctx.lineTo(left + 4 * px, u.bbox.top);
            ctx.lineTo(left, u.bbox.top + 6 * px);
            ctx.closePath();
            ctx.fill();
          }
        }
        ctx.restore();
        onDrawn(boxes, lines);
      },
    },
  };
}

/** Markers within this many CSS pixels of the cursor are listed in the hover note (a cluster reads as one). */
export const HOVER_REACH = 6;

interface Hovered {
  left: number;
  markers: ChartMarker[];
}

/** The markers near the cursor, nearest first; undefined when there are none. */
function markersNear(u: uPlot, markers: ChartMarker[]): Hovered | undefined {
  const left = u.cursor.left;
  if (left === undefined || left < 0) return undefined;
  const near = markers
    .map((m) => ({ m, d: Math.abs(u.valToPos(m.x, 'x') - left) }))
    .filter(({ d }) => d <= HOVER_REACH)
    .sort((a, b) => a.d - b.d)
    .map(({ m }) => m);
  // Placed from the chart's left edge (the plot starts after the y axis).
  return near.length > 0 ? { left: left + u.bbox.left / devicePixelRatio, markers: near } : undefined;
}

function hoverLine(m: ChartMarker, time: boolean): string {
  const at = time ? new Date(m.x * 1000).toISOString().slice(0, 16).replace('T', ' ') : String(m.x);
  return `${m.kind === 'version' ? 'version' : 'alert'} ${m.label} · ${at}`;
}

function useWidth(element: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!element.current) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element.current);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

/** A line chart that fills its container's width: series, an optional band, and vertical markers. */
export function Chart({
  x,
  time = true,
  series,
  band,
  markers = [],
  height = 240,
  yLabel,
  name,
  onSelect,
}: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plotArea = useRef<HTMLDivElement>(null);
  const width = useWidth(container);
  const [hovered, setHovered] = useState<Hovered | undefined>();
  const select = useRef(onSelect);
  select.current = onSelect;
  const selectable = onSelect !== undefined;
  useEffect(() => {
    if (!plotArea.current || width === 0 || x.length === 0) return;
    const uSeries: uPlot.Series[] = [{}];
    const columns: Array<Array<number | null>> = [x];
    const bands: uPlot.Band[] = [];
    if (band) {
      uSeries.push(
        { label: `${band.label} upper`, stroke: '#93c5fd', width: 1, points: { show: false } },
        { label: `${band.label} lower`, stroke: '#93c5fd', width: 1, points: { show: false } },
      );
      columns.push(band.upper, band.lower);
      bands.push({ series: [1, 2], fill: 'rgba(147, 197, 253, 0.3)' });
    }
    for (const s of series) {
      uSeries.push({
        label: s.label,
        stroke: s.color ?? '#2563eb',
        width: s.width ?? 2,
        dash: s.dash,
        spanGaps: false,
        points: { show: x.length < 60 && !s.dash },
      });
      columns.push(s.values);
    }
    const plot = new uPlot(
      {
        width,
        height,
        series: uSeries,
        bands,
        axes: [{}, { label: yLabel, size: 60 }],
        scales: { x: { time } },
        // Dragging across the plot picks a range for the whole page (the chart does not zoom on its own).
        cursor: { drag: { x: selectable, y: false, setScale: false } },
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 2) return;
              const from = u.posToVal(u.select.left, 'x');
              const to = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              select.current?.(from, to);
            },
          ],
          setCursor: [
            (u) => {
              const near = markersNear(u, markers);
              setHovered((was) =>
                was?.left === near?.left && was?.markers.length === near?.markers.length ? was : near,
              );
            },
          ],
        },
        plugins: [
          markerPlugin(markers, (boxes, lines) => {
            if (!container.current) return;
            container.current.dataset.markerLabels = JSON.stringify(boxes);
            container.current.dataset.markerLines = JSON.stringify(lines);
          }),
        ],
      },
      columns as uPlot.AlignedData,
      plotArea.current,
    );
    return () => plot.destroy();
  }, [x, time, series, band, markers, width, height, yLabel, selectable]);
  return (
    <div
      ref={container}
      className="chart"
      data-chart={name}
      data-x={JSON.stringify(x)}
      data-series={JSON.stringify(Object.fromEntries(series.map((s) => [s.label, s.values])))}
      data-band={band ? JSON.stringify({ lower: band.lower, upper: band.upper }) : undefined}
      data-markers={JSON.stringify(markers)}
    >
      {x.length === 0 ? <p className="empty">Nothing to plot yet.</p> : <div ref={plotArea} />}
      {hovered && (
        <div
          className="marker-hover"
          style={{ left: hovered.left + 8 }}
          data-hovered={hovered.markers.length}
        >
          {hovered.markers.slice(0, 8).map((m) => (
            <div key={`${m.kind}${m.x}${m.label}`} className={`key-${m.kind}`}>
              {hoverLine(m, time)}
            </div>
          ))}
          {hovered.markers.length > 8 && <div>and {hovered.markers.length - 8} more</div>}
        </div>
      )}
    </div>
  );
}
