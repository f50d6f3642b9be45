export interface DistributionBarsProps {
  labels: string[];
  reference: number[];
  current: number[];
  height?: number;
}

/** Reference and current shares side by side per bin or category (SVG, scales to its container). */
export function DistributionBars({ labels, reference, current, height = 220 }: DistributionBarsProps) {
  const max = Math.max(...reference, ...current, 1e-9);
  const slot = 100 / labels.length;
  const bar = slot * 0.4;
  return (
    <div
      className="distribution"
      data-labels={JSON.stringify(labels)}
      data-reference={JSON.stringify(reference)}
      data-current={JSON.stringify(current)}
    >
      <svg
        viewBox={`0 0 100 ${height / 4}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="reference and current distributions"
      >
        {labels.map((label, i) => {
          const h = (v: number) => (v / max) * (height / 4 - 2);
          const x = i * slot + slot * 0.1;
          return (
            <g key={label}>
              <title>{`${label}: reference ${(100 * (reference[i] ?? 0)).toFixed(1)}%, current ${(100 * (current[i] ?? 0)).toFixed(1)}%`}</title>
              <rect
                x={x}
                y={height / 4 - h(reference[i] ?? 0)}
                width={bar}
                height={h(reference[i] ?? 0)}
                fill="#9ca3af"
              />
              <rect
                x={x + bar}
                y={height / 4 - h(current[i] ?? 0)}
                width={bar}
                height={h(current[i] ?? 0)}
                fill="#2563eb"
              />
            </g>
          );
        })}
      </svg>
      <div className="axis">
        <span>{labels[0]}</span>
        <span>{labels.at(-1)}</span>
      </div>
      <p className="legend">
        <span className="key key-reference">reference</span> <span className="key key-current">current</span>
      </p>
    </div>
  );
}
