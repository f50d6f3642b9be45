import type { OptionsSpec } from '../options.js';
import type { Space } from '../tune/space.js';
import type { Learner } from './learner.js';

/**
 * Everything Steward needs to know about one learner, declared in the learner's own file: the registry
 * (`registry.ts`) lists these, and the model spec, the update strategies, tuning, restore and the demo all read
 * them from there.
 */
export interface LearnerDefinition<N extends string = string, O extends object = object> {
  /** The name users write (`learner: { kind: GaussianNB }`), also the `kind` of its model file. */
  readonly name: N;
  readonly task: 'classification' | 'regression';
  readonly summary: string;
  readonly options: OptionsSpec<O>;
  /** Its defaults (scikit-learn's unless the file says why not), as the constructor applies them. */
  readonly defaults: Readonly<Partial<O>>;
  /** Has `partialFit`: can learn batch by batch (the incremental strategy, online learning). */
  readonly online: boolean;
  /** `fit` takes `{ sampleWeight }`, one weight per row (recency weighting: `update.halfLife`). */
  readonly sampleWeight?: boolean;
  /** Takes a `SparseMatrix` wherever it takes rows: can learn from a pipeline's text columns (hashed n-grams). */
  readonly sparse?: boolean;
  /**
   * Options that may change on a fitted model before it goes on learning (a fine-tune: freeze layers, a smaller step,
   * fewer epochs); the others shape what was learnt and stay as the model was saved.
   */
  readonly fineTunable?: readonly (keyof O & string)[];
  /**
   * The search a user of scikit-learn or Optuna would start from (`steward tune`), with options held fixed
   * during the search so that each trial stays short.
   */
  readonly tuning?: { readonly space: Space; readonly fixed?: Readonly<Partial<O>> };
  create(options?: O): Learner;
  restore(json: unknown): Learner;
}

/** Types a learner's definition (the name stays a literal, the options are checked against `O`). */
export function defineLearner<const N extends string, O extends object>(
  definition: LearnerDefinition<N, O>,
): LearnerDefinition<N, O> {
  return definition;
}

/**
 * Sets the fine-tunable options among `params` on a fitted model of this definition (see `fineTunable`); returns the
 * names set. Other options are left as the model was saved.
 */
export function applyFineTuneOptions(
  definition: { readonly fineTunable?: readonly string[] },
  model: Learner,
  params: Readonly<Record<string, unknown>>,
): string[] {
  const options = (model as { options?: Record<string, unknown> }).options;
  if (!options) return [];
  const set: string[] = [];
  for (const name of definition.fineTunable ?? [])
    if (params[name] !== undefined) {
      options[name] = params[name];
      set.push(name);
    }
  return set;
}
