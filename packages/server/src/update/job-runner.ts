import { ModelCatalog } from '../monitor/model-catalog.js';
import { ArtifactStore } from '../registry/artifact-store.js';
import { Registry } from '../registry/registry.js';
import { openStore, type StoreConnection } from '../store/open-store.js';
import { systemClock } from '../time/clock.js';
import { JobQueue } from './job-queue.js';
import { MaintenanceLoop } from './maintenance-loop.js';
import { UpdateWorker } from './update-worker.js';

export interface JobRunnerOptions {
  url: string;
  schema?: string;
  artifactDir: string;
  pollMs: number;
  leaseMs?: number;
  log: (line: string) => void;
}

export interface JobRunner {
  id: string;
  store: StoreConnection;
  stop(): Promise<void>;
}

/**
 * A loop that only runs update jobs from the store's queue, on its own store connection: `steward worker`, and the
 * thread `steward serve` runs its updates on (training then never holds up a request). The servers' own loops judge
 * windows, decide rollouts and queue the updates.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const store = await openStore({ url: options.url, ...(options.schema ? { schema: options.schema } : {}) });
  const catalog = new ModelCatalog(store);
  const artifacts = new ArtifactStore(options.artifactDir);
  const context = { store, catalog, registry: new Registry(store, artifacts), artifacts, clock: systemClock };
  const jobs = new JobQueue(store, options.leaseMs);
  const worker = new UpdateWorker(jobs, context, options.log);
  const loop = new MaintenanceLoop({ context, jobs, decides: false, worker, log: options.log });
  loop.start(options.pollMs);
  return {
    id: worker.id,
    store,
    stop: async () => {
      loop.stop();
      await loop.idle();
      await store.close();
    },
  };
}
