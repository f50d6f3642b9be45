import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { modelHealth } from '../monitor/health.js';
import type { ModelCatalog } from '../monitor/model-catalog.js';
import type { StoreConnection } from '../store/open-store.js';

const HEALTH_VALUE = { ok: 0, warning: 1, failing: 2 } as const;
// Store statements and connection waits, seconds: a local round trip to a queue behind a busy loop.
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The server's Prometheus registry: HTTP and ingestion counters, and per-model health gauges read at scrape time. */
export function createMetrics(store: StoreConnection, catalog: ModelCatalog) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'steward_' });
  const requests = new Counter({
    name: 'steward_http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'steward_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const predictions = new Counter({
    name: 'steward_predictions_ingested_total',
    help: 'Predictions stored, by model.',
    labelNames: ['model'],
    registers: [registry],
  });
  const labels = new Counter({
    name: 'steward_labels_ingested_total',
    help: 'Labels stored, by model.',
    labelNames: ['model'],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'steward_store_statement_duration_seconds',
    help: 'Store statements from the call to the result (round trip and queueing on the connection), by kind.',
    labelNames: ['kind', 'failed'],
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const connectionWait = new Histogram({
    name: 'steward_store_connection_wait_seconds',
    help: 'Waits for a pooled PostgreSQL connection (every one busy).',
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const stopTimings = store.timings.observe({
    statement: (kind, seconds, failed) =>
      statements.observe({ kind, failed: failed ? 'true' : 'false' }, seconds),
    connectionWait: (seconds) => connectionWait.observe(seconds),
  });
  const rejected = new Counter({
    name: 'steward_batches_rejected_total',
    help: 'Batches refused as invalid, by model and kind.',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  new Gauge({
    name: 'steward_model_health',
    help: 'Model health from its latest checks: 0 ok, 1 warning, 2 failing.',
    labelNames: ['model'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const model of await catalog.list()) {
        this.set(
          { model: model.spec.name },
          HEALTH_VALUE[(await modelHealth(store, model.spec.name)).status],
        );
      }
    },
  });
  new Gauge({
    name: 'steward_open_alerts',
    help: 'Open alerts by model.',
    labelNames: ['model'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await store.db
        .selectFrom('alerts')
        .select(['model', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'open')
        .groupBy('model')
        .execute();
      for (const r of rows) this.set({ model: r.model }, Number(r.n));
    },
  });
  return { registry, requests, duration, predictions, labels, rejected, close: stopTimings };
}

export type ServerMetrics = ReturnType<typeof createMetrics>;
