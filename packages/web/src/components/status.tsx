import { StewardApiError } from '@steward/client';

/** Loading and error states that say what to do next. */
export function ErrorNote({ error }: { error: Error }) {
  const status = error instanceof StewardApiError ? error.status : undefined;
  let hint = 'Is `steward serve` running? The page retries on its own.';
  if (status === 401 || status === 403)
    hint = 'This server needs an API token with the read scope (admin to change things).';
  else if (status === 404) hint = 'It may have been deleted; go back to the list of models.';
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      <p className="hint">
        {hint} {(status === 401 || status === 403) && <a href="#/token">Enter a token</a>}
      </p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="loading">Loading {what}…</p>;
}

export function Updated({ at }: { at: number | undefined }) {
  if (at === undefined) return null;
  return (
    <span className="updated" title="The page refreshes itself every few seconds">
      live · updated {new Date(at).toLocaleTimeString()}
    </span>
  );
}

/** Nothing to show: with the whole history that is `missing`; in a shorter range, a hint to widen it. */
export function Empty({ rangeKey, missing }: { rangeKey: string; missing: string }) {
  return (
    <p className="empty">
      {rangeKey === 'all' ? missing : 'Nothing in this range: pick a longer one above, or show everything.'}
    </p>
  );
}
