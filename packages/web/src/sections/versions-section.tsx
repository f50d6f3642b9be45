import type { ModelVersion } from '@steward/client';
import { useState } from 'react';
import { apiClient } from '../api';
import { GateTable, type GateView } from '../components/gate-table';
import { ShowOlder } from '../components/show-older';
import { ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { num, pValue, when } from '../lib/format';
import { firstPages } from '../lib/pages';
import { TrainingCurves } from './training-curves';

const VERSIONS_PAGE = 50;
const HISTORY_PAGE = 10;

function Lineage({ name, version }: { name: string; version: ModelVersion }) {
  const lineage = version.lineage as {
    strategy?: string;
    learner?: string | null;
    parameters?: Record<string, unknown>;
    trainingWindow?: { from: string; to: string };
    evaluation?: GateView;
    updateRun?: string;
  };
  return (
    <div className="lineage" data-version={version.version}>
      <h4>
        v{version.version}{' '}
        {version.aliases.length > 0 && <span className="aliases">{version.aliases.join(', ')}</span>}
      </h4>
      <dl>
        <dt>Parent</dt>
        <dd>{version.parent === null ? '—' : `v${version.parent}`}</dd>
        <dt>Strategy</dt>
        <dd>{lineage.strategy ?? '—'}</dd>
        <dt>Learner</dt>
        <dd>{lineage.learner ?? '—'}</dd>
        <dt>Parameters</dt>
        <dd>
          <code>{JSON.stringify(lineage.parameters ?? {})}</code>
        </dd>
        <dt>Training window</dt>
        <dd>
          {lineage.trainingWindow
            ? `${when(lineage.trainingWindow.from)} → ${when(lineage.trainingWindow.to)}`
            : '—'}
        </dd>
        <dt>Update run</dt>
        <dd>
          {lineage.updateRun ? (
            <a href={`#/models/${encodeURIComponent(name)}/runs/${lineage.updateRun}`}>
              {lineage.updateRun.slice(0, 8)}
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>Artifact</dt>
        <dd>
          {version.format}, {version.size} bytes, sha256 <code>{version.sha256.slice(0, 12)}</code>
        </dd>
      </dl>
      <h4>Evaluation against production at registration</h4>
      {lineage.evaluation?.primary ? (
        <GateTable gate={lineage.evaluation} />
      ) : (
        <p className="empty">No gate evaluation (the first version, or registered by hand).</p>
      )}
      <h4>Training curves</h4>
      <TrainingCurves name={name} version={version.version} />
    </div>
  );
}

/** Versions with aliases, lineage and evaluation; promote and roll back with confirmation. */
export function VersionsSection({ name }: { name: string }) {
  const [versionPages, setVersionPages] = useState(1);
  const [historyPages, setHistoryPages] = useState(1);
  const [selected, setSelected] = useState<number | undefined>();
  const { data, error, refresh } = usePolling(
    async () => {
      const client = apiClient();
      const [versions, aliases, history] = await Promise.all([
        firstPages(versionPages, (page) => client.versionsPage(name, page), VERSIONS_PAGE),
        client.aliases(name),
        firstPages(historyPages, (page) => client.aliasHistoryPage(name, page), HISTORY_PAGE),
      ]);
      // The version to show may be older than the pages read (production long unchanged, or picked before).
      const wanted = selected ?? aliases.current.production;
      const shown =
        versions.items.find((v) => v.version === wanted) ??
        (wanted !== undefined ? await client.getVersion(name, wanted) : versions.items[0]);
      return { versions, aliases, history, shown };
    },
    `versions:${name}:${versionPages}:${historyPages}:${selected ?? ''}`,
    undefined,
    `versions:${name}`,
  );
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<Error | undefined>();
  const act = async (question: string, run: () => Promise<unknown>) => {
    if (!window.confirm(question)) return;
    setBusy(true);
    try {
      await run();
      setActionError(undefined);
      await refresh();
    } catch (e) {
      setActionError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what="versions" />;
  const production = data.aliases.current.production;
  if (data.versions.items.length === 0)
    return (
      <p className="empty">
        No versions yet: register one with <code>steward register</code> or let an update run train it.
      </p>
    );
  const shown = data.shown;
  return (
    <section className="versions-section">
      {actionError && <ErrorNote error={actionError} />}
      {/* The chosen version first: with hundreds of versions, details below the list would be pages away. */}
      {shown && <Lineage name={name} version={shown} />}
      <h3>Versions, newest first ({data.versions.items.length} shown)</h3>
      <div className="versions-list">
        <table className="versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Aliases</th>
              <th>Parent</th>
              <th>Strategy</th>
              <th>Primary metric: production → candidate</th>
              <th>p-value</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.versions.items.map((v) => {
              const evaluation = (v.lineage.evaluation ?? {}) as GateView;
              return (
                <tr
                  key={v.version}
                  data-version={v.version}
                  className={shown?.version === v.version ? 'selected' : undefined}
                >
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(v.version)}>
                      v{v.version}
                    </button>
                  </td>
                  <td>{v.aliases.join(', ') || '—'}</td>
                  <td>{v.parent === null ? '—' : `v${v.parent}`}</td>
                  <td>{String(v.lineage.strategy ?? '—')}</td>
                  <td>
                    {evaluation.primary
                      ? `${evaluation.primary.metric} ${num(evaluation.primary.production)} → ${num(evaluation.primary.candidate)}`
                      : '—'}
                  </td>
                  <td>{pValue(evaluation.test?.pValue)}</td>
                  <td>{when(v.createdAt)}</td>
                  <td>
                    {!v.aliases.includes('production') && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() =>
                          act(`Promote v${v.version} of ${name} to production?`, () =>
                            apiClient().promote(name, v.version, 'production', 'from the dashboard'),
                          )
                        }
                      >
                        Promote
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <ShowOlder
          more={data.versions.more}
          what="versions"
          onClick={() => setVersionPages(versionPages + 1)}
        />
      </div>
      <button
        type="button"
        className="rollback"
        disabled={busy || production === undefined}
        onClick={() =>
          act(`Roll ${name} production back to its previous version?`, () =>
            apiClient().rollback(name, 'production', 'from the dashboard'),
          )
        }
      >
        Roll back production
      </button>
      <h3>Alias history</h3>
      <ul className="alias-history">
        {data.history.items.map((h) => (
          <li key={h.id ?? `${h.at}-${h.alias}-${h.toVersion}`}>
            {when(h.at)} · {h.alias} {h.action}: {h.fromVersion === null ? '—' : `v${h.fromVersion}`} →{' '}
            {h.toVersion === null ? '—' : `v${h.toVersion}`} by {h.actor}
            {h.reason ? ` (${h.reason})` : ''}
          </li>
        ))}
      </ul>
      <ShowOlder more={data.history.more} what="changes" onClick={() => setHistoryPages(historyPages + 1)} />
    </section>
  );
}
