import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { VERSION } from '../cli/version.js';
import { CheckRunner } from '../monitor/check-runner.js';
import type { CheckResult } from '../monitor/checks/check-result.js';
import { Ingestion } from '../monitor/ingestion.js';
import { type LoadedModel, ModelCatalog } from '../monitor/model-catalog.js';
import type { NotifierContext } from '../monitor/notifiers.js';
import { ArtifactStore, defaultArtifactDir } from '../registry/artifact-store.js';
import { Registry } from '../registry/registry.js';
import { Serving } from '../serve/serving.js';
import { DomainError } from '../spec/domain-error.js';
import type { CheckSpec } from '../spec/model-spec.js';
import type { StoreConnection } from '../store/open-store.js';
import { type Clock, systemClock } from '../time/clock.js';
import { JobQueue } from '../update/job-queue.js';
import { MaintenanceLoop } from '../update/maintenance-loop.js';
import { enqueueForCheck } from '../update/triggers.js';
import { UpdateWorker } from '../update/update-worker.js';
import { authHook } from './auth.js';
import { keepRawBody, parseBody } from './body.js';
import type { ApiContext } from './context.js';
import { dashboardRoutes } from './dashboard.js';
import { createMetrics } from './prometheus.js';
import { RequestLoad } from './request-load.js';
import { alertRoutes } from './routes/alert-routes.js';
import { driftRoutes } from './routes/drift-routes.js';
import { estimationRoutes } from './routes/estimation-routes.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { registryRoutes } from './routes/registry-routes.js';
import { servingRoutes } from './routes/serving-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { updateRoutes } from './routes/update-routes.js';

export interface AppOptions {
  store: StoreConnection;
  /** Require API tokens on /api routes. The CLI sets this whenever the server listens beyond loopback. */
  requireAuth?: boolean;
  /** Largest ingestion request body in bytes; larger ones get 413. Default 64 MiB. */
  bodyLimit?: number;
  /** Where alerts and errors are logged, and the fetch webhooks use. */
  notifier?: Partial<NotifierContext>;
  /** Where version artifacts live. Default: see defaultArtifactDir. */
  artifactDir?: string;
  /** Largest artifact upload in bytes. Default 1 GiB. */
  artifactLimit?: number;
  /** This process's profile shard (default: a random id per process). */
  shard?: string;
  /** Where every stamp comes from (default the system clock; a backtest passes its simulated clock). */
  clock?: Clock;
  /** Run queued update jobs in this process's maintenance loop (default true; false with `steward worker`s). */
  runJobs?: boolean;
  logger?: boolean;
}

export interface StewardApp {
  app: FastifyInstance;
  context: ApiContext;
  /** Every route with the scope it needs (undefined: public). */
  routes: ReadonlyArray<{ method: string; url: string; scope: string | undefined }>;
}

/** Routes anyone may call without a token when tokens are required: health, the API's description and the
 * dashboard's files (which hold no data: every figure it shows comes from /api with the user's token). */
const isPublic = (url: string) =>
  url === '/healthz' || url === '/api/v1/openapi.json' || (!url.startsWith('/api/') && url !== '/metrics');

