import type { FeatureSpecInput } from '@steward/client';
import { apiClient } from '../api';
import { Sparkline } from '../components/sparkline';
import { Empty, ErrorNote, Loading } from '../components/status';
import { usePolling } from '../hooks/use-polling';
import { columnSummary } from '../lib/column-summary';
import { seconds } from '../lib/format';

/** Per feature: missing values over the page's time range, and its latest window's range, top categories or words. */
export function QualitySection({
  name,
  features,
  range,
  rangeKey,
}: {
  name: string;
  features: FeatureSpecInput[];
  range: { from: number; to: number };
  rangeKey: string;
}) {
  // The sparklines show 60 points: the range comes back merged into at most that many windows.
  const { data: windows, error } = usePolling(
    () => apiClient().windows(name, { ...range, maxWindows: 60 }),
    `quality:${name}:${rangeKey}`,
    undefined,
    `quality:${name}`,
  );
  if (error && !windows) return <ErrorNote error={error} />;
  if (!windows) return <Loading what="data quality" />;
  const latest = windows.at(-1);
  if (!latest) return <Empty rangeKey={rangeKey} missing="No predictions logged yet." />;
  const recent = windows.slice(-60);
  return (
    <section className="quality">
      <p>
        Latest window {new Date(latest.start).toISOString().slice(0, 16).replace('T', ' ')}: {latest.count}{' '}
        predictions, {latest.labelled} labelled.
      </p>
      <table className="data-quality">
        <thead>
          <tr>
            <th>Feature</th>
            <th>Type</th>
            <th>Missing (latest)</th>
            <th>Missing share over the range ({recent.length} windows)</th>
            <th>min · median · max, top categories or words (latest)</th>
          </tr>
        </thead>
        <tbody>
          {features.map((f) => {
            const column = latest.profile?.features[f.name];
            const share = column?.missingShare ?? 0;
            return (
              <tr key={f.name} data-feature={f.name} className={share > 0.05 ? 'bad' : undefined}>
                <td>{f.name}</td>
                <td>{f.type}</td>
                <td>{(share * 100).toFixed(1)}%</td>
                <td>
                  <Sparkline
                    label={`${f.name} missing share`}
                    times={recent.map((w) => seconds(w.start))}
                    values={recent.map((w) => w.profile?.features[f.name]?.missingShare ?? null)}
                  />
                </td>
                <td>{columnSummary(column)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
