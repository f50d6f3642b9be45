import { readFileSync } from 'node:fs';
import { type LabelInput, type PredictionInput, StewardApiError, StewardClient } from '@steward/client';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

interface IngestFlags {
  model: string;
  url: string;
  token?: string;
  batch: string;
  id?: string;
  time?: string;
  output: string;
  score?: string;
  label?: string;
}

interface Rows {
  predictions: PredictionInput[];
  labels: LabelInput[];
}

type FeatureTypes = Array<{ name: string; type: string }>;

function fromCsv(text: string, flags: IngestFlags, features: FeatureTypes): Rows {
  const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Array<
    Record<string, string>
  >;
  const header = new Set(Object.keys(records[0] ?? {}));
  for (const column of [
    flags.output,
    flags.id,
    flags.time,
    flags.score,
    flags.label,
    ...features.map((f) => f.name),
  ]) {
    if (column !== undefined && !header.has(column))
      throw new CliError(`the CSV has no column "${column}" (columns: ${[...header].join(', ')})`);
  }
  if (flags.label && !flags.id) throw new CliError('--label needs --id: labels join their predictions by id');
  const value = (type: string, text: string | undefined, column: string, line: number) => {
    if (text === undefined || text === '') return null;
    if (type === 'numeric') {
      const x = Number(text);
      if (!Number.isFinite(x))
        throw new CliError(
          `line ${line}, column "${column}": "${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a finite number — fix it, or leave the cell empty for a missing value`,
        );
      return x;
    }
    if (type === 'embedding') {
      try {
        return JSON.parse(text) as number[];
      } catch {
        throw new CliError(
          `line ${line}, column "${column}": expected a JSON array of numbers, got "${text.slice(0, 40)}"`,
        );
      }
    }
    return text;
  };
  const classValue = (text: string) => (text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  const rows: Rows = { predictions: [], labels: [] };
  for (const [i, r] of records.entries()) {
    const prediction: PredictionInput = {
      features: Object.fromEntries(features.map((f) => [f.name, value(f.type, r[f.name], f.name, i + 2)])),
      output: classValue(r[flags.output] as string),
    };
    if (flags.id) prediction.id = r[flags.id] as string;
    if (flags.time)
      prediction.time = /^\d+$/.test(r[flags.time] as string)
        ? Number(r[flags.time])
        : (r[flags.time] as string);
    if (flags.score && r[flags.score] !== '')
      prediction.score = value('numeric', r[flags.score], flags.score, i + 2) as number;
    rows.predictions.push(prediction);
    if (flags.label && r[flags.label] !== '') {
      rows.labels.push({
        predictionId: prediction.id as string,
        label: classValue(r[flags.label] as string),
        ...(prediction.time !== undefined ? { time: prediction.time } : {}),
      });
    }
  }
  return rows;
}

function fromNdjson(text: string): Rows {
  const rows: Rows = { predictions: [], labels: [] };
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: PredictionInput & { label?: string | number };
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new CliError(`line ${i + 1} is not valid JSON: ${(error as Error).message}`);
    }
    const { label, ...prediction } = row;
    rows.predictions.push(prediction);
    if (label !== undefined && label !== null) {
      if (prediction.id === undefined)
        throw new CliError(`line ${i + 1} has a label but no id to join it by`);
      rows.labels.push({
        predictionId: prediction.id,
        label,
        ...(prediction.time !== undefined ? { time: prediction.time } : {}),
      });
    }
  });
  return rows;
}

async function withRetry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof StewardApiError) || !error.retryable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

export function registerIngest(program: Command, io: CliIo): void {
  program
    .command('ingest')
    .description('send a CSV or NDJSON file of predictions (and labels) to a Steward server')
    .argument(
      '<file>',
      'CSV with a header (features by name) or NDJSON of prediction objects (an optional "label" key)',
    )
    .requiredOption('--model <name>', 'the model the predictions belong to')
    .option('--url <url>', 'the server', process.env.STEWARD_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'API token (default STEWARD_TOKEN)', process.env.STEWARD_TOKEN)
    .option('--batch <rows>', 'rows per request', '1000')
    .option('--id <column>', 'CSV: the prediction id column')
    .option('--time <column>', 'CSV: the time column (ISO 8601 or epoch ms)')
    .option('--output <column>', 'CSV: the prediction column', 'output')
    .option('--score <column>', 'CSV: the positive-class probability column (binary)')
    .option('--label <column>', 'CSV: the ground-truth column, sent as labels')
    .action(async (file: string, flags: IngestFlags) => {
      const batch = Number(flags.batch);
      if (!Number.isInteger(batch) || batch < 1)
        throw new CliError(`--batch must be a positive integer, got ${flags.batch}`);
      const client = new StewardClient({ url: flags.url, ...(flags.token ? { token: flags.token } : {}) });
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      }
      let rows: Rows;
      if (/\.(nd)?jsonl?$|\.ndjson$/.test(file)) rows = fromNdjson(text);
      else {
        const model = await client.getModel(flags.model).catch((error: Error) => {
          throw new CliError(error.message);
        });
        rows = fromCsv(text, flags, model.spec.features);
      }
      const total = rows.predictions.length + rows.labels.length;
      const bar = io.progress
        ? new SingleBar({
            format: 'ingest [{bar}] {value}/{total} rows | {eta_formatted} left',
            stream: io.progress,
          })
        : undefined;
      bar?.start(total, 0);
      let inserted = 0;
      let duplicates = 0;
      let matched = 0;
      const send = async <T>(list: T[], kind: string, call: (chunk: T[]) => Promise<void>) => {
        for (let start = 0; start < list.length; start += batch) {
          const chunk = list.slice(start, start + batch);
          try {
            await withRetry(() => call(chunk));
          } catch (error) {
            bar?.stop();
            if (error instanceof StewardApiError && error.details.length > 0) {
              const first = error.details[0];
              const row = first?.row !== undefined && first.row >= 0 ? start + first.row : undefined;
              throw new CliError(
                `${kind} rows ${start}-${start + chunk.length - 1} refused (${error.message}); first problem: ${row !== undefined ? `row ${row} ` : ''}${first?.field}: ${first?.message}. Earlier batches were stored.`,
              );
            }
            throw new CliError(
              `${kind} rows ${start}-${start + chunk.length - 1}: ${(error as Error).message}. Earlier batches were stored.`,
            );
          }
          bar?.increment(chunk.length);
        }
      };
      await send(rows.predictions, 'prediction', async (chunk) => {
        const r = await client.logPredictions(flags.model, chunk);
        inserted += r.inserted;
        duplicates += r.duplicates;
      });
      await send(rows.labels, 'label', async (chunk) => {
        const r = await client.logLabels(flags.model, chunk);
        matched += r.matched;
      });
      bar?.stop();
      io.stdout.write(
        `${inserted} predictions stored (${duplicates} already there), ${rows.labels.length} labels (${matched} joined)\n`,
      );
    });
}
