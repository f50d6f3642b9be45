import type { AlertView, ModelVersion, WindowView } from '@steward/client';
import { useCallback, useEffect, useState } from 'react';
import { apiClient } from '../api';
import { Timeline } from '../components/timeline';

interface ModelData {
  task: string;
  health: string;
  production: number | undefined;
  windows: WindowView[];
  versions: ModelVersion[];
  alerts: AlertView[];
  thresholds: Record<string, Array<{ label: string; value: number }>>;
}

const METRICS: Record<string, string[]> = {
  binary: ['accuracy', 'f1', 'rocAuc'],
  multiclass: ['accuracy', 'f1'],
  regression: ['rmse', 'mae', 'r2'],
};

async function load(name: string): Promise<ModelData> {
  const client = apiClient();
  const [model, windows, versions, aliases, alerts] = await Promise.all([
    client.getModel(name),
    client.metrics(name, { from: 0, to: Date.now() + 86_400_000 }),
    client.listVersions(name),
    client.aliases(name),
    client.alerts({ model: name }),
  ]);
  const thresholds: ModelData['thresholds'] = {};
  for (const check of (model.spec.checks ?? []) as Array<{
    type: string;
    name: string;
    metric?: string;
    min?: number;
    max?: number;
  }>) {
    if (check.type !== 'metric' || !check.metric) continue;
    const list = thresholds[check.metric] ?? [];
    if (check.min !== undefined) list.push({ label: `${check.name} min`, value: check.min });
    if (check.max !== undefined) list.push({ label: `${check.name} max`, value: check.max });
    thresholds[check.metric] = list;
  }
  return {
    task: model.spec.task,
    health: model.health.status,
    production: aliases.current.production,
    windows,
    versions,
    alerts,
    thresholds,
  };
}

/** One model: metric timelines with their thresholds, versions with promote and rollback, recent alerts. */
export function ModelPage({ name }: { name: string }) {
  const [data, setData] = useState<ModelData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(
    () =>
      load(name)
        .then((d) => {
          setData(d);
          setError(undefined);
        })
        .catch((e: Error) => setError(e.message)),
    [name],
  );
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 10_000);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = async (what: string, run: () => Promise<unknown>) => {
    if (!window.confirm(what)) return;
    setBusy(true);
    try {
      await run();
      await refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!data) return <p className="loading">Loading {name}…</p>;
  const times = data.windows.map((w) => Date.parse(w.start) / 1000);
  return (
    <section className="model">
      <p>
        <a href="#/">All models</a>
      </p>
      <h2>
        {name} <span className={`health health-${data.health}`}>{data.health}</span>{' '}
        <span className="production">
          production {data.production === undefined ? '—' : `v${data.production}`}
        </span>
      </h2>
      {data.windows.length === 0 ? (
        <p className="empty">No windows yet: log predictions (and labels) to see metrics here.</p>
      ) : (
        (METRICS[data.task] ?? []).map((metric) => (
          <figure key={metric}>
            <figcaption>{metric} per window</figcaption>
            <Timeline
              label={metric}
              times={times}
              values={data.windows.map((w) => (w.metrics[metric] ?? null) as number | null)}
              thresholds={data.thresholds[metric] ?? []}
            />
          </figure>
        ))
      )}
      <h3>Versions</h3>
      <table className="versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Format</th>
            <th>Aliases</th>
            <th>Strategy</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...data.versions].reverse().map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>v{v.version}</td>
              <td>{v.format}</td>
              <td>{v.aliases.join(', ') || '—'}</td>
              <td>{String(v.lineage.strategy ?? '—')}</td>
              <td>{new Date(v.createdAt).toISOString().slice(0, 16).replace('T', ' ')}</td>
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
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="rollback"
        disabled={busy || data.production === undefined}
        onClick={() =>
          act(`Roll ${name} production back to its previous version?`, () =>
            apiClient().rollback(name, 'production', 'from the dashboard'),
          )
        }
      >
        Roll back production
      </button>
      <h3>Alerts</h3>
      {data.alerts.length === 0 ? (
        <p className="empty">No alerts.</p>
      ) : (
        <ul className="alerts">
          {data.alerts.map((a) => (
            <li key={a.id} data-status={a.status}>
              <strong>{a.check}</strong> {a.severity} · {a.status} · {a.message} ({a.occurrences}×)
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
