import { basename, extname } from 'node:path';
import { BacktestInputError } from './backtest-error.js';
import { type History, type HistoryOptions, toHistory } from './history.js';
import {
  type BacktestPolicy,
  completePolicy,
  defaultPolicy,
  policyName,
  readPolicyFile,
  statedTask,
  ungatedPolicy,
} from './policy.js';
import { readTable } from './readers/read-table.js';
import { describeSpan, type Span } from './span.js';
import { buildTimeline, type Timeline } from './timeline.js';

/**
 * Everything that decides a backtest, in a form a child process can take and prepare again: the data file and
 * how to read it, the spans, the policy files. Preparing a plan is deterministic.
 */
export interface BacktestPlan {
  data: string;
  history: Omit<HistoryOptions, 'task'> & { task?: HistoryOptions['task'] };
  /** Default 0: labels at once. */
  delay?: Span;
  /**
   * Default: in row order (no time column, no step) the delay's rows when labels are late; else the shortest of
   * 1h, 6h, 1d, 7d, 30d with 30 rows a step on average and at most 2,000 steps.
   */
  cadence?: Span;
  /** Default the first 10% of the rows. */
  train?: Span;
  /** Policy files; none: the default policy. */
  policies?: string[];
  /** Replay "retrain on a schedule, no gate" beside the policies (default true). */
  ungated?: boolean;
}

/** Only the plan's own fields (an options object may carry streams and callbacks a child cannot take). */
export function planOf(options: BacktestPlan): BacktestPlan {
  return {
    data: options.data,
    history: options.history,
    ...(options.delay ? { delay: options.delay } : {}),
    ...(options.cadence ? { cadence: options.cadence } : {}),
    ...(options.train ? { train: options.train } : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.ungated !== undefined ? { ungated: options.ungated } : {}),
  };
}

export interface PreparedBacktest {
  history: History;
  timeline: Timeline;
  /** The model's name in the stores. */
  model: string;
  policies: BacktestPolicy[];
  /** Every replay: the policies, then the ungated baseline when asked for. */
  replays: BacktestPolicy[];
}

const CADENCES = [3_600_000, 6 * 3_600_000, 86_400_000, 604_800_000, 30 * 86_400_000];

export async function prepareBacktest(
  plan: BacktestPlan,
  progress?: NodeJS.WriteStream,
): Promise<PreparedBacktest> {
  const raws = (plan.policies ?? []).map((file) => ({ file, raw: readPolicyFile(file) }));
  const names = raws.map((p) => policyName(p.file));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate)
    throw new BacktestInputError(
      '--policy',
      `--policy: two policy files are named ${duplicate}; rename one (the file name names the strategy)`,
    );
  for (const reserved of ['static', 'no-change', 'seasonal-naive', 'scheduled-ungated'])
    if (names.includes(reserved))
      throw new BacktestInputError(
        '--policy',
        `--policy: "${reserved}" names a baseline; rename the policy file`,
      );
  const stating = plan.history.task === undefined ? raws.find((p) => statedTask(p.raw)) : undefined;
  const task = plan.history.task ?? (stating ? statedTask(stating.raw) : undefined);
  const table = await readTable(plan.data, { progress, limit: plan.history.limit });
  let history: History;
  try {
    history = toHistory(table, { ...plan.history, ...(task ? { task } : {}) });
  } catch (error) {
    // The task came from a policy file: say so.
    if (stating && error instanceof BacktestInputError && error.field === '--task')
      throw new BacktestInputError(
        '--policy',
        `--policy ${stating.file}: ${error.message.replace(/^--task /, 'task ')}`,
      );
    throw error;
  }
  const delay = plan.delay ?? { ms: 0 };
  if ('rowOrder' in history.timeSource)
    for (const [flag, span] of [
      ['--delay', plan.delay],
      ['--cadence', plan.cadence],
      ['--train', plan.train],
    ] as const)
      if (span && 'ms' in span && span.ms > 0)
        throw new BacktestInputError(
          flag,
          `${flag} ${describeSpan(span)}: ${plan.data} is read in row order (no --time or --step), so its spans are rows: give ${flag} as a number of rows (such as 48), or give --time or --step`,
        );
  const timeline = buildTimeline(history, {
    delay,
    cadence: plan.cadence ?? defaultCadence(history, delay),
    train: plan.train ?? { rows: Math.max(2, Math.ceil(history.rows / 10)) },
  });
  const model = modelName(plan.data);
  const context = { history, timeline, model };
  const policies =
    raws.length === 0
      ? [defaultPolicy(context)]
      : raws.map((p, i) => completePolicy(p.raw, p.file, names[i] as string, context));
  const replays = [...policies];
  if (plan.ungated !== false) replays.push(ungatedPolicy(policies[0] as BacktestPolicy, context));
  return { history, timeline, model, policies, replays };
}

function defaultCadence(history: History, delay: Span): Span {
  // In row order the rows' spacing means nothing: act as each delay's worth of labels comes in; with labels at once,
  // every 30 rows (at most 2,000 steps), as the time rule below would.
  if ('rowOrder' in history.timeSource && 'rows' in delay)
    return { rows: delay.rows > 0 ? delay.rows : Math.max(30, Math.ceil(history.rows / 2000)) };
  const span = (history.times[history.rows - 1] as number) - (history.times[0] as number);
  if (!(span > 0))
    throw new BacktestInputError(
      '--cadence',
      'every row has the same time: give --cadence as a number of rows (such as 100)',
    );
  for (const ms of CADENCES) {
    const steps = span / ms;
    if (history.rows / steps >= 30 && steps <= 2000) return { ms };
  }
  return { ms: CADENCES[CADENCES.length - 1] as number };
}

function modelName(file: string): string {
  const name = basename(file, extname(file))
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return name === '' ? 'backtest' : name;
}
