import { ADWIN } from '../detectors/adwin.js';
import type { DetectorJSON } from '../detectors/detector.js';
import { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';
import type { Label, Labels } from '../metrics/input.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineLearner } from './definition.js';
import {
  HOEFFDING_TREE_DEFAULTS,
  HOEFFDING_TREE_OPTIONS,
  HoeffdingTreeClassifier,
  type HoeffdingTreeOptions,
  hoeffdingTreeOptionsOf,
} from './hoeffding-tree.js';
import { checkModelFile, type ModelFile, modelFile } from './model-file.js';
import { addVotes, checkLabel, learnEach, normalizeVotes, predictRows, probaRows } from './one-row.js';
import type { ClassWeights } from './split-criteria.js';

/** How many times a member learns a row. */
export type BaggingMethod = 'bag' | 'me' | 'wt' | 'subag';

export interface LeveragingBaggingOptions extends HoeffdingTreeOptions {
  /** Members, each a Hoeffding tree with the tree options (default 10). */
  nModels?: number;
  /** λ of the Poisson draws ('bag'; default 6). */
  w?: number;
  /** δ of each member's ADWIN on its errors (default 0.002). */
  adwinDelta?: number;
  /**
   * 'bag': Poisson(w) times (leveraging bagging); 'me': once if the member gets the row wrong, else with
   * probability error / (1 − error); 'wt': 1 + Poisson(1); 'subag': once with probability 1 − e⁻¹ (default 'bag').
   */
  baggingMethod?: BaggingMethod;
  /** Seed of the Python-compatible random source (default 0). */
  seed?: number;
}

/** River's defaults (`ensemble.LeveragingBaggingClassifier` around `tree.HoeffdingTreeClassifier()`). */
export const LEVERAGING_BAGGING_DEFAULTS = {
  ...HOEFFDING_TREE_DEFAULTS,
  nModels: 10,
  w: 6,
  adwinDelta: 0.002,
  baggingMethod: 'bag',
  seed: 0,
} satisfies Required<LeveragingBaggingOptions>;

export const LEVERAGING_BAGGING_OPTIONS: OptionsSpec<LeveragingBaggingOptions> = {
  ...HOEFFDING_TREE_OPTIONS,
  nModels: { type: 'number', integer: true, min: 1, doc: 'members (10)' },
  w: { type: 'number', min: 0, exclusiveMin: true, doc: 'λ of the Poisson row counts (6)' },
  adwinDelta: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    exclusiveMax: true,
    doc: "δ of each member's ADWIN (0.002)",
  },
  baggingMethod: {
    type: 'choice',
    values: ['bag', 'me', 'wt', 'subag'],
    doc: "how often a member learns a row: 'bag', 'me', 'wt' or 'subag' (bag)",
  },
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the random source (0)' },
};

/**
 * Leveraging bagging (Bifet, Holmes & Pfahringer 2010): online bagging with Poisson(6) row counts, which gives each
 * member more, and more varied, practice than Oza's Poisson(1); each member's errors feed an ADWIN, and when one
 * signals a rise the member with the highest error estimate is replaced by a new tree. As River's
 * `ensemble.LeveragingBaggingClassifier` with a Hoeffding tree as the model: the same draws from the same seed.
 *
 * @example
 * ```ts
 * const bagging = new LeveragingBaggingClassifier({ nModels: 3, seed: 1 });
 * for (let i = 0; i < 600; i++) bagging.learnOne([i % 20], i % 20 < 10 ? 'low' : 'high');
 * Array.from(bagging.predict([[3], [17]])); // ["low","high"]
 * ```
 */
export class LeveragingBaggingClassifier {
  readonly options: Required<LeveragingBaggingOptions>;
  private random: PythonRandom;
  private members: HoeffdingTreeClassifier[];
  private detectors: ADWIN[];
  private replaced = 0;
  private readonly seen = new Set<Label>();

  constructor(options: LeveragingBaggingOptions = {}) {
    this.options = resolveOptions(
      'LeveragingBaggingClassifier',
      LEVERAGING_BAGGING_OPTIONS,
      LEVERAGING_BAGGING_DEFAULTS,
      options,
    );
    this.random = new PythonRandom(this.options.seed);
    this.members = Array.from({ length: this.options.nModels }, () => this.newTree());
    this.detectors = this.members.map(() => this.newDetector());
  }

