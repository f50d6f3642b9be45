import type { UpdateRunView } from '@steward/client';
import { useMemo, useState } from 'react';
import { apiClient } from '../api';
import { Chart } from '../components/chart';
import { ShowOlder } from '../components/show-older';
import { ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { duration, when } from '../lib/format';
import { GATE_ROLLING_RUNS, gateSeries } from '../lib/gate-series';
import { firstPages } from '../lib/pages';

export function triggerText(run: UpdateRunView): string {
  const t = run.trigger;
  if (t.kind === 'check') return `check ${t.check ?? ''}`.trim();
  if (t.kind === 'manual') return `manual${t.actor ? ` (${t.actor})` : ''}`;
  return t.reason ?? 'schedule';
}

/**
 * Each listed run's candidate beside production on the rows the gate compared them on, pooled over the last runs. For
 * an online model: its rolling test-then-train metric beside the served version's, on the same rows.
 */
function GateChart({ runs }: { runs: readonly UpdateRunView[] }) {
  const series = useMemo(() => gateSeries(runs), [runs]);
  if (!series) return null;
  const newest = series.rows.at(-1) ?? 0;
  return (
    <figure>
      <figcaption>
        {series.metric} on the rows the gate compared,{' '}
        {series.online ? 'the online model (each row predicted before it learnt it)' : 'each candidate'}{' '}
        beside the version serving; each point pools the last {GATE_ROLLING_RUNS} runs by rows ({newest} rows
        at the newest) over the runs listed below.
      </figcaption>
      <Chart
        name="gate-metrics"
        x={series.x}
        time
        series={[
          {
            label: series.online ? 'online model (test-then-train)' : 'candidate',
            values: series.candidate,
            color: '#2563eb',
          },
          { label: 'production, same rows', values: series.production, color: '#6b7280', dash: [6, 4] },
        ]}
        yLabel={series.metric}
      />
    </figure>
  );
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
      <GateChart runs={data} />
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
