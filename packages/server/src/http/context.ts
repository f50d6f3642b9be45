import type { CheckRunner } from '../monitor/check-runner.js';
import type { Ingestion } from '../monitor/ingestion.js';
import type { LoadedModel, ModelCatalog } from '../monitor/model-catalog.js';
import type { Registry } from '../registry/registry.js';
import type { Serving } from '../serve/serving.js';
import type { StoreConnection } from '../store/open-store.js';
import type { Clock } from '../time/clock.js';
import type { JobQueue } from '../update/job-queue.js';
import type { MaintenanceLoop } from '../update/maintenance-loop.js';
import type { UpdateWorker } from '../update/update-worker.js';
import { notFound } from './api-error.js';
import type { ServerMetrics } from './prometheus.js';
import type { RequestLoad } from './request-load.js';

/** What every route handler works with. */
export interface ApiContext {
  store: StoreConnection;
  clock: Clock;
  catalog: ModelCatalog;
  ingestion: Ingestion;
  checks: CheckRunner;
  metrics: ServerMetrics;
  registry: Registry;
  serving: Serving;
  jobs: JobQueue;
  worker: UpdateWorker;
  /** Rollouts, checks, schedules and queued runs: `tick` once, or `start` a timer. */
  loop: MaintenanceLoop;
  /** Requests of the last second (reads trade a second of freshness for throughput while busy). */
  load: RequestLoad;
}

export async function requireModel(context: ApiContext, name: string): Promise<LoadedModel> {
  const model = await context.catalog.get(name);
  if (!model) throw notFound(`model "${name}"`);
  return model;
}
