import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createApp } from '../../http/app.js';
import { isLoopback } from '../../http/auth.js';
import { parseDuration } from '../../monitor/duration.js';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { ArtifactStore, defaultArtifactDir } from '../../registry/artifact-store.js';
import { Registry } from '../../registry/registry.js';
import { defaultStoreUrl, openStore } from '../../store/open-store.js';
import { listTokens } from '../../store/tokens.js';
import { systemClock } from '../../time/clock.js';
import { JobQueue } from '../../update/job-queue.js';
import { MaintenanceLoop } from '../../update/maintenance-loop.js';
import { UpdateWorker } from '../../update/update-worker.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

interface ServeFlags {
  db?: string;
  host: string;
  port: string;
  config?: string;
  checkInterval: string;
  requireAuth?: boolean;
  worker: boolean;
}

/** Reads steward.yaml: `models:` a list of model specs (validated when applied). */
export function readConfig(path: string): { models: unknown[] } {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const models = (doc as { models?: unknown } | null)?.models;
  if (!Array.isArray(models))
    throw new CliError(`${path}: expected a top-level "models:" list of model specs`);
  return { models };
}

export async function applyConfig(catalog: ModelCatalog, path: string, io: CliIo): Promise<void> {
  const { models } = readConfig(path);
  for (const [i, spec] of models.entries()) {
    try {
      const { model, created } = await catalog.put(spec);
      io.stdout.write(`${created ? 'created' : 'updated'} model ${model.spec.name}\n`);
    } catch (error) {
      throw new CliError(`${path}: models[${i}]: ${(error as Error).message}`);
    }
  }
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the monitoring server: ingestion, windows, checks, alerts, API')
    .option('--db <url>', 'SQLite file or postgres:// URL (default STEWARD_DB or ./.steward/steward.db)')
    .option(
      '--host <address>',
      'address to listen on; beyond loopback, API tokens are required',
      process.env.STEWARD_HOST ?? '127.0.0.1',
    )
    .option('--port <n>', 'port (default STEWARD_PORT or 8080)', process.env.STEWARD_PORT ?? '8080')
    .option('--config <steward.yaml>', 'apply the models of this file at start')
    .option(
      '--check-interval <duration>',
      'how often the maintenance loop ticks: rollouts, checks on closed windows, due updates',
      '5s',
    )
    .option('--require-auth', 'require API tokens even on loopback')
    .option('--no-worker', 'do not run update jobs in this process (run `steward worker` processes instead)')
    .action(async (flags: ServeFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(`--port must be 0-65535, got ${flags.port}`);
      const interval = parseDuration(flags.checkInterval);
      if (!interval)
        throw new CliError(
          `--check-interval must be a duration such as 30s or 5m, got ${flags.checkInterval}`,
        );
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      const requireAuth = flags.requireAuth === true || !isLoopback(flags.host);
      const { app, context } = await createApp({
        store,
        requireAuth,
        runJobs: flags.worker,
        notifier: { log: (line) => io.stdout.write(`${line}\n`) },
      });
      if (flags.config) await applyConfig(context.catalog, flags.config, io);
      if (requireAuth && (await listTokens(store)).every((t) => t.revokedAt !== null)) {
        io.stderr.write(
          'steward: API tokens are required and none exists: create one with `steward token create --name admin --scopes admin`\n',
        );
      }
      context.loop.start(interval);
      const address = await app.listen({ host: flags.host, port });
      io.stdout.write(
        `steward listening on ${address} (store: ${store.dialect} ${store.location}; auth ${requireAuth ? 'required' : 'off on loopback'})\n`,
      );
      const stop = async () => {
        await app.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
      await new Promise(() => {});
    });
}

export function registerApply(program: Command, io: CliIo): void {
  program
    .command('apply')
    .description('create or update the models of a steward.yaml in the store')
    .argument('<file>', 'steward.yaml with a "models:" list')
    .option('--db <url>', 'SQLite file or postgres:// URL (default STEWARD_DB or ./.steward/steward.db)')
    .action(async (file: string, flags: { db?: string }) => {
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      try {
        await applyConfig(new ModelCatalog(store), file, io);
      } finally {
        await store.close();
      }
    });
}

export function registerWorker(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description("run update jobs from the store's queue (any number of workers on one PostgreSQL)")
    .option('--db <url>', 'SQLite file or postgres:// URL (default STEWARD_DB or ./.steward/steward.db)')
    .option('--poll <duration>', 'how often to look for a job', '2s')
    .action(async (flags: { db?: string; poll: string }) => {
      const poll = parseDuration(flags.poll);
      if (!poll) throw new CliError(`--poll must be a duration such as 2s, got ${flags.poll}`);
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      const catalog = new ModelCatalog(store);
      const artifacts = new ArtifactStore(defaultArtifactDir(store));
      const log = (line: string) => io.stdout.write(`${line}\n`);
      const context = {
        store,
        catalog,
        registry: new Registry(store, artifacts),
        artifacts,
        clock: systemClock,
      };
      const jobs = new JobQueue(store);
      const worker = new UpdateWorker(jobs, context, log);
      // Only runs jobs: the servers' loops judge windows, decide rollouts and queue the updates.
      const loop = new MaintenanceLoop({ context, jobs, decides: false, worker, log });
      loop.start(poll);
      io.stdout.write(
        `steward worker ${worker.id} polling every ${flags.poll} (store: ${store.dialect} ${store.location})\n`,
      );
      const stop = async () => {
        loop.stop();
        await loop.idle();
        await store.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
      await new Promise(() => {});
    });
}
