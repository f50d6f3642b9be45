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

export interface AdaptiveRandomForestOptions extends HoeffdingTreeOptions {
  /** Trees (default 10). */
  nModels?: number;
  /** Features each leaf watches: √n or log₂n of the n features, rounded, or all (default 'sqrt'). */
  maxFeatures?: 'sqrt' | 'log2' | 'all';
  /** Features each leaf watches, as a count (overrides `maxFeatures`). */
  featuresPerLeaf?: number;
  /** λ of the Poisson weight each tree gives a row (default 6, leveraging bagging's). */
  lambda?: number;
  /** Each tree's vote counts equally instead of by its prequential accuracy (default false). */
  disableWeightedVote?: boolean;
  /** Replace a tree when ADWIN sees its error rate rise (default true). */
  detectDrift?: boolean;
  /** δ of the drift detector (default 0.001). */
  driftDelta?: number;
  /** Grow a background tree from a warning on, which replaces the tree at the drift (default true). */
  backgroundLearners?: boolean;
  /** δ of the warning detector (default 0.01). */
  warningDelta?: number;
  /** Seed of the forest's Python-compatible random source (default 0). */
  seed?: number;
}

/** River's defaults (`forest.ARFClassifier`): trees with grace period 50 and δ 0.01. */
export const ADAPTIVE_RANDOM_FOREST_DEFAULTS = {
  ...HOEFFDING_TREE_DEFAULTS,
  gracePeriod: 50,
  delta: 0.01,
  nModels: 10,
  maxFeatures: 'sqrt',
  featuresPerLeaf: 0,
  lambda: 6,
  disableWeightedVote: false,
  detectDrift: true,
  driftDelta: 0.001,
  backgroundLearners: true,
  warningDelta: 0.01,
  seed: 0,
} satisfies Required<AdaptiveRandomForestOptions>;

const detectorDelta = (what: string) =>
  ({
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    exclusiveMax: true,
    doc: `δ of the ${what} detector (ADWIN)`,
  }) as const;

export const ADAPTIVE_RANDOM_FOREST_OPTIONS: OptionsSpec<AdaptiveRandomForestOptions> = {
  ...HOEFFDING_TREE_OPTIONS,
  gracePeriod: { ...HOEFFDING_TREE_OPTIONS.gracePeriod, doc: 'rows a leaf sees between split attempts (50)' },
  delta: { ...HOEFFDING_TREE_OPTIONS.delta, doc: 'δ of the Hoeffding bound (0.01)' },
  nModels: { type: 'number', integer: true, min: 1, doc: 'trees (10)' },
  maxFeatures: {
    type: 'choice',
    values: ['sqrt', 'log2', 'all'],
    doc: "features per leaf: 'sqrt', 'log2' or 'all' of them (sqrt)",
  },
  featuresPerLeaf: {
    type: 'number',
    integer: true,
    min: 0,
    doc: 'features per leaf as a count; 0 uses maxFeatures (0)',
  },
  lambda: { type: 'number', min: 0, exclusiveMin: true, doc: 'λ of the Poisson row weights (6)' },
  disableWeightedVote: { type: 'boolean', doc: 'equal votes instead of accuracy-weighted ones (false)' },
  detectDrift: { type: 'boolean', doc: 'replace a tree when its error rate drifts (true)' },
  driftDelta: detectorDelta('drift'),
  backgroundLearners: { type: 'boolean', doc: 'grow a replacement from a warning on (true)' },
  warningDelta: detectorDelta('warning'),
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the random source (0)' },
};

/** One tree with what judges it: its prequential accuracy and its detectors. */
interface Member {
  tree: HoeffdingTreeClassifier;
  correct: number;
  seen: number;
  drift: ADWIN | null;
  warning: ADWIN | null;
  background: Member | null;
  drifts: number;
  warnings: number;
}

/**
 * Adaptive random forest (Gomes et al. 2017): Hoeffding trees on random feature subspaces, each row weighted
 * Poisson(λ) per tree (online bagging), and per tree an ADWIN on its errors that grows a background tree at a
 * warning and swaps it in at a drift. Votes are weighted by each tree's prequential accuracy. As River's
 * `forest.ARFClassifier`: the same defaults, and the same draws from the same seed (Python's Mersenne Twister), so
 * its documented example gives its accuracy (see the test).
 *
 * @example
 * ```ts
 * const forest = new AdaptiveRandomForestClassifier({ nModels: 3, seed: 1 });
 * for (let i = 0; i < 600; i++) forest.learnOne([i % 20, (i * 7) % 3], i % 20 < 10 ? 'low' : 'high');
 * Array.from(forest.predict([[3, 0], [17, 0]])); // ["low","high"]
 * ```
 */
