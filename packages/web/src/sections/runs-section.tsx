import type { UpdateRunView } from '@steward/client';
import { useState } from 'react';
import { apiClient } from '../api';
import { ShowOlder } from '../components/show-older';
import { ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { duration, when } from '../lib/format';
import { firstPages } from '../lib/pages';

export function triggerText(run: UpdateRunView): string {
  const t = run.trigger;
  if (t.kind === 'check') return `check ${t.check ?? ''}`.trim();
  if (t.kind === 'manual') return `manual${t.actor ? ` (${t.actor})` : ''}`;
  return t.reason ?? 'schedule';
}

/** Update runs, newest first, with a button to start one. */
export function RunsSection({ name }: { name: string }) {
  const [pages, setPages] = useState(1);
  const {
    data: page,
    error,
    refresh,
  } = usePolling(
    () =>
      firstPages(
        pages,
        async (query) => {
          const { runs, next } = await apiClient().updatesPage(name, query);
          return { items: runs, next };
        },
        50,
      ),
    `runs:${name}:${pages}`,
    undefined,
    `runs:${name}`,
  );
  const data = page?.items;
  const [message, setMessage] = useState<string | undefined>();
  const [startError, setStartError] = useState<Error | undefined>();
  const start = async () => {
    try {
      const { job, created } = await apiClient().startUpdate(name);
      setMessage(
        created ? `Update queued (job ${job.slice(0, 8)}).` : 'An update of this model is already queued.',
      );
      setStartError(undefined);
      await refresh();
    } catch (e) {
      setStartError(e as Error);
    }
  };
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what="update runs" />;
  return (
    <section className="runs">
      <p>
        <button type="button" onClick={start}>
          Start an update now
        </button>{' '}
        {message}
      </p>
      {startError && <ErrorNote error={startError} />}
      {data.length === 0 ? (
        <p className="empty">
          No update runs yet. They start when a check named in the model's <code>update.onFailingChecks</code>{' '}
          trips, on its schedule, or with the button above.
        </p>
      ) : (
        <table className="runs-table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Candidate</th>
              <th>Took</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {data.map((run) => (
              <tr key={run.id} data-run={run.id} data-status={run.status}>
                <td>
                  <a href={`#/models/${encodeURIComponent(name)}/runs/${run.id}`}>{when(run.startedAt)}</a>
                </td>
                <td>{triggerText(run)}</td>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span>
                </td>
                <td>{run.candidateVersion === null ? '—' : `v${run.candidateVersion}`}</td>
                <td>{run.finishedAt === null ? 'running…' : duration(run.finishedAt - run.startedAt)}</td>
                <td className="outcome">{run.outcome ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShowOlder more={page?.more ?? false} what="runs" onClick={() => setPages(pages + 1)} />
    </section>
  );
}
