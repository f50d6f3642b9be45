import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** When the data was last loaded (ms). */
  updatedAt: number | undefined;
  refresh: () => Promise<void>;
}

/** How often pages reload their data, so new windows, runs and alerts appear without a reload. */
export const POLL_MS = 5_000;

/**
 * Loads data now and every `intervalMs` while the page is visible; a failed reload keeps the last data and shows
 * the error. `key` reloads at once when it changes (another model, another filter); the data shown is cleared only
 * when `clearKey` changes (default: `key`), so a list asked for one more page keeps showing what it had meanwhile.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  key: string,
  intervalMs = POLL_MS,
  clearKey = key,
): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'refresh'>>({
    data: undefined,
    error: undefined,
    updatedAt: undefined,
  });
  const loader = useRef(load);
  loader.current = load;
  const current = useRef(key);
  const cleared = useRef(clearKey);
  const refresh = useCallback(async () => {
    const asked = key;
    try {
      const data = await loader.current();
      if (current.current === asked) setState({ data, error: undefined, updatedAt: Date.now() });
    } catch (error) {
      if (current.current === asked) setState((s) => ({ ...s, error: error as Error }));
    }
  }, [key]);
  useEffect(() => {
    current.current = key;
    if (cleared.current !== clearKey) {
      cleared.current = clearKey;
      setState({ data: undefined, error: undefined, updatedAt: undefined });
    }
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [key, clearKey, refresh, intervalMs]);
  return { ...state, refresh };
}
