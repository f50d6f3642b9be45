import { apiClient } from '../api';
import { AlertsList } from '../components/alerts-list';
import { Sparkline } from '../components/sparkline';
import { ErrorNote, Loading, Updated } from '../components/status';
import { usePolling } from '../hooks/use-polling';

interface ModelRow {
  name: string;
  task: string;
  health: string;
  production: number | undefined;
  openAlerts: number;
  metric: string;
  latest: number | null;
  times: number[];
  values: Array<number | null>;
}

const KEY_METRIC: Record<string, string> = { binary: 'accuracy', multiclass: 'accuracy', regression: 'rmse' };

async function load(): Promise<ModelRow[]> {
  const client = apiClient();
  const models = await client.listModels();
  return Promise.all(
    models.map(async (m) => {
      const [aliases, health, windows] = await Promise.all([
        client.aliases(m.name),
        client.health(m.name),
        // The model's own windows over all time it has data for: the sparkline shows the last 30.
        client.metrics(m.name, { from: 0, to: Date.now() + 86_400_000 }),
      ]);
      const metric = KEY_METRIC[m.task] ?? 'accuracy';
      const recent = windows.slice(-30);
      const values = recent.map((w) => (w.metrics[metric] ?? null) as number | null);
      return {
        name: m.name,
        task: m.task,
        health: health.status,
        production: aliases.current.production,
        openAlerts: health.openAlerts,
        metric,
        latest: [...values].reverse().find((v) => v !== null) ?? null,
        times: recent.map((w) => Date.parse(w.start) / 1000),
        values,
      };
    }),
  );
}

/** Every model at a glance: health, production version, the key metric's latest value and trend, open alerts. */
export function Overview() {
  const { data: rows, error, updatedAt } = usePolling(load, 'overview');
  if (error && !rows) return <ErrorNote error={error} />;
  if (!rows) return <Loading what="models" />;
  if (rows.length === 0) {
    return (
      <p className="empty">
        No models yet. Create one with <code>steward apply steward.yaml</code> or{' '}
        <code>PUT /api/v1/models/:name</code>, then log predictions.
      </p>
    );
  }
  return (
    <section className="overview">
      <p>
        <Updated at={updatedAt} />
      </p>
      <table className="models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Task</th>
            <th>Health</th>
            <th>Production</th>
            <th>Key metric</th>
            <th>Trend</th>
            <th>Open alerts</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-model={r.name}>
              <td>
                <a href={`#/models/${encodeURIComponent(r.name)}`}>{r.name}</a>
              </td>
              <td>{r.task}</td>
              <td>
                <span className={`health health-${r.health}`}>{r.health}</span>
              </td>
              <td>{r.production === undefined ? '—' : `v${r.production}`}</td>
              <td className="metric">
                {r.metric} {r.latest === null ? '—' : r.latest.toFixed(3)}
              </td>
              <td>
                <Sparkline times={r.times} values={r.values} label={r.metric} />
              </td>
              <td>{r.openAlerts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Open alerts</h2>
      <AlertsList />
    </section>
  );
}
