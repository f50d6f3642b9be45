import { useCallback, useEffect, useState } from 'react';
import { parseRange, splitHash, type TimeRange, withRange } from '../lib/time-range';

const current = () => parseRange(splitHash(window.location.hash).params.get('range'));

/** The page's time range (from its address) and a setter that writes it there, so every tab shares it. */
export function useTimeRange(): [TimeRange, (range: TimeRange) => void] {
  const [range, setState] = useState<TimeRange>(current);
  useEffect(() => {
    const update = () => setState(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  const setRange = useCallback((next: TimeRange) => {
    window.location.hash = withRange(window.location.hash, next);
  }, []);
  return [range, setRange];
}
