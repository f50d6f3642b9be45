import { apiClient } from '../api';
import { AlertsList } from '../components/alerts-list';
import { RangePicker } from '../components/range-picker';
import { ErrorNote, Loading, Updated } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { useTimeRange } from '../hooks/use-time-range';
import { ALL_TIME } from '../lib/format';
import { formatRange, resolveRange, splitHash } from '../lib/time-range';
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

/** Tabs whose charts follow the page's time range. */
const RANGED_TABS: readonly ModelTab[] = ['metrics', 'predictions', 'drift', 'quality'];

/** One model: its health and production version on top, then one tab per aspect. */
export function ModelPage({ name, tab }: { name: string; tab: ModelTab }) {
  const { data, error, updatedAt } = usePolling(async () => {
    const client = apiClient();
    const [model, aliases, served] = await Promise.all([
      client.getModel(name),
      client.aliases(name),
      client.served(name, ALL_TIME),
    ]);
    return { model, production: aliases.current.production, served };
  }, `model:${name}`);
  const [range, setRange] = useTimeRange();
  if (error && !data) return <ErrorNote error={error} />;
  if (!data) return <Loading what={name} />;
  const { model, production, served } = data;
  // Named ranges count back from the newest prediction: a demo or backtest's clock is not the wall clock.
  const newest = served.length > 0 ? Math.max(...served.map((v) => Date.parse(v.last))) : undefined;
  const bounds = resolveRange(range, newest);
  // Where a custom range starts from: the shown range clipped to the predictions there are.
  const oldest = served.length > 0 ? Math.min(...served.map((v) => Date.parse(v.first))) : undefined;
  const shown = {
    from: Math.max(bounds.from, oldest ?? bounds.from),
    to: Math.min(bounds.to, newest === undefined ? bounds.to : newest + 1),
  };
  const rangeKey = formatRange(range);
  const query = splitHash(window.location.hash).params.toString();
  const href = (t: ModelTab) => `#/models/${encodeURIComponent(name)}/${t}${query ? `?${query}` : ''}`;
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
      {RANGED_TABS.includes(tab) && <RangePicker range={range} bounds={shown} onChange={setRange} />}
      {tab === 'metrics' && (
        <MetricsSection
          name={name}
          task={model.spec.task}
          checks={(model.spec.checks ?? []) as unknown as CheckSpecView[]}
          served={served}
          range={bounds}
          rangeKey={rangeKey}
          onRange={setRange}
        />
      )}
      {tab === 'predictions' && (
        <PredictionsSection
          name={name}
          task={model.spec.task}
          range={bounds}
          rangeKey={rangeKey}
          onRange={setRange}
        />
      )}
      {tab === 'drift' && <DriftSection name={name} range={bounds} rangeKey={rangeKey} />}
      {tab === 'quality' && (
        <QualitySection name={name} features={model.spec.features} range={bounds} rangeKey={rangeKey} />
      )}
      {tab === 'versions' && <VersionsSection name={name} />}
      {tab === 'runs' && <RunsSection name={name} />}
      {tab === 'alerts' && <AlertsList model={name} />}
    </section>
  );
}