/** The Steward HTTP API on a store. Call `app.listen` to serve, `app.inject` to test. */
export async function createApp(options: AppOptions): Promise<StewardApp> {
  const { store } = options;
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 8 * 1024 * 1024,
    forceCloseConnections: true,
  });
  const clock = options.clock ?? systemClock;
  const catalog = new ModelCatalog(store, clock);
  const notifier: NotifierContext = { log: (line) => process.stdout.write(`${line}\n`), ...options.notifier };
  const artifacts = new ArtifactStore(options.artifactDir ?? defaultArtifactDir(store));
  const registry = new Registry(store, artifacts, clock);
  const ingestion = new Ingestion(store, options.shard, clock, (model, version) =>
    registry.vocabulary(model, version),
  );
  const jobs = new JobQueue(store);
  const updates = { store, catalog, registry, artifacts, clock };
  const onResult = async (
    model: LoadedModel,
    check: CheckSpec,
    result: CheckResult,
    window: { start: number; end: number },
  ) => {
    await enqueueForCheck(jobs, model, check, result, window);
  };
  const checks = new CheckRunner(store, catalog, notifier, onResult, clock);
  const worker = new UpdateWorker(jobs, updates, notifier.log);
  const context: ApiContext = {
    store,
    clock,
    catalog,
    ingestion,
    checks,
    metrics: createMetrics(store, catalog),
    registry,
    serving: new Serving(store, registry, artifacts, ingestion, notifier.log),
    jobs,
    worker,
    load: new RequestLoad(undefined, undefined, () => clock.now()),
    loop: new MaintenanceLoop({
      context: updates,
      jobs,
      checks,
      decides: true,
      ingestion,
      ...(options.runJobs === false ? {} : { worker }),
      log: notifier.log,
    }),
  };
  app.addHook('onClose', async () => {
    context.metrics.close();
    context.loop.stop();
    await context.loop.idle();
  });

  // Route schemas document the API (OpenAPI); requests are validated by our own validators, which name rows and fields.
  // Requests are parsed by each route with the zod schemas its description comes from (api/route-schema.ts), and
  // answers are sent as they are: the JSON Schemas Fastify holds are for the OpenAPI document only.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson', 'application/jsonl', 'application/ndjson'],
    { parseAs: 'string' },
    (request, body, done) => {
      const contentType = request.headers['content-type'] ?? 'application/json';
      try {
        const parsed = parseBody(body as string, contentType);
        keepRawBody(request, body as string, contentType);
        done(null, parsed);
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Steward API',
        version: VERSION,
        description:
          'Monitoring of deployed machine-learning models: ingest predictions and labels, read windows, metrics, drift and alerts.',
      },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      security: [{ token: [] }],
    },
  });

  const routes: StewardApp['routes'][number][] = [];
  app.addHook('onRoute', (route) => {
    const scope = (route.config as { scope?: string } | undefined)?.scope;
    // A route that forgets its scope would be open to anyone: refuse to start instead.
    if (scope === undefined && !isPublic(route.url))
      throw new Error(`route ${String(route.method)} ${route.url} declares no scope (read, ingest or admin)`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, scope });
  });
  app.addHook('onRequest', async () => {
    context.load.received();
  });
  app.addHook('onRequest', authHook(store, { required: options.requireAuth ?? false }));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    context.metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    context.metrics.duration.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof DomainError)
      return reply.code(error.status).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: {
          code: 'too_large',
          message: `request body over the limit of ${bodyLimit} bytes: send smaller batches`,
        },
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({
        error: { code: 'unsupported_media_type', message: 'send application/json or application/x-ndjson' },
      });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: 'bad_request', message: error.message } });
    }
    notifier.log(
      JSON.stringify({ level: 'error', msg: 'request failed', error: error.stack ?? error.message }),
    );
    return reply.code(500).send({
      error: {
        code: 'internal',
        message:
          'internal error; nothing from this request was stored unless a 2xx was sent (see the server log)',
      },
    });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await store.db.selectFrom('models').select('name').limit(1).execute();
    return { status: 'ok', store: store.dialect, version: VERSION };
  });
  app.get('/metrics', { schema: { hide: true }, config: { scope: 'read' } }, async (_request, reply) => {
    reply.header('content-type', context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  modelRoutes(app, context);
  ingestRoutes(app, context, bodyLimit);
  tokenRoutes(app, context);
  registryRoutes(app, context.registry, options.artifactLimit ?? 1024 * 1024 * 1024, context.catalog);
  driftRoutes(app, context);
  estimationRoutes(app, context);
  alertRoutes(app, context);
  servingRoutes(app, context, bodyLimit);
  updateRoutes(app, context);
  await dashboardRoutes(app);
  await app.ready();
  return { app, context, routes };
}
