import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * The fault suite runs short in `npm test`; `npm run faults` (STEWARD_FAULTS=full) runs it at full size, one file at
 * a time, and records its figures in bench/results/faults.json.
 */
export const FULL = process.env.STEWARD_FAULTS === 'full';

const RESULTS = new URL('../../../../bench/results/faults.json', import.meta.url);

/** Adds a figure of the full run to bench/results/faults.json (`npm run faults` starts the file afresh). */
export function record(name: string, value: unknown): void {
  if (!FULL) return;
  const previous = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { results?: object })
    : {};
  const results = { ...previous.results, [name]: value };
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        benchmark: 'faults',
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
        command: 'npm run faults',
        results,
      },
      null,
      2,
    )}\n`,
  );
}
