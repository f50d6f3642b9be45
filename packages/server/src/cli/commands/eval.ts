import type { Label } from '@steward/core';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { type EvalReport, evaluate, TASKS, type Task } from '../../eval/evaluate.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { readCsvColumns, toLabels, toNumbers } from '../csv-columns.js';

interface EvalFlags {
  task: Task;
  file: string;
  label: string;
  pred: string;
  score?: string;
  posLabel?: string;
  json?: boolean;
}

export function registerEval(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description('compute evaluation metrics (scikit-learn semantics) from a CSV of labels and predictions')
    .addOption(new Option('--task <task>', 'kind of model').choices(TASKS).makeOptionMandatory())
    .requiredOption('--file <path>', 'CSV file with a header row')
    .requiredOption('--label <column>', 'column of true labels (or true values for regression)')
    .requiredOption('--pred <column>', 'column of predicted labels (or values)')
    .option(
      '--score <columns>',
      'binary: column of the positive class score; multiclass: comma-separated score columns, one per class in sorted class order',
    )
    .option('--pos-label <label>', 'binary: the positive class (default 1)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  steward eval --task binary --file data/examples/elec2-predictions.csv --label class --pred pred --score score',
    )
    .action(async (flags: EvalFlags) => {
      const report = await runEval(flags, io);
      io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, flags.file));
    });
}

async function runEval(flags: EvalFlags, io: CliIo): Promise<EvalReport> {
  const scoreColumns = flags.score
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = [...new Set([flags.label, flags.pred, ...(scoreColumns ?? [])])];
  const columns = await readCsvColumns(flags.file, names, { progress: io.progress });
  const regression = flags.task === 'regression';
  const scores = scoreColumns?.map((c) => toNumbers(columns[c], c, flags.file));
  if (flags.task === 'binary' && scores && scores.length !== 1) {
    throw new CliError(`--score takes one column for a binary task, got ${scores.length}`);
  }
  const yTrue = regression
    ? toNumbers(columns[flags.label], flags.label, flags.file)
    : toLabels(columns[flags.label]);
  const yPred = regression
    ? toNumbers(columns[flags.pred], flags.pred, flags.file)
    : toLabels(columns[flags.pred]);
  let posLabel: Label | undefined;
  if (flags.posLabel !== undefined) {
    posLabel = typeof (yTrue as Label[])[0] === 'number' ? Number(flags.posLabel) : flags.posLabel;
  }
  return evaluate({
    task: flags.task,
    yTrue,
    yPred,
    ...(scores ? { scores } : {}),
    ...(posLabel !== undefined ? { posLabel } : {}),
  });
}

function formatReport(report: EvalReport, file: string): string {
  const out: string[] = [`${report.task} evaluation of ${file}: ${report.rows} rows`];
  const metrics = new Table({ head: ['metric', 'value'], style: { head: [], border: [] } });
  for (const [name, value] of Object.entries(report.metrics)) metrics.push([name, value.toFixed(6)]);
  for (const [name, reason] of Object.entries(report.skipped)) metrics.push([name, `n/a: ${reason}`]);
  out.push(metrics.toString());
  if (report.perClass) {
    const pc = report.perClass;
    const table = new Table({
      head: ['class', 'precision', 'recall', 'f1', 'support'],
      style: { head: [], border: [] },
    });
    pc.labels.forEach((label, i) => {
      table.push([
        String(label),
        pc.precision[i].toFixed(4),
        pc.recall[i].toFixed(4),
        pc.fScore[i].toFixed(4),
        String(pc.support[i]),
      ]);
    });
    out.push(table.toString());
  }
  if (report.confusionMatrix) {
    const { labels, matrix } = report.confusionMatrix;
    const table = new Table({
      head: ['true \\ predicted', ...labels.map(String)],
      style: { head: [], border: [] },
    });
    matrix.forEach((row, i) => {
      table.push([String(labels[i]), ...row.map(String)]);
    });
    out.push('confusion matrix', table.toString());
  }
  return `${out.join('\n')}\n`;
}
