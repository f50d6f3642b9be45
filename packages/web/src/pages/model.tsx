import { apiClient } from '../api';
import { AlertsList } from '../components/alerts-list';
import { ErrorNote, Loading, Updated } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { DriftSection } from '../sections/drift-section';
import { type CheckSpecView, MetricsSection } from '../sections/metrics-section';
import { PredictionsSection } from '../sections/predictions-section';
import { QualitySection } from '../sections/quality-section';
import { RunsSection } from '../sections/runs-section';
import { VersionsSection } from '../sections/versions-section';

export const MODEL_TABS = [
  'metrics',
  'predictions',
  'drift',
  'quality',
  'versions',
  'runs',
  'alerts',
] as const;
export type ModelTab = (typeof MODEL_TABS)[number];

const TAB_TITLES: Record<ModelTab, string> = {
  metrics: 'Metrics',
  predictions: 'Predictions',
  drift: 'Drift',
  quality: 'Data quality',
  versions: 'Versions',
  runs: 'Update runs',
  alerts: 'Alerts',
};

/** One model: its health and production version on top, then one tab per aspect. */
export function ModelPage({ name, tab }: { name: string; tab: ModelTab }) {
  const { data, error, updatedAt } = usePolling(async () => {
    const client = apiClient();
    const [model, aliases] = await Promise.all([client.getModel(name), client.aliases(name)]);
    return { model, production: aliases.current.production };
  }, `model:${name}`);
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what={name} />;
  const { model, production } = data;
  const href = (t: ModelTab) => `#/models/${encodeURIComponent(name)}/${t}`;
  return (
    <section className="model">
      <p>
        <a href="#/">All models</a> <Updated at={updatedAt} />
      </p>
      <h2>
        {name} <span className={`health health-${model.health.status}`}>{model.health.status}</span>{' '}
        <span className="production">production {production === undefined ? '—' : `v${production}`}</span>{' '}
        <span className="counts">
          {model.counts.predictions} predictions · {model.counts.labels} labels · {model.health.openAlerts}{' '}
          open alerts
        </span>
      </h2>
      <nav className="tabs">
        {MODEL_TABS.map((t) => (
          <a
            key={t}
            href={href(t)}
            className={t === tab ? 'active' : undefined}
            aria-current={t === tab ? 'page' : undefined}
          >
            {TAB_TITLES[t]}
          </a>
        ))}
      </nav>
      {tab === 'metrics' && (
        <MetricsSection
          name={name}
          task={model.spec.task}
          checks={(model.spec.checks ?? []) as unknown as CheckSpecView[]}
        />
      )}
      {tab === 'predictions' && <PredictionsSection name={name} task={model.spec.task} />}
      {tab === 'drift' && <DriftSection name={name} />}
      {tab === 'quality' && <QualitySection name={name} features={model.spec.features} />}
      {tab === 'versions' && <VersionsSection name={name} />}
      {tab === 'runs' && <RunsSection name={name} />}
      {tab === 'alerts' && <AlertsList model={name} />}
    </section>
  );
}
