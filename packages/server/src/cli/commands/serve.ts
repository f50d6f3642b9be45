import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createApp } from '../../http/app.js';
import { isLoopback } from '../../http/auth.js';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { defaultArtifactDir } from '../../registry/artifact-store.js';
import { parseDuration } from '../../spec/duration.js';
import type { ModelSpec } from '../../spec/model-spec.js';
import { parseModelSpec } from '../../spec/model-spec.js';
import { defaultStoreUrl, openStore } from '../../store/open-store.js';
import { listTokens } from '../../store/tokens.js';
import { startJobRunner } from '../../update/job-runner.js';
import { JobThread } from '../../update/job-thread.js';
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

/**
 * Reads steward.yaml and validates every model in it (`models:` a list of model specs). Nothing is opened or written
 * before the whole file is valid.
 */
export function readConfig(path: string): { models: ModelSpec[] } {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message} — \`steward init\` writes a starter file`,
    );
  }
  const models = (doc as { models?: unknown } | null)?.models;
  if (!Array.isArray(models))
    throw new CliError(
      `${path}: expected a top-level "models:" list of model specs — \`steward init\` writes one`,
    );
  const names = new Set<string>();
  return {
    models: models.map((spec, i) => {
      try {
        const parsed = parseModelSpec(spec);
        if (names.has(parsed.name)) throw new Error(`model "${parsed.name}" appears twice`);
        names.add(parsed.name);
        return parsed;
      } catch (error) {
        throw new CliError(`${path}: models[${i}]: ${(error as Error).message}`);
      }
    }),
  };
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

/** What applying `models` would do to the stored ones: one line a model, the fields that would change. */
export function describeChanges(
  models: readonly ModelSpec[],
  stored: ReadonlyMap<string, ModelSpec>,
): string[] {
  return models.map((spec) => {
    const before = stored.get(spec.name);
    if (!before) return `would create model ${spec.name} (${spec.task}, ${spec.features.length} features)`;
    for (const field of ['task', 'window'] as const)
      if (before[field] !== spec[field])
        return `would refuse model ${spec.name}: its ${field} cannot change once data is recorded (create a new model)`;
    const fields = [...new Set([...Object.keys(before), ...Object.keys(spec)])].filter(
      (k) =>
        JSON.stringify((before as Record<string, unknown>)[k]) !==
        JSON.stringify((spec as Record<string, unknown>)[k]),
    );
    return fields.length === 0
      ? `model ${spec.name} is unchanged`
      : `would update model ${spec.name}: ${fields.join(', ')}`;
  });
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
      // The whole file is checked before the store is opened.
      if (flags.config) readConfig(flags.config);
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      const requireAuth = flags.requireAuth === true || !isLoopback(flags.host);
      const log = (line: string) => io.stdout.write(`${line}\n`);
      // Update runs train on a thread of their own (its own store connection), never on the requests' event loop;
      // an in-memory store has no second connection, so there they run in the loop.
      const threaded = flags.worker && store.location !== ':memory:';
      const { app, context } = await createApp({
        store,
        requireAuth,
        runJobs: flags.worker && !threaded,
        notifier: { log },
      });
      if (flags.config) await applyConfig(context.catalog, flags.config, io);
      if (requireAuth && (await listTokens(store)).every((t) => t.revokedAt !== null)) {
        io.stderr.write(
          'steward: API tokens are required and none exists: create one with `steward token create --name admin --scopes admin`\n',
        );
      }
      try {
        await app.listen({ host: flags.host, port });
      } catch (error) {
        await app.close();
        await store.close();
        throw error;
      }
      context.loop.start(interval);
      const jobs = threaded
        ? await JobThread.start({
            url: flags.db ?? defaultStoreUrl(),
            artifactDir: defaultArtifactDir(store),
            pollMs: 1000,
            log,
          })
        : undefined;
      const bound = app.server.address();
      const host = typeof bound === 'object' && bound ? bound.address : flags.host;
      const shown = host.includes(':') ? `[${host}]` : host;
      io.stdout.write(
        `steward listening on http://${shown}:${typeof bound === 'object' && bound ? bound.port : port}${host === '0.0.0.0' || host === '::' ? ' (every interface)' : ''} (store: ${store.dialect} ${store.location}; auth ${requireAuth ? 'required' : 'off on loopback'})\n`,
      );
      const stop = async () => {
        await jobs?.stop();
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
    .option('--dry-run', 'say what would change, write nothing')
    .action(async (file: string, flags: { db?: string; dryRun?: boolean }) => {
      const { models } = readConfig(file);
      const url = flags.db ?? defaultStoreUrl();
      if (flags.dryRun) {
        const stored = new Map<string, ModelSpec>();
        // A SQLite file that does not exist yet holds nothing: do not create it to find out.
        if (/^postgres(ql)?:\/\//.test(url) || existsSync(url)) {
          const store = await openStore({ url });
          try {
            const catalog = new ModelCatalog(store);
            for (const model of await catalog.list()) stored.set(model.spec.name, model.spec);
          } finally {
            await store.close();
          }
        }
        for (const line of describeChanges(models, stored)) io.stdout.write(`${line}\n`);
        return;
      }
      const store = await openStore({ url });
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
    .option(
      '--lease <duration>',
      'a job whose worker stops renewing it for this long goes to another worker',
      '1m',
    )
    .action(async (flags: { db?: string; poll: string; lease: string }) => {
      const poll = parseDuration(flags.poll);
      if (!poll) throw new CliError(`--poll must be a duration such as 2s, got ${flags.poll}`);
      const lease = parseDuration(flags.lease);
      if (!lease || lease < 1000)
        throw new CliError(`--lease must be a duration of 1s or more, got ${flags.lease}`);
      const url = flags.db ?? defaultStoreUrl();
      const log = (line: string) => io.stdout.write(`${line}\n`);
      const probe = await openStore({ url });
      const artifactDir = defaultArtifactDir(probe);
      const location = `${probe.dialect} ${probe.location}`;
      await probe.close();
      const runner = await startJobRunner({ url, artifactDir, pollMs: poll, leaseMs: lease, log });
      io.stdout.write(`steward worker ${runner.id} polling every ${flags.poll} (store: ${location})\n`);
      const stop = async () => {
        await runner.stop();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
      await new Promise(() => {});
    });
}
