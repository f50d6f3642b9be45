import { readFileSync } from 'node:fs';
import { type Alias, StewardApiError, StewardClient } from '@steward/client';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

interface ServerFlags {
  url: string;
  token?: string;
  json?: boolean;
}

const ALIASES = ['production', 'candidate', 'shadow'];

function withServer(command: Command): Command {
  return command
    .option('--url <url>', 'the server', process.env.STEWARD_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'API token (default STEWARD_TOKEN)', process.env.STEWARD_TOKEN)
    .option('--json', 'print JSON');
}

function clientOf(flags: ServerFlags): StewardClient {
  return new StewardClient({ url: flags.url, ...(flags.token ? { token: flags.token } : {}) });
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StewardApiError) throw new CliError(error.message);
    throw error;
  }
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(`${name} must be a positive integer, got "${text}"`);
  return n;
}

const when = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function registerRegistry(program: Command, io: CliIo): void {
  withServer(
    program.command('models').description('list models with their health and production version'),
  ).action(async (flags: ServerFlags) => {
    const client = clientOf(flags);
    const models = await call(() => client.listModels());
    const rows = await Promise.all(
      models.map(async (m) => ({ ...m, aliases: (await call(() => client.aliases(m.name))).current })),
    );
    if (flags.json) return void io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    const table = new Table({
      head: ['model', 'task', 'health', 'production', 'candidate', 'shadow'],
      style: { head: [], border: [] },
    });
    for (const r of rows)
      table.push([
        r.name,
        r.task,
        r.health,
        r.aliases.production ?? '-',
        r.aliases.candidate ?? '-',
        r.aliases.shadow ?? '-',
      ]);
    io.stdout.write(`${table.toString()}\n`);
  });

  withServer(program.command('versions').description("list a model's versions").argument('<model>')).action(
    async (model: string, flags: ServerFlags) => {
      const versions = await call(() => clientOf(flags).listVersions(model));
      if (flags.json) return void io.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
      const table = new Table({
        head: ['version', 'format', 'aliases', 'parent', 'strategy', 'created', 'by', 'sha256'],
        style: { head: [], border: [] },
      });
      for (const v of versions) {
        table.push([
          v.version,
          v.format,
          v.aliases.join(',') || '-',
          v.parent ?? '-',
          String(v.lineage.strategy ?? '-'),
          when(v.createdAt),
          v.createdBy,
          v.sha256.slice(0, 12),
        ]);
      }
      io.stdout.write(`${table.toString()}\n`);
    },
  );

  withServer(
    program
      .command('register')
      .description('upload a model file (Steward JSON or ONNX) as the next version')
      .argument('<model>')
      .argument('<file>')
      .addOption(
        new Option('--format <format>', 'artifact format (detected when absent)').choices([
          'steward',
          'onnx',
        ]),
      )
      .option('--parent <version>', 'the version this one was derived from')
      .option('--description <text>', 'a note kept with the version')
      .option(
        '--lineage <json>',
        'lineage as a JSON object (strategy, parameters, trainingWindow, evaluation, …)',
      ),
  ).action(
    async (
      model: string,
      file: string,
      flags: ServerFlags & {
        format?: 'steward' | 'onnx';
        parent?: string;
        description?: string;
        lineage?: string;
      },
    ) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      }
      let lineage: Record<string, unknown> | undefined;
      if (flags.lineage) {
        try {
          lineage = JSON.parse(flags.lineage) as Record<string, unknown>;
        } catch {
          throw new CliError('--lineage must be a JSON object');
        }
      }
      const version = await call(() =>
        clientOf(flags).uploadVersion(model, bytes, {
          ...(flags.format ? { format: flags.format } : {}),
          ...(flags.parent ? { parent: positiveInt('--parent', flags.parent) } : {}),
          ...(flags.description ? { description: flags.description } : {}),
          ...(lineage ? { lineage } : {}),
        }),
      );
      io.stdout.write(
        flags.json
          ? `${JSON.stringify(version, null, 2)}\n`
          : `registered ${model} version ${version.version} (${version.format}, sha256 ${version.sha256})\n`,
      );
    },
  );

  withServer(
    program
      .command('promote')
      .description('point an alias (default production) at a version')
      .argument('<model>')
      .argument('<version>')
      .addOption(new Option('--alias <alias>', 'the alias to move').choices(ALIASES).default('production'))
      .option('--reason <text>', 'kept in the alias history and the audit trail'),
  ).action(async (model: string, version: string, flags: ServerFlags & { alias: Alias; reason?: string }) => {
    const change = await call(() =>
      clientOf(flags).promote(model, positiveInt('version', version), flags.alias, flags.reason),
    );
    io.stdout.write(
      flags.json
        ? `${JSON.stringify(change, null, 2)}\n`
        : `${model} ${change.alias}: ${change.fromVersion ?? 'none'} → ${change.toVersion}\n`,
    );
  });

  withServer(
    program
      .command('rollback')
      .description(
        'move an alias (default production) back to the version it had before its latest promotion',
      )
      .argument('<model>')
      .addOption(new Option('--alias <alias>', 'the alias to move').choices(ALIASES).default('production'))
      .option('--reason <text>', 'kept in the alias history and the audit trail'),
  ).action(async (model: string, flags: ServerFlags & { alias: Alias; reason?: string }) => {
    const change = await call(() => clientOf(flags).rollback(model, flags.alias, flags.reason));
    io.stdout.write(
      flags.json
        ? `${JSON.stringify(change, null, 2)}\n`
        : `${model} ${change.alias}: rolled back ${change.fromVersion} → ${change.toVersion}\n`,
    );
  });
}

