import { type Label, stratifiedKFold, type Trial, tune } from '@steward/core';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { cvAccuracy, type LearnerName, TUNABLE_CLASSIFIERS, tuningSpace } from '../../tune/cv-objective.js';
import { TrialWorkers } from '../../tune/worker-pool.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { readCsvColumns, toLabels, toNumbers } from '../csv-columns.js';

interface TuneFlags {
  file: string;
  label: string;
  learner: LearnerName;
  budget: string;
  algorithm: 'tpe' | 'random' | 'grid';
  folds: string;
  seed: string;
  parallelism: string;
  json?: boolean;
}

export function registerTune(program: Command, io: CliIo): void {
  program
    .command('tune')
    .description('search hyperparameters of a classifier on a CSV by cross-validated accuracy')
    .requiredOption('--file <path>', 'CSV with a header row: numeric feature columns and a label column')
    .requiredOption('--label <column>', 'the column to predict')
    .addOption(
      new Option('--learner <name>', 'learner to tune').choices(TUNABLE_CLASSIFIERS).makeOptionMandatory(),
    )
    .option('--budget <trials>', 'trials to run', '50')
    .addOption(
      new Option('--algorithm <name>', 'search algorithm').choices(['tpe', 'random', 'grid']).default('tpe'),
    )
    .option('--folds <k>', 'stratified cross-validation folds', '3')
    .option('--seed <n>', 'seed of the search and of the learners', '0')
    .option('--parallelism <n>', 'trials at a time, each on its own worker thread', '1')
    .option('--json', 'print every trial as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  steward tune --file data/elec2.csv --label class --learner GradientBoostingClassifier --budget 50',
    )
    .action(async (flags: TuneFlags) => {
      const budget = positiveInteger('--budget', flags.budget);
      const folds = positiveInteger('--folds', flags.folds);
      const seed = positiveInteger('--seed', flags.seed, 0);
      const parallelism = positiveInteger('--parallelism', flags.parallelism);
      const columns = await readCsvColumns(flags.file, undefined, { progress: io.progress });
      if (!(flags.label in columns)) {
        throw new CliError(
          `column '${flags.label}' not found in ${flags.file}; its columns are: ${Object.keys(columns).join(', ')}`,
        );
      }
      const featureNames = Object.keys(columns).filter((c) => c !== flags.label);
      if (featureNames.length === 0)
        throw new CliError(`${flags.file} has no feature columns besides '${flags.label}'`);
      const features = featureNames.map((c) => toNumbers(columns[c] as string[], c, flags.file));
      const rows = Array.from({ length: features[0]?.length ?? 0 }, (_, i) =>
        features.map((f) => f[i] as number),
      );
      const labels = toLabels(columns[flags.label] as string[]) as Label[];
      // Both learners here are classifiers: a quantity as the label would make every value its own class.
      const classes = new Set(labels);
      const fractional = (columns[flags.label] as string[]).some((v) => {
        const x = Number(v);
        return v !== '' && Number.isFinite(x) && !Number.isInteger(x);
      });
      if (fractional || classes.size > MAX_CLASSES)
        throw new CliError(
          `--label ${flags.label}: ${classes.size} distinct values${fractional ? ', not whole numbers' : ''} — tune tunes classifiers; give a column of classes`,
        );
      if (classes.size < 2)
        throw new CliError(
          `--label ${flags.label}: every row has the same class — there is nothing to learn`,
        );
      const splits = stratifiedKFold(labels, folds, { shuffle: true, seed });
      const bar =
        io.progress?.isTTY === true
          ? new SingleBar({
              format: 'tuning [{bar}] {value}/{total} trials | best accuracy {best}',
              stream: io.progress,
            })
          : undefined;
      bar?.start(budget, 0, { best: '–' });
      let done = 0;
      const data = { rows, labels, splits };
      const workers = parallelism > 1 ? new TrialWorkers(parallelism, data, flags.learner, seed) : undefined;
      let result: Awaited<ReturnType<typeof tune>>;
      try {
        result = await tune({
          space: tuningSpace(flags.learner),
          algorithm: flags.algorithm,
          budget,
          seed,
          parallelism,
          direction: 'maximize',
          objective: (params) =>
            workers ? workers.score(params) : cvAccuracy(data, flags.learner, params, seed),
          onTrial: (_trial: Trial, best: Trial | undefined) => {
            done++;
            bar?.update(done, { best: best?.score?.toFixed(4) ?? '–' });
          },
        });
      } finally {
        await workers?.close();
      }
      bar?.stop();
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['parameter', 'best value'], style: { head: [], border: [] } });
      for (const [name, value] of Object.entries(result.best?.params ?? {})) {
        table.push([name, typeof value === 'number' ? Number(value.toPrecision(4)) : String(value)]);
      }
      const failed = result.trials.filter((t) => t.state === 'failed').length;
      io.stdout.write(
        [
          `tuned ${flags.learner} on ${flags.file} (${rows.length} rows, ${featureNames.length} features) with ${flags.algorithm}: ${result.trials.length} trials${failed ? `, ${failed} failed` : ''}`,
          table.toString(),
          `best ${folds}-fold accuracy ${result.best?.score?.toFixed(4) ?? 'n/a'} (trial ${result.best?.id ?? '–'})`,
          '',
        ].join('\n'),
      );
    });
}

/** More distinct labels than this is a quantity, not classes. */
const MAX_CLASSES = 100;

function positiveInteger(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}
