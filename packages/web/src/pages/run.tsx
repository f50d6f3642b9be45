import { StewardApiError } from '@steward/client';
import { apiClient } from '../api';
import { GateTable, type GateView } from '../components/gate-table';
import { ErrorNote, Loading, Updated } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { duration, readableDetail, when } from '../lib/format';
import { triggerText } from '../sections/runs-section';

/** The steps an update run goes through, in order; a run that stops early shows where. */
const STEPS = ['dataset', 'train', 'evaluate', 'refit', 'register', 'promote'];

/** One update run: progress through its steps, each step's details and logs, and the gate's comparison. */
export function RunPage({ name, id }: { name: string; id: string }) {
  const { data, error, updatedAt } = usePolling(async () => {
    try {
      return await apiClient().getUpdate(name, id);
    } catch (e) {
      if (e instanceof StewardApiError && e.status === 404) return null;
      throw e;
    }
  }, `run:${name}:${id}`);
  if (error && data === undefined) return <ErrorNote error={error} />;
  if (data === undefined) return <Loading what="the update run" />;
  if (data === null)
    return (
      <p className="empty">
        No run {id} for {name}. <a href={`#/models/${encodeURIComponent(name)}/runs`}>All runs</a>
      </p>
    );
  const done = data.steps.filter((s) => s.status === 'done').length;
  const evaluate = data.steps.find((s) => s.name === 'evaluate');
  const gate = evaluate?.detail as GateView | undefined;
  return (
    <section className="run" data-run={data.id}>
      <p>
        <a href={`#/models/${encodeURIComponent(name)}/runs`}>← {name}: update runs</a>{' '}
        <Updated at={updatedAt} />
      </p>
      <h2>
        Update run {data.id.slice(0, 8)} <span className={`status status-${data.status}`}>{data.status}</span>
      </h2>
      <p>
        Trigger: {triggerText(data)} · started {when(data.startedAt)}
        {data.finishedAt !== null && ` · took ${duration(data.finishedAt - data.startedAt)}`}
        {data.candidateVersion !== null && ` · candidate v${data.candidateVersion}`}
      </p>
      <progress
        max={STEPS.length}
        value={data.finishedAt === null ? done : STEPS.length}
        aria-label="progress"
      />{' '}
      {done} of {STEPS.length} steps done
      {data.outcome && <p className="outcome">{data.outcome}</p>}
      <h3>Steps</h3>
      <ol className="steps">
        {data.steps.map((step) => {
          const { log, ...detail } = step.detail as { log?: string } & Record<string, unknown>;
          return (
            <li key={`${step.name}-${step.startedAt}`} data-step={step.name} data-status={step.status}>
              <strong>{step.name}</strong>{' '}
              <span className={`status status-${step.status}`}>{step.status}</span>{' '}
              {duration(step.finishedAt - step.startedAt)}
              <pre className="detail">{readableDetail(detail)}</pre>
              {log && (
                <details open>
                  <summary>log</summary>
                  <pre className="log">{log}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ol>
      <h3>Gate</h3>
      {gate?.primary ? (
        <GateTable gate={gate} />
      ) : (
        <p className="empty">
          {evaluate
            ? String(evaluate.detail.note ?? 'No comparison recorded.')
            : 'The run did not reach the gate.'}
        </p>
      )}
    </section>
  );
}