export class AdaptiveRandomForestClassifier {
  readonly options: Required<AdaptiveRandomForestOptions>;
  private random: PythonRandom;
  private members: Member[] = [];
  private subspaceSize = 0;
  private readonly seen = new Set<Label>();

  constructor(options: AdaptiveRandomForestOptions = {}) {
    this.options = resolveOptions(
      'AdaptiveRandomForestClassifier',
      ADAPTIVE_RANDOM_FOREST_OPTIONS,
      ADAPTIVE_RANDOM_FOREST_DEFAULTS,
      options,
    );
    this.random = new PythonRandom(this.options.seed);
  }

  get classes(): Label[] {
    return [...this.seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Drifts and warnings each tree's detectors have signalled (River's `n_drifts_detected`, `n_warnings_detected`). */
  get detections(): { drifts: number; warnings: number } {
    let drifts = 0;
    let warnings = 0;
    for (const m of this.members) {
      drifts += m.drifts;
      warnings += m.warnings;
    }
    return { drifts, warnings };
  }

  fit(X: number[][], y: Labels): this {
    this.random = new PythonRandom(this.options.seed);
    this.members = [];
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
    if (this.members.length === 0) this.grow(x.length);
    for (const member of this.members) {
      member.seen++;
      if (member.tree.predictOne(x) === label) member.correct++;
      const k = this.random.poisson(this.options.lambda);
      if (k > 0) this.learnMember(member, x, label, k);
    }
    return this;
  }

  private learnMember(member: Member, x: readonly number[], label: Label, k: number): void {
    member.tree.learnOne(x, label, k);
    member.background?.tree.learnOne(x, label, k);
    if (!member.drift) return;
    // River feeds the detectors whether the tree, having just learnt the row, gets it wrong.
    const error = member.tree.predictOne(x) === label ? 0 : 1;
    if (member.warning?.update(error).drift) {
      member.warnings++;
      member.background = this.newMember(member.tree.newInstance());
      member.warning = this.newDetector(this.options.warningDelta);
    }
    if (member.drift.update(error).drift) {
      member.drifts++;
      const next = member.background;
      if (next) {
        member.tree = next.tree;
        member.warning = next.warning;
        member.drift = next.drift;
        member.correct = next.correct;
        member.seen = next.seen;
        member.background = null;
      } else {
        member.tree = member.tree.newInstance();
        member.correct = 0;
        member.seen = 0;
        member.drift = this.newDetector(this.options.driftDelta);
      }
    }
  }

  /** Class probabilities, one row per sample, in `classes` order. */
  predictProba(X: number[][]): Float64Array[] {
    return probaRows(this.classes, X, (x) => this.votes(x));
  }

  predict(X: number[][]): Label[] {
    return predictRows(this.classes, X, (x) => this.votes(x));
  }

  /** The trees' probabilities, each weighted by its accuracy so far (if above 0), normalised. */
  private votes(x: readonly number[]): ClassWeights {
    const sum: ClassWeights = new Map();
    if (this.members.length === 0) this.grow(x.length);
    for (const member of this.members) {
      const accuracy = member.seen > 0 ? member.correct / member.seen : 0;
      const weight = !this.options.disableWeightedVote && accuracy > 0 ? accuracy : 1;
      addVotes(sum, member.tree.predictProbaOne(x), weight);
    }
    return normalizeVotes(sum);
  }

  private grow(nFeatures: number): void {
    this.subspaceSize = this.featuresPerLeaf(nFeatures);
    const subspace = { size: this.subspaceSize, random: this.random };
    const treeOptions = hoeffdingTreeOptionsOf(this.options);
    this.members = Array.from({ length: this.options.nModels }, () =>
      this.newMember(new HoeffdingTreeClassifier(treeOptions, subspace)),
    );
  }

  private featuresPerLeaf(n: number): number {
    const { featuresPerLeaf, maxFeatures } = this.options;
    const size =
      featuresPerLeaf > 0
        ? featuresPerLeaf
        : maxFeatures === 'sqrt'
          ? pythonRound(Math.sqrt(n))
          : maxFeatures === 'log2'
            ? pythonRound(Math.log2(n))
            : n;
    return Math.min(Math.max(size, 1), n);
  }

  private newDetector(delta: number): ADWIN {
    return new ADWIN({ delta });
  }

  private newMember(tree: HoeffdingTreeClassifier): Member {
    const { detectDrift, backgroundLearners, driftDelta, warningDelta } = this.options;
    return {
      tree,
      correct: 0,
      seen: 0,
      drift: detectDrift ? this.newDetector(driftDelta) : null,
      warning: detectDrift && backgroundLearners ? this.newDetector(warningDelta) : null,
      background: null,
      drifts: 0,
      warnings: 0,
    };
  }

  toJSON(): ModelFile<'AdaptiveRandomForestClassifier', AdaptiveRandomForestOptions, ForestState> {
    const { maxDepth, ...rest } = this.options;
    return modelFile(
      'AdaptiveRandomForestClassifier',
      Number.isFinite(maxDepth) ? { ...rest, maxDepth } : rest,
      {
        classes: [...this.seen],
        subspaceSize: this.subspaceSize,
        random: this.random.getState(),
        members: this.members.map(memberToJSON),
      },
    );
  }

  static fromJSON(json: unknown): AdaptiveRandomForestClassifier {
    const file = checkModelFile(json, 'AdaptiveRandomForestClassifier');
    const forest = new AdaptiveRandomForestClassifier(file.params as AdaptiveRandomForestOptions);
    const state = file.state as Partial<ForestState>;
    if (!Array.isArray(state.classes) || !Array.isArray(state.members) || !state.random)
      throw new StewardInputError(
        'AdaptiveRandomForestClassifier model file: state needs classes, members and random',
        'model',
      );
    forest.random.setState(state.random);
    forest.subspaceSize = state.subspaceSize ?? 0;
    for (const c of state.classes) forest.seen.add(c);
    const subspace = { size: forest.subspaceSize, random: forest.random };
    forest.members = state.members.map((m) => memberFromJSON(m, subspace));
    return forest;
  }
}

/** Python's round(): halves to even. */
function pythonRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface MemberState {
  tree: ReturnType<HoeffdingTreeClassifier['toJSON']>;
  correct: number;
  seen: number;
  drift: DetectorJSON | null;
  warning: DetectorJSON | null;
  background: MemberState | null;
  drifts: number;
  warnings: number;
}

export interface ForestState {
  classes: Label[];
  subspaceSize: number;
  random: { mt: number[]; index: number };
  members: MemberState[];
}

function memberToJSON(m: Member): MemberState {
  return {
    tree: m.tree.toJSON(),
    correct: m.correct,
    seen: m.seen,
    drift: m.drift ? m.drift.toJSON() : null,
    warning: m.warning ? m.warning.toJSON() : null,
    background: m.background ? memberToJSON(m.background) : null,
    drifts: m.drifts,
    warnings: m.warnings,
  };
}

function memberFromJSON(
  m: MemberState,
  subspace: ConstructorParameters<typeof HoeffdingTreeClassifier>[1],
): Member {
  return {
    tree: HoeffdingTreeClassifier.fromJSON(m.tree, subspace),
    correct: m.correct,
    seen: m.seen,
    drift: m.drift ? ADWIN.fromJSON(m.drift) : null,
    warning: m.warning ? ADWIN.fromJSON(m.warning) : null,
    background: m.background ? memberFromJSON(m.background, subspace) : null,
    drifts: m.drifts,
    warnings: m.warnings,
  };
}

export const adaptiveRandomForestClassifier = defineLearner({
  name: 'AdaptiveRandomForestClassifier',
  task: 'classification',
  summary:
    "adaptive random forest of Hoeffding trees with online bagging and drift detectors per tree, as River's ARFClassifier",
  options: ADAPTIVE_RANDOM_FOREST_OPTIONS,
  defaults: ADAPTIVE_RANDOM_FOREST_DEFAULTS,
  online: true,
  create: (options) => new AdaptiveRandomForestClassifier(options),
  restore: AdaptiveRandomForestClassifier.fromJSON,
});
