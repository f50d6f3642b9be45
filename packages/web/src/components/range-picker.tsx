import { RANGE_TITLES, type RangeName, type TimeRange } from '../lib/time-range';

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const fromInput = (value: string) => Date.parse(`${value}Z`);

/** A UTC date and time to the minute. */
function MinuteInput({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: string;
  value: number;
  onChange: (ms: number) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="datetime-local"
        name={name}
        value={minute(value)}
        onChange={(e) => onChange(fromInput(e.target.value))}
      />
    </label>
  );
}

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
          <MinuteInput
            label="from"
            name="range-from"
            value={custom.from}
            onChange={(from) => change(from, custom.to)}
          />{' '}
          <MinuteInput
            label="to"
            name="range-to"
            value={custom.to}
            onChange={(to) => change(custom.from, to)}
          />{' '}
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
