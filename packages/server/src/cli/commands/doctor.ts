import type { Command } from 'commander';
import { ModelCatalog } from '../../monitor/model-catalog.js';
import { defaultStoreUrl, openStore } from '../../store/open-store.js';
import { checkModelStates, repairModelStates } from '../../store/store-doctor.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

export function registerDoctor(program: Command, io: CliIo): void {
  program
    .command('doctor')
    .description("check a store's window profiles and label states against its raw rows, and repair them")
    .option('--db <url>', 'SQLite file or postgres:// URL (default STEWARD_DB or ./.steward/steward.db)')
    .option('--model <name>', 'only this model')
    .option(
      '--repair',
      'rebuild what differs from the raw rows (stop the servers that write the store first)',
    )
    .action(async (flags: { db?: string; model?: string; repair?: boolean }) => {
      const store = await openStore({ url: flags.db ?? defaultStoreUrl() });
      let broken = 0;
      try {
        const catalog = new ModelCatalog(store);
        const models = flags.model ? [await catalog.get(flags.model)] : await catalog.list();
        if (models[0] === undefined) throw new CliError(`--model: no model "${flags.model}" in the store`);
        for (const model of models) {
          if (!model) continue;
          const check = await checkModelStates(store.db, model.spec);
          const first = check.differences[0];
          io.stdout.write(
            first
              ? `model ${check.model}: ${check.differences.length} of ${check.windows} windows differ from their rows (first: ${new Date(first.window).toISOString()}, ${first.what}: ${first.stored} stored, ${first.recomputed} in the rows)\n`
              : `model ${check.model}: ${check.windows} windows agree with their rows\n`,
          );
          if (check.differences.length === 0) continue;
          if (flags.repair) {
            await repairModelStates(store.db, model.spec, Date.now());
            const again = await checkModelStates(store.db, model.spec);
            io.stdout.write(
              `model ${check.model}: rebuilt; ${again.differences.length} windows differ now\n`,
            );
            broken += again.differences.length;
          } else broken += check.differences.length;
        }
      } finally {
        await store.close();
      }
      if (broken > 0 && !flags.repair)
        throw new CliError(
          'windows differ from their rows — run `steward doctor --repair` with the servers stopped',
          1,
        );
      if (broken > 0) throw new CliError('some windows still differ after the repair', 1);
    });
}