  get classes(): Label[] {
    return [...this.seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Members replaced after a detected rise in error (River's `n_detected_changes`). */
  get detectedChanges(): number {
    return this.replaced;
  }

  fit(X: number[][], y: Labels): this {
    this.random = new PythonRandom(this.options.seed);
    this.members = this.members.map(() => this.newTree());
    this.detectors = this.members.map(() => this.newDetector());
    this.replaced = 0;
    this.seen.clear();
    return this.partialFit(X, y);
  }

  partialFit(X: number[][], y: Labels): this {
    learnEach(X, y, (x, label) => this.learnOne(x, label));
    return this;
  }

  learnOne(x: readonly number[], label: Label): this {
    checkLabel(label);
    this.seen.add(label);
    let changed = false;
    this.members.forEach((tree, i) => {
      const detector = this.detectors[i] as ADWIN;
      const k = this.timesToLearn(tree, detector, x, label);
      for (let j = 0; j < k; j++) tree.learnOne(x, label);
      const predicted = tree.predictOne(x);
      if (predicted === undefined) return;
      const before = detector.estimation;
      if (detector.update(predicted === label ? 0 : 1).drift && detector.estimation > before) changed = true;
    });
    if (changed) {
      this.replaced++;
      let worst = 0;
      for (let i = 1; i < this.detectors.length; i++)
        if ((this.detectors[i] as ADWIN).estimation > (this.detectors[worst] as ADWIN).estimation) worst = i;
      this.members[worst] = this.newTree();
      this.detectors[worst] = this.newDetector();
    }
    return this;
  }

  private timesToLearn(
    tree: HoeffdingTreeClassifier,
    detector: ADWIN,
    x: readonly number[],
    label: Label,
  ): number {
    switch (this.options.baggingMethod) {
      case 'bag':
        return this.random.poisson(this.options.w);
      case 'wt':
        return 1 + this.random.poisson(1);
      case 'subag':
        return this.random.poisson(1) > 0 ? 1 : 0;
      case 'me': {
        if (tree.predictOne(x) !== label) return 1;
        const error = detector.estimation;
        return error !== 1 && this.random.random() < error / (1 - error) ? 1 : 0;
      }
    }
  }

  /** The members' probabilities summed and normalised (River's bagging vote). */
  private votes(x: readonly number[]): ClassWeights {
    const sum: ClassWeights = new Map();
    for (const tree of this.members) addVotes(sum, tree.predictProbaOne(x), 1);
    return normalizeVotes(sum);
  }

  predictProba(X: number[][]): Float64Array[] {
    return probaRows(this.classes, X, (x) => this.votes(x));
  }

  predict(X: number[][]): Label[] {
    return predictRows(this.classes, X, (x) => this.votes(x));
  }

  private newTree(): HoeffdingTreeClassifier {
    return new HoeffdingTreeClassifier(hoeffdingTreeOptionsOf(this.options));
  }

  private newDetector(): ADWIN {
    return new ADWIN({ delta: this.options.adwinDelta });
  }

  toJSON(): ModelFile<'LeveragingBaggingClassifier', LeveragingBaggingOptions, BaggingState> {
    const { maxDepth, ...rest } = this.options;
    return modelFile(
      'LeveragingBaggingClassifier',
      Number.isFinite(maxDepth) ? { ...rest, maxDepth } : rest,
      {
        classes: [...this.seen],
        replaced: this.replaced,
        random: this.random.getState(),
        members: this.members.map((tree, i) => ({
          tree: tree.toJSON(),
          detector: (this.detectors[i] as ADWIN).toJSON(),
        })),
      },
    );
  }

  static fromJSON(json: unknown): LeveragingBaggingClassifier {
    const file = checkModelFile(json, 'LeveragingBaggingClassifier');
    const bagging = new LeveragingBaggingClassifier(file.params as LeveragingBaggingOptions);
    const state = file.state as Partial<BaggingState>;
    if (!Array.isArray(state.classes) || !Array.isArray(state.members) || !state.random)
      throw new StewardInputError(
        'LeveragingBaggingClassifier model file: state needs classes, members and random',
        'model',
      );
    bagging.random.setState(state.random);
    bagging.replaced = state.replaced ?? 0;
    for (const c of state.classes) bagging.seen.add(c);
    bagging.members = state.members.map((m) => HoeffdingTreeClassifier.fromJSON(m.tree));
    bagging.detectors = state.members.map((m) => ADWIN.fromJSON(m.detector));
    return bagging;
  }
}

export interface BaggingState {
  classes: Label[];
  replaced: number;
  random: { mt: number[]; index: number };
  members: Array<{ tree: ReturnType<HoeffdingTreeClassifier['toJSON']>; detector: DetectorJSON }>;
}

export const leveragingBaggingClassifier = defineLearner({
  name: 'LeveragingBaggingClassifier',
  task: 'classification',
  summary:
    "leveraging bagging of Hoeffding trees: Poisson(6) online bagging, ADWIN replaces the worst member, as River's",
  options: LEVERAGING_BAGGING_OPTIONS,
  defaults: LEVERAGING_BAGGING_DEFAULTS,
  online: true,
  create: (options) => new LeveragingBaggingClassifier(options),
  restore: LeveragingBaggingClassifier.fromJSON,
});
