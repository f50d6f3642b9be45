import type { Command } from 'commander';
import { defaultStoreUrl, openStore } from '../../store/open-store.js';
import { createToken, listTokens, parseScopes, revokeToken } from '../../store/tokens.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

export function registerToken(program: Command, io: CliIo): void {
  const token = program
    .command('token')
    .description('manage API tokens (stored hashed; the secret is printed once)');
  token
    .command('create')
    .requiredOption('--name <name>', 'who or what uses the token')
    .requiredOption('--scopes <list>', 'comma-separated: read, ingest, admin')
    .option('--db <url>', 'SQLite file or postgres:// URL (default STEWARD_DB or ./.steward/steward.db)')
    .action(async (flags: { name: string; scopes: string; db?: string }) => {
      let scopes: ReturnType<typeof parseScopes>;
      try {
        scopes = parseScopes(flags.scopes);
      } catch (error) {
        throw new CliError(`--scopes: ${(error as Error).message}`);
      }
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      try {
        const created = await createToken(store, flags.name, scopes);
        io.stdout.write(`${created.token}\n`);
        io.stderr.write(
          `token ${created.info.id} "${flags.name}" (${scopes.join(', ')}): store it now, it is not shown again\n`,
        );
      } finally {
        await store.close();
      }
    });
  token
    .command('list')
    .option('--db <url>', 'SQLite file or postgres:// URL')
    .action(async (flags: { db?: string }) => {
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      try {
        for (const t of await listTokens(store)) {
          io.stdout.write(
            `${t.id}  ${t.name}  ${t.scopes.join(',')}  ${t.revokedAt ? 'revoked' : 'active'}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
  token
    .command('revoke')
    .argument('<id>')
    .option('--db <url>', 'SQLite file or postgres:// URL')
    .action(async (id: string, flags: { db?: string }) => {
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      try {
        if (!(await revokeToken(store, id))) throw new CliError(`no active token ${id}`);
        io.stdout.write(`revoked ${id}\n`);
      } finally {
        await store.close();
      }
    });
}
