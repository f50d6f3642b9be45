import { readFileSync } from 'node:fs';
import { type Alias, StewardApiError, StewardClient } from '@steward/client';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { moreLine, type PageFlags, readPages, withPaging } from '../paged-list.js';

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

  withServer(
    withPaging(
      program.command('versions').description("a model's versions, newest first").argument('<model>'),
      100,
    ),
  ).action(async (model: string, flags: ServerFlags & PageFlags) => {
    const client = clientOf(flags);
    const { items: versions, next } = await call(() =>
      readPages(flags, (page) => client.versionsPage(model, page)),
    );
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
    io.stdout.write(`${table.toString()}\n${moreLine(`steward versions ${model}`, next)}`);
  });

  withServer(
    withPaging(
      program
        .command('aliases')
        .description("where a model's aliases point, and their changes, newest first")
        .argument('<model>'),
      20,
    ),
  ).action(async (model: string, flags: ServerFlags & PageFlags) => {
    const client = clientOf(flags);
    const [{ current }, { items: changes, next }] = await call(() =>
      Promise.all([client.aliases(model), readPages(flags, (page) => client.aliasHistoryPage(model, page))]),
    );
    if (flags.json)
      return void io.stdout.write(`${JSON.stringify({ current, history: changes }, null, 2)}\n`);
    const now = ALIASES.map((alias) => `${alias} ${current[alias as Alias] ?? '-'}`).join(', ');
    const table = new Table({
      head: ['at', 'alias', 'action', 'from', 'to', 'by', 'reason'],
      style: { head: [], border: [] },
      colWidths: [22, 12, 10, 6, 6, 16, 50],
      wordWrap: true,
    });
    for (const c of changes)
      table.push([
        when(c.at),
        c.alias,
        c.action,
        c.fromVersion ?? '-',
        c.toVersion ?? '-',
        c.actor,
        c.reason ?? '',
      ]);
    io.stdout.write(`now: ${now}\n${table.toString()}\n${moreLine(`steward aliases ${model}`, next)}`);
  });

  withServer(
    withPaging(
      program
        .command('alerts')
        .description('alerts, most recently fired first')
        .option('--model <name>', 'one model’s')
        .addOption(new Option('--status <status>', 'open or resolved').choices(['open', 'resolved'])),
      50,
    ),
  ).action(async (flags: ServerFlags & PageFlags & { model?: string; status?: 'open' | 'resolved' }) => {
    const client = clientOf(flags);
    const filter = {
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.status ? { status: flags.status } : {}),
    };
    const { items: alerts, next } = await call(() =>
      readPages(flags, (page) => client.alertsPage({ ...filter, ...page })),
    );
    if (flags.json) return void io.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
    const table = new Table({
      head: ['last fired', 'model', 'check', 'severity', 'status', 'times', 'message'],
      style: { head: [], border: [] },
      colWidths: [22, 14, 18, 10, 10, 7, 60],
      wordWrap: true,
    });
    for (const a of alerts)
      table.push([when(a.lastAt), a.model, a.check, a.severity, a.status, a.occurrences, a.message]);
    const filters = [
      flags.model ? ` --model ${flags.model}` : '',
      flags.status ? ` --status ${flags.status}` : '',
    ].join('');
    io.stdout.write(`${table.toString()}\n${moreLine(`steward alerts${filters}`, next)}`);
  });

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
      )
      .option(
        '--vocabulary <column=file>',
        "a text column's training texts (or words), one per line: windows then count the words this version never learnt (repeat for more columns)",
        (value: string, previous: string[] = []) => [...previous, value],
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
        vocabulary?: string[];
      },
    ) => {
      const vocabulary = vocabularyFiles(flags.vocabulary ?? []);
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
      const registered = vocabulary
        ? await call(() => clientOf(flags).putVocabulary(model, version.version, vocabulary))
        : version;
      io.stdout.write(
        flags.json
          ? `${JSON.stringify(registered, null, 2)}\n`
          : `registered ${model} version ${version.version} (${version.format}, sha256 ${version.sha256})${
              vocabulary ? `, with the words of ${Object.keys(vocabulary).join(', ')}` : ''
            }\n`,
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
    withPaging(
      program.command('runs').description("a model's update runs, newest first").argument('<model>'),
      50,
    ),
  ).action(async (model: string, flags: ServerFlags & PageFlags) => {
    const client = clientOf(flags);
    const { items: runs, next } = await call(() =>
      readPages(flags, async (page) => {
        const { runs, next } = await client.updatesPage(model, page);
        return { items: runs, next };
      }),
    );
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
    io.stdout.write(`${table.toString()}\n${moreLine(`steward runs ${model}`, next)}`);
  });
}

/** `--vocabulary column=file` flags read: each file's non-empty lines, by column (undefined when none is given). */
function vocabularyFiles(flags: readonly string[]): Record<string, string[]> | undefined {
  if (flags.length === 0) return undefined;
  const columns: Record<string, string[]> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0 || eq === flag.length - 1)
      throw new CliError(
        `--vocabulary takes column=file (a text column and its training texts), got "${flag}"`,
      );
    const file = flag.slice(eq + 1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
    if (lines.length === 0) throw new CliError(`--vocabulary: ${file} has no text`);
    columns[flag.slice(0, eq)] = [...(columns[flag.slice(0, eq)] ?? []), ...lines];
  }
  return columns;
}
