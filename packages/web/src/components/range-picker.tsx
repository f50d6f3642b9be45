import { RANGE_TITLES, type RangeName, type TimeRange } from '../lib/time-range';

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const fromInput = (value: string) => Date.parse(`${value}Z`);

/**
 * The time range every chart of the model shows: a named span back from the newest prediction, or a chosen one
 * (typed here, or dragged across any chart). Times are UTC, as everywhere on the dashboard.
 */
export function RangePicker({
  range,
  bounds,
  onChange,
}: {
  range: TimeRange;
  /** The range as it resolves now (what the custom inputs start from). */
  bounds: { from: number; to: number };
  onChange: (range: TimeRange) => void;
}) {
  const custom = range.kind === 'custom' ? range : undefined;
  const change = (from: number, to: number) => {
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) onChange({ kind: 'custom', from, to });
  };
  return (
    <p className="range" data-range={range.kind}>
      <label>
        Show{' '}
        <select
          name="range"
          value={range.kind}
          onChange={(e) => {
            const kind = e.target.value as TimeRange['kind'];
            onChange(kind === 'custom' ? { kind, ...bounds } : { kind: kind as RangeName });
          }}
        >
          {(Object.keys(RANGE_TITLES) as Array<TimeRange['kind']>).map((kind) => (
            <option key={kind} value={kind}>
              {RANGE_TITLES[kind]}
            </option>
          ))}
        </select>
      </label>{' '}
      {custom ? (
        <>
          <label>
            from{' '}
            <input
              type="datetime-local"
              name="range-from"
              value={minute(custom.from)}
              onChange={(e) => change(fromInput(e.target.value), custom.to)}
            />
          </label>{' '}
          <label>
            to{' '}
            <input
              type="datetime-local"
              name="range-to"
              value={minute(custom.to)}
              onChange={(e) => change(custom.from, fromInput(e.target.value))}
            />
          </label>{' '}
          UTC{' '}
          <button type="button" name="range-reset" onClick={() => onChange({ kind: 'all' })}>
            show everything
          </button>
        </>
      ) : (
        <span className="hint">
          {range.kind === 'all' ? '' : 'up to the newest prediction; '}drag across a chart to zoom in
        </span>
      )}
    </p>
  );
}
