import type { Kysely, Migration } from 'kysely';

/**
 * A label upsert that replaces a label records, in the same statement, the label and waiting flag it replaced
 * (`previous_label`, `previous_waiting`, returned by the upsert): the window states take out exactly what was
 * counted, even when another transaction replaced the label between a read and the write (two server processes, or
 * two write lanes of one, correcting one label at once).
 */
export function labelPreviousMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('labels').addColumn('previous_label', 'text').execute();
      await db.schema.alterTable('labels').addColumn('previous_waiting', 'integer').execute();
    },
  };
}
