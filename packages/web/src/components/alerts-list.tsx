import type { AlertQuery, AlertView } from '@steward/client';
import { useState } from 'react';
import { apiClient } from '../api';
import { usePolling } from '../hooks/use-polling';
import { when } from '../lib/format';
import { firstPages } from '../lib/pages';
import { ShowOlder } from './show-older';
import { ErrorNote, Loading } from './status';

type Filters = Pick<AlertQuery, 'status' | 'severity'> & { acknowledged?: 'yes' | 'no' };

/** Alerts with filters and an acknowledge button; `model` fixes the model (the model page), else all models. */
export function AlertsList({ model }: { model?: string }) {
  const [filters, setFilters] = useState<Filters>({ status: 'open' });
  const query: AlertQuery = {
    ...(model ? { model } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.acknowledged ? { acknowledged: filters.acknowledged === 'yes' } : {}),
  };
  const [pages, setPages] = useState(1);
  const key = JSON.stringify(query);
  const {
    data: page,
    error,
    refresh,
  } = usePolling(
    () => firstPages(pages, (p) => apiClient().alertsPage({ ...query, ...p }), 100),
    `alerts:${key}:${pages}`,
    undefined,
    `alerts:${key}`,
  );
  const data = page?.items;
  const [actionError, setActionError] = useState<Error | undefined>();
  const acknowledge = async (alert: AlertView) => {
    try {
      await apiClient().acknowledgeAlert(alert.id);
      setActionError(undefined);
      await refresh();
    } catch (e) {
      setActionError(e as Error);
    }
  };
  const select = (field: keyof Filters, options: string[]) => (
    <label>
      {field}{' '}
      <select
        name={field}
        value={filters[field] ?? ''}
        onChange={(e) => setFilters({ ...filters, [field]: e.target.value || undefined })}
      >
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="alerts-list">
      <div className="filters">
        {select('status', ['open', 'resolved'])}
        {select('severity', ['info', 'warning', 'critical'])}
        {select('acknowledged', ['yes', 'no'])}
      </div>
      {actionError && <ErrorNote error={actionError} />}
      {error && !data ? (
        <ErrorNote error={error} />
      ) : !data ? (
        <Loading what="alerts" />
      ) : data.length === 0 ? (
        <p className="empty">No alerts match these filters.</p>
      ) : (
        <table className="alerts">
          <thead>
            <tr>
              {!model && <th>Model</th>}
              <th>Check</th>
              <th>Severity</th>
              <th>Status</th>
              <th>Message</th>
              <th>Times</th>
              <th>First window</th>
              <th>Last seen</th>
              <th>Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {data.map((a) => (
              <tr key={a.id} data-alert={a.id} data-status={a.status} data-severity={a.severity}>
                {!model && (
                  <td>
                    <a href={`#/models/${encodeURIComponent(a.model)}`}>{a.model}</a>
                  </td>
                )}
                <td>{a.check}</td>
                <td>
                  <span className={`severity severity-${a.severity}`}>{a.severity}</span>
                </td>
                <td>{a.status}</td>
                <td>{a.message}</td>
                <td>{a.occurrences}</td>
                <td>{when(a.firstWindow)}</td>
                <td>{when(a.lastAt)}</td>
                <td>
                  {a.acknowledgedAt !== null ? (
                    `${a.acknowledgedBy ?? ''} ${when(a.acknowledgedAt)}`
                  ) : a.status === 'open' ? (
                    <button type="button" onClick={() => acknowledge(a)}>
                      Acknowledge
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShowOlder more={page?.more ?? false} what="alerts" onClick={() => setPages(pages + 1)} />
    </div>
  );
}
