import { existsSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  DEFAULT_DETECTOR,
  DEFAULT_LEARNER,
  DEFAULT_LEARNER_PARAMS,
  DEFAULT_TEXT_LEARNER,
  DEFAULT_TEXT_LEARNER_PARAMS,
} from '@steward/core';
import { type Command, Option } from 'commander';
import { BacktestInputError } from '../../backtest/backtest-error.js';
import { type History, readFeature, toHistory } from '../../backtest/history.js';
import { readTable } from '../../backtest/readers/read-table.js';
import { parseModelSpec } from '../../spec/model-spec.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';

interface InitFlags {
  from?: string;
  label?: string;
  time?: string;
  name?: string;
  task?: 'binary' | 'multiclass' | 'regression';
  out: string;
  force?: boolean;
}

const yamlValue = (v: unknown) =>
  typeof v === 'string' && /^[A-Za-z_][\w.-]*$/.test(v) ? v : JSON.stringify(v);

/** The update policy's learner: shallow gradient boosting, or over text features the text learner in a pipeline. */
function learnerLine(model: { task: string; features: ReadonlyArray<{ type: string }> }): string {
  const params = (p: Readonly<Record<string, unknown>>) =>
    Object.entries(p)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  if (model.task !== 'regression' && model.features.some((f) => f.type === 'text'))
    return `learner: { kind: ${DEFAULT_TEXT_LEARNER}, params: { ${params(DEFAULT_TEXT_LEARNER_PARAMS)} }, pipeline: { text: {} } }   # hashed words (docs/text.md)`;
  return `learner: { kind: ${DEFAULT_LEARNER[model.task === 'regression' ? 'regression' : 'classification']}, params: { ${params(DEFAULT_LEARNER_PARAMS)} } }   # shallow trees: windows are small`;
}

/** A commented steward.yaml for one model: its schema read from a data file when there is one, a default policy. */
export function starterConfig(model: {
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  features: Array<{ name: string; type: string }>;
  classes?: ReadonlyArray<string | number>;
  source?: string;
}): string {
  const classification = model.task !== 'regression';
  const metric = classification ? 'accuracy' : 'rmse';
  return `# Steward configuration: \`steward apply ${'steward.yaml'}\` (or \`steward serve --config steward.yaml\`) creates
# or updates these models. Every field is documented in docs/monitoring.md and docs/registry.md; \`steward apply
# --dry-run\` shows what would change. ${model.source ? `Schema read from ${model.source}.` : 'Replace the example features with your own.'}
models:
  - name: ${yamlValue(model.name)}
    task: ${model.task}                      # binary | multiclass | regression
${model.classes ? `    classes: [${model.classes.map(yamlValue).join(', ')}]\n` : ''}    features:                         # numeric | categorical | text | embedding (with dimensions)
${model.features.map((f) => `      - { name: ${yamlValue(f.name)}, type: ${f.type} }`).join('\n')}
    window: 1h                        # profiles and metrics per tumbling window
    labelGrace: 1d                    # checks wait this long after a window closes, for late labels
    checks:
${
  classification
    ? `      - { type: metric, name: ${metric}-floor, metric: ${metric}, min: 0.7, minLabels: 30, severity: critical }
      - { type: detector, name: ddm, detector: ${DEFAULT_DETECTOR.binary}, severity: warning }    # drift in the error stream`
    : `      - { type: metric, name: ${metric}-ceiling, metric: ${metric}, max: 1.0, minLabels: 30, severity: critical }
      - { type: detector, name: page-hinkley, detector: ${DEFAULT_DETECTOR.numeric}, severity: warning }`
}
      - { type: dataQuality, name: missing-values, maxMissingShare: 0.05 }
    # How the model is kept up to date; try it on your history first:
    #   steward backtest --data <history.csv> --label <column> --time <column> --delay <label delay> --policy steward.yaml
    update:
      every: 7d                       # retrain weekly (onFailingChecks: [ddm] retrains when a check trips)
      window: 28d                     # on the labelled predictions of the last 4 weeks
      minRows: 200
      strategy: retrain               # retrain | fineTune | incremental | ensemble | tune | external
      ${learnerLine(model)}
      # Promote unless the candidate is shown worse than production, on recent rows it has not seen, by more than
      # the margin (mode superiority: only a candidate shown better); a candidate that passes is refitted on them.
      gate: { mode: notWorse, margin: ${classification ? '0.01' : '0.05'}, primary: ${metric}, alpha: 0.05 }
      rollout: { mode: direct }       # direct | shadow | canary
    notifiers:
      - { type: log }
`;
}

export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('write a commented steward.yaml for a model, its schema read from a data file')
    .option(
      '--from <file>',
      'a CSV, Parquet or Arrow file of the model’s inputs (and label): features and types from it',
    )
    .option('--label <column>', 'with --from: the label column (its values give the task and classes)')
    .option('--time <column>', 'with --from: the time column, left out of the features')
    .option('--name <name>', 'the model’s name (default: the file’s name, or "my-model")')
    .addOption(
      new Option('--task <task>', 'binary, multiclass or regression').choices([
        'binary',
        'multiclass',
        'regression',
      ]),
    )
    .option('--out <file>', 'where to write it', 'steward.yaml')
    .option('--force', 'overwrite the file if it exists')
    .addHelpText('after', '\nExample:\n  steward init --from data/elec2.csv --label class --name elec2')
    .action(async (flags: InitFlags) => {
      if (existsSync(flags.out) && !flags.force)
        throw new CliError(`${flags.out} exists — pass --force to overwrite it, or --out for another file`);
      if (flags.label && !flags.from)
        throw new CliError('--label reads the label from --from: give --from too');
      let history: History | undefined;
      let features: Array<{ name: string; type: string }> | undefined;
      if (flags.from) {
        try {
          const table = await readTable(flags.from, { progress: io.progress, limit: 100_000 });
          const names = table.names.filter((n) => n !== flags.label && n !== flags.time);
          features = names.map((name) => {
            const column = table.column(name) as ArrayLike<unknown>;
            return { name, type: readFeature(table, name, column).type };
          });
          if (flags.label)
            history = toHistory(table, {
              label: flags.label,
              features: names,
              ...(flags.time ? { time: flags.time } : { step: 1 }),
              ...(flags.task ? { task: flags.task } : {}),
            });
        } catch (error) {
          if (error instanceof BacktestInputError)
            throw new CliError(error.message.replace(/^--(data|features)/, '--from'));
          throw error;
        }
      }
      const rawName =
        flags.name ??
        (flags.from ? basename(flags.from, extname(flags.from)) : 'my-model').replace(/[^\w.-]/g, '-');
      const model = {
        name: rawName,
        task: flags.task ?? history?.task ?? 'binary',
        features: features ?? [
          { name: 'feature_a', type: 'numeric' },
          { name: 'feature_b', type: 'categorical' },
        ],
        ...(history?.classes && !(history.classes.length === 2 && history.classes.every((c, i) => c === i))
          ? { classes: history.classes }
          : {}),
        ...(flags.from ? { source: flags.from } : {}),
      };
      const text = starterConfig(model);
      // What we write must apply: the same check `steward apply` makes.
      const { parse } = await import('yaml');
      parseModelSpec((parse(text) as { models: unknown[] }).models[0]);
      writeFileSync(flags.out, text);
      io.stdout.write(
        `wrote ${flags.out}: model ${model.name} (${model.task}, ${model.features.length} features${history ? ` from ${flags.from}` : ''})\n` +
          `next: steward apply ${flags.out} --dry-run, then steward apply ${flags.out}\n`,
      );
    });
}