export function registerUpdates(program: Command, io: CliIo): void {
  withServer(
    program
      .command('update')
      .description('queue an update run for a model now (its update policy decides how)')
      .argument('<model>'),
  ).action(async (model: string, flags: ServerFlags) => {
    const { job, created } = await call(() => clientOf(flags).startUpdate(model));
    io.stdout.write(
      flags.json
        ? `${JSON.stringify({ job, created })}\n`
        : `${created ? 'queued' : 'already queued'}: job ${job} (follow it with \`steward runs ${model}\`)\n`,
    );
  });

  withServer(
    program
      .command('runs')
      .description("a model's update runs, newest first")
      .argument('<model>')
      .option('--limit <n>', 'how many (default 50; --all for every one)', '50')
      .option('--all', 'every run, page by page'),
  ).action(async (model: string, flags: ServerFlags & { limit: string; all?: boolean }) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new CliError(`--limit must be a positive integer, got ${flags.limit}`);
    const client = clientOf(flags);
    const runs: Awaited<ReturnType<typeof client.listUpdates>> = [];
    let cursor: string | undefined;
    do {
      const page = await call(() =>
        client.updatesPage(model, {
          limit: flags.all ? 1000 : Math.min(limit - runs.length, 1000),
          ...(cursor ? { cursor } : {}),
        }),
      );
      runs.push(...page.runs);
      cursor = page.next;
    } while (cursor && (flags.all || runs.length < limit));
    if (flags.json) return void io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    const table = new Table({
      head: ['started', 'trigger', 'status', 'steps', 'version', 'outcome'],
      style: { head: [], border: [] },
      colWidths: [22, 16, 12, 40, 9, 60],
      wordWrap: true,
    });
    for (const r of runs) {
      table.push([
        when(r.startedAt),
        r.trigger.check ? `check ${r.trigger.check}` : r.trigger.kind,
        r.status,
        r.steps.map((s) => `${s.name}${s.status === 'done' ? '' : ` (${s.status})`}`).join(' → '),
        r.candidateVersion ?? '-',
        r.outcome ?? '',
      ]);
    }
    io.stdout.write(`${table.toString()}\n`);
  });
}
