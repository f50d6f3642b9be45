import { ADWIN } from '../detectors/adwin.js';
import type { DetectorJSON } from '../detectors/detector.js';
import type { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';
import type { Label, Labels } from '../metrics/input.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineLearner } from './definition.js';
import { checkModelFile, type ModelFile, modelFile } from './model-file.js';
import { checkLabel, learnEach } from './one-row.js';
import { type ClassWeights, gini, infoGain, type SplitCriterion, totalWeight } from './split-criteria.js';
import {
  type FeatureObserver,
  NO_SPLIT,
  newObserver,
  type ObserverState,
  observerFromJSON,
  type SplitSuggestion,
} from './tree-observers.js';

export interface HoeffdingTreeOptions {
  /** Rows a leaf sees between split attempts (default 200). */
  gracePeriod?: number;
  /** δ: the chance that a split chosen by the Hoeffding bound is not the best one (default 1e-7). */
  delta?: number;
  /** τ: split anyway once the bound is below this, the two best being tied (default 0.05). */
  tau?: number;
  /** How a leaf predicts: majority class, naive Bayes, or whichever of the two has been right more often (default). */
  leafPrediction?: 'mc' | 'nb' | 'nba';
  /** Rows a leaf needs before naive Bayes is used ('nb' leaves; default 0). */
  nbThreshold?: number;
  /** Columns read as categories (their values are codes), split one branch per value (default none). */
  nominal?: number[];
  /** Depth limit (default none). */
  maxDepth?: number;
  splitCriterion?: 'infoGain' | 'gini';
  /** A split needs two branches with more than this share of the weight (default 0.01). */
  minBranchFraction?: number;
  /** A leaf whose majority class holds more than this share stops growing at its next attempt (default 0.99). */
  maxShareToSplit?: number;
  /** Candidate thresholds per numeric feature (default 10). */
  nSplits?: number;
  /** Categorical features split "value vs the rest" only (default false: one branch per value, or that). */
  binarySplit?: boolean;
}

/** River's defaults (`tree.HoeffdingTreeClassifier`). */
export const HOEFFDING_TREE_DEFAULTS = {
  gracePeriod: 200,
  delta: 1e-7,
  tau: 0.05,
  leafPrediction: 'nba',
  nbThreshold: 0,
  nominal: [],
  maxDepth: Number.POSITIVE_INFINITY,
  splitCriterion: 'infoGain',
  minBranchFraction: 0.01,
  maxShareToSplit: 0.99,
  nSplits: 10,
  binarySplit: false,
} satisfies Required<HoeffdingTreeOptions>;

/** The Hoeffding tree's own options out of a larger set (an ensemble's, which adds its own keys). */
export function hoeffdingTreeOptionsOf(
  options: Required<HoeffdingTreeOptions>,
): Required<HoeffdingTreeOptions> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(HOEFFDING_TREE_DEFAULTS))
    picked[key] = options[key as keyof HoeffdingTreeOptions];
  return picked as Required<HoeffdingTreeOptions>;
}

export const HOEFFDING_TREE_OPTIONS: OptionsSpec<HoeffdingTreeOptions> = {
  gracePeriod: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'rows a leaf sees between split attempts (200)',
  },
  delta: {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    exclusiveMax: true,
    doc: 'δ of the Hoeffding bound (1e-7)',
  },
  tau: { type: 'number', min: 0, doc: 'tie threshold: split once the bound is below it (0.05)' },
  leafPrediction: {
    type: 'choice',
    values: ['mc', 'nb', 'nba'],
    doc: "leaf prediction: 'mc', 'nb' or 'nba' (nba)",
  },
  nbThreshold: {
    type: 'number',
    integer: true,
    min: 0,
    doc: "rows before an 'nb' leaf uses naive Bayes (0)",
  },
  nominal: { type: 'integers', min: 0, allowEmpty: true, doc: 'column indices read as categories (none)' },
  maxDepth: { type: 'number', integer: true, min: 1, allowInfinity: true, doc: 'depth limit (none)' },
  splitCriterion: { type: 'choice', values: ['infoGain', 'gini'], doc: "'infoGain' or 'gini' (infoGain)" },
  minBranchFraction: {
    type: 'number',
    min: 0,
    max: 0.5,
    doc: 'least share of weight in two branches (0.01)',
  },
  maxShareToSplit: { type: 'number', min: 0, max: 1, doc: 'majority share above which a leaf stops (0.99)' },
  nSplits: { type: 'number', integer: true, min: 1, doc: 'candidate thresholds per numeric feature (10)' },
  binarySplit: { type: 'boolean', doc: 'categorical splits are "value vs the rest" only (false)' },
};

export interface TreeLeaf {
  kind: 'leaf';
  depth: number;
  stats: ClassWeights;
  /** Per feature index; null once the leaf stops growing (it then predicts its majority class). */
  observers: Map<number, FeatureObserver> | null;
  lastAttemptAt: number;
  mcCorrect: number;
  nbCorrect: number;
  /** The features this leaf watches when the tree learns on random subspaces, drawn at its first row. */
  features?: number[];
  /** The adaptive tree's watch on the leaf's error. */
  watch?: NodeWatch;
}

/**
 * What the Hoeffding adaptive tree keeps on a node: a drift detector and the running mean of the node's errors
 * (1 for a row it got wrong), and on a branch the alternate subtree grown since the detector last fired.
 */
export interface NodeWatch {
  detector: ADWIN;
  errors: number;
  errorMean: number;
  alternate?: TreeNode;
}

/**
 * Random subspaces (the adaptive random forest's trees): each leaf watches `size` features drawn at its first row
 * from `random`, shared by every tree of the forest so that the draws are River's.
 */
export interface TreeSubspace {
  size: number;
  random: PythonRandom;
}

export interface TreeBranch {
  kind: 'branch';
  depth: number;
  feature: number;
  test: NonNullable<SplitSuggestion['test']>;
  /** Numeric and "equals": [left (≤ or =), right]; multiway: one per value of `test.values`, in order. */
  children: TreeNode[];
  /** The class weights of the leaf it replaced (for rows whose value is missing: the heaviest branch). */
  stats: ClassWeights;
  /** The adaptive tree's watch on the branch's error, and its alternate subtree. */
  watch?: NodeWatch;
}

export type TreeNode = TreeLeaf | TreeBranch;

/**
 * Hoeffding tree (VFDT; Domingos & Hulten 2000), learning one row at a time: a leaf splits once the Hoeffding bound
 * says its best split beats the second best with probability 1 − δ. Numeric features are watched by one Gaussian
 * per class, categorical ones (`nominal`) by counts per value; leaves predict by naive Bayes where it has been right
 * more often than the majority class ('nba'). As River's `HoeffdingTreeClassifier`: the same defaults, split
 * candidates and tie-breaking, so its documented example gives its accuracy (see the test).
 *
 * @example
 * ```ts
 * const tree = new HoeffdingTreeClassifier({ gracePeriod: 10 });
 * for (let i = 0; i < 200; i++) tree.learnOne([i % 20], i % 20 < 10 ? 'low' : 'high');
 * Array.from(tree.predict([[3], [17]])); // ["low","high"]
 * ```
 */
export class HoeffdingTreeClassifier {
  readonly options: Required<HoeffdingTreeOptions>;
  protected root: TreeNode | undefined;
  protected readonly seen = new Set<Label>();
  private sorted: Label[] | undefined;
  private scratch = new Float64Array(0);
  private readonly nominal: Set<number>;
  private readonly criterion: SplitCriterion;

  constructor(
    options: HoeffdingTreeOptions = {},
    private readonly subspace?: TreeSubspace,
  ) {
    this.options = resolveOptions(
      'HoeffdingTreeClassifier',
      HOEFFDING_TREE_OPTIONS,
      HOEFFDING_TREE_DEFAULTS,
      options,
    );
    this.nominal = new Set(this.options.nominal);
    this.criterion =
      this.options.splitCriterion === 'gini'
        ? gini(this.options.minBranchFraction)
        : infoGain(this.options.minBranchFraction);
  }

  /** The classes seen so far, sorted: the columns of `predictProba` (do not modify). */
  get classes(): readonly Label[] {
    this.sorted ??= [...this.seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sorted;
  }

  /** Leaves and branches (for inspection and tests). */
  get size(): { leaves: number; branches: number; depth: number } {
    const count = { leaves: 0, branches: 0, depth: 0 };
    const walk = (node: TreeNode | undefined) => {
      if (!node) return;
      count.depth = Math.max(count.depth, node.depth);
      if (node.kind === 'leaf') count.leaves++;
      else {
        count.branches++;
        for (const child of node.children) walk(child);
      }
    };
    walk(this.root);
    return count;
  }

  /** A tree with the same options that has learnt nothing (sharing the subspace's random source). */
  newInstance(): HoeffdingTreeClassifier {
    return new HoeffdingTreeClassifier(this.options, this.subspace);
  }

  /** Forgets everything, then learns the rows in order. */
  fit(X: number[][], y: Labels): this {
    this.root = undefined;
    this.seen.clear();
    this.sorted = undefined;
    return this.partialFit(X, y);
  }

  /** Learns the rows in order, one at a time (River's `learn_one` in a loop). */
  partialFit(X: number[][], y: Labels): this {
    learnEach(X, y, (x, label) => this.learnOne(x, label));
    return this;
  }

  learnOne(x: readonly number[], label: Label, weight = 1): this {
    this.see(label);
    if (!this.root) this.root = this.makeLeaf(new Map(), 0);
    let parent: TreeBranch | undefined;
    let branchIndex = -1;
    let node: TreeNode = this.root;
    while (node.kind === 'branch') {
      const next = branchOf(node, x);
      if (next === -1) {
        // A category the multiway split has not seen: a new branch for it, which learns the row and nothing more.
        this.learnAtLeaf(this.newCategory(node, x), x, label, weight);
        return this;
      }
      parent = node;
      branchIndex = next;
      node = node.children[next] as TreeNode;
    }
    this.learnAtLeaf(node, x, label, weight);
    this.maybeSplit(node, parent, branchIndex);
    return this;
  }

  /** Counts a label among the classes seen. */
  protected see(label: Label): void {
    checkLabel(label);
    if (!this.seen.has(label)) {
      this.seen.add(label);
      this.sorted = undefined;
    }
  }

  /** A category the multiway split has not seen: a new leaf for it, which learns the row and nothing more. */
  protected newCategory(node: TreeBranch, x: readonly number[]): TreeLeaf {
    const leaf = this.makeLeaf(new Map(), node.depth + 1);
    if (node.test.kind === 'multiway') node.test.values.push(x[node.feature] as number);
    node.children.push(leaf);
    return leaf;
  }

  /** After a leaf learnt a row: stop it at the depth limit, or try a split once it has seen a grace period more. */
  protected maybeSplit(leaf: TreeLeaf, parent: TreeBranch | undefined, branchIndex: number): void {
    if (leaf.observers === null) return;
    if (leaf.depth >= this.options.maxDepth) {
      leaf.observers = null;
      return;
    }
    const seen = totalWeight(leaf.stats);
    if (seen - leaf.lastAttemptAt >= this.options.gracePeriod) {
      this.attemptSplit(leaf, parent, branchIndex);
      leaf.lastAttemptAt = seen;
    }
  }

  /** A new leaf (the adaptive tree adds its watch). */
  protected makeLeaf(stats: ClassWeights, depth: number): TreeLeaf {
    return newLeaf(stats, depth);
  }

  /** A new branch from a split (the adaptive tree adds its watch). */
  protected makeBranch(branch: TreeBranch): TreeBranch {
    return branch;
  }

  /** Class probabilities, one row per sample, in `classes` order. */
  predictProba(X: number[][]): Float64Array[] {
    return X.map((x) => {
      const proba = new Float64Array(this.classes.length);
      this.probaInto(x, proba);
      return proba;
    });
  }

  /** One row's class probabilities, every class seen in `classes` order (River's `predict_proba_one`). */
  predictProbaOne(x: readonly number[]): ClassWeights {
    const proba = this.probaInto(x, this.scratchFor());
    const out: ClassWeights = new Map();
    this.classes.forEach((c, k) => {
      out.set(c, proba[k] as number);
    });
    return out;
  }

  /** One row's most probable class, the first of `classes` on a tie; undefined before any row is learnt. */
  predictOne(x: readonly number[]): Label | undefined {
    const classes = this.classes;
    if (classes.length === 0) return undefined;
    const proba = this.probaInto(x, this.scratchFor());
    let best = 0;
    for (let k = 1; k < classes.length; k++) if ((proba[k] as number) > (proba[best] as number)) best = k;
    return classes[best];
  }

  /** The most probable class of each row (the first of `classes` on a tie); undefined before any row is learnt. */
  predict(X: number[][]): Label[] {
    return X.map((x) => this.predictOne(x) as Label);
  }

  /** A buffer as long as `classes`, reused by the one-row predictions so that they allocate nothing. */
  protected scratchFor(): Float64Array {
    const n = this.classes.length;
    if (this.scratch.length !== n) this.scratch = new Float64Array(n);
    return this.scratch;
  }

  /** Writes one row's probabilities, in `classes` order, into `out` (zeros before any row is learnt). */
  protected probaInto(x: readonly number[], out: Float64Array): Float64Array {
    out.fill(0);
    if (!this.root) return out;
    const leaf = this.leafOf(x);
    const classes = this.classes;
    if (this.usesNaiveBayes(leaf)) {
      if (!naiveBayesLogVotes(leaf, x, classes, out)) {
        out.fill(0);
        return out;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < out.length; k++) max = Math.max(max, out[k] as number);
      let sum = 0;
      for (let k = 0; k < out.length; k++) sum += Math.exp((out[k] as number) - max);
      const lse = max + Math.log(sum);
      for (let k = 0; k < out.length; k++) out[k] = Math.exp((out[k] as number) - lse);
      return out;
    }
    const total = totalWeight(leaf.stats);
    if (total !== 0)
      for (let k = 0; k < classes.length; k++) out[k] = (leaf.stats.get(classes[k] as Label) ?? 0) / total;
    return out;
  }

  private leafOf(x: readonly number[]): TreeLeaf {
    let node = this.root as TreeNode;
    while (node.kind === 'branch') {
      const next = branchOf(node, x);
      node = (next === -1 ? heaviestChild(node) : node.children[next]) as TreeNode;
    }
    return node;
  }

  protected usesNaiveBayes(leaf: TreeLeaf): boolean {
    const { leafPrediction, nbThreshold } = this.options;
    return (
      leaf.observers !== null &&
      (leafPrediction === 'nb'
        ? totalWeight(leaf.stats) >= nbThreshold
        : leafPrediction === 'nba' && leaf.nbCorrect >= leaf.mcCorrect)
    );
  }

  protected learnAtLeaf(leaf: TreeLeaf, x: readonly number[], label: Label, weight: number): void {
    if (leaf.observers !== null && this.options.leafPrediction === 'nba') {
      if (leaf.stats.size === 0 || argmax(leaf.stats) === label) leaf.mcCorrect += weight;
      if (naiveBayesArgmax(leaf, x) === label) leaf.nbCorrect += weight;
    }
    leaf.stats.set(label, (leaf.stats.get(label) ?? 0) + weight);
    if (leaf.observers === null) return;
    if (this.subspace) {
      leaf.features ??= this.drawFeatures(x.length, this.subspace);
      for (const j of leaf.features) this.observe(leaf.observers, j, x, label, weight);
    } else for (let j = 0; j < x.length; j++) this.observe(leaf.observers, j, x, label, weight);
  }

  private drawFeatures(n: number, { size, random }: TreeSubspace): number[] {
    return n >= size ? random.sampleRange(n, size) : Array.from({ length: n }, (_, j) => j);
  }

  private observe(
    observers: Map<number, FeatureObserver>,
    j: number,
    x: readonly number[],
    label: Label,
    weight: number,
  ): void {
    let observer = observers.get(j);
    if (!observer) {
      observer = newObserver(this.nominal.has(j), this.options.nSplits);
      observers.set(j, observer);
    }
    observer.update(x[j] as number, label, weight);
  }

  private attemptSplit(leaf: TreeLeaf, parent: TreeBranch | undefined, branchIndex: number): void {
    let classes = 0;
    for (const w of leaf.stats.values()) if (w !== 0) classes++;
    if (classes < 2) return;
    const total = totalWeight(leaf.stats);
    const majority = Math.max(...leaf.stats.values());
    const suggestions: SplitSuggestion[] = [NO_SPLIT];
    if (!(majority && majority / total > this.options.maxShareToSplit))
      for (const [feature, observer] of leaf.observers ?? [])
        suggestions.push(observer.bestSplit(this.criterion, leaf.stats, feature, this.options.binarySplit));
    // Stable, so that ties keep the features' order.
    suggestions.sort((a, b) => (a.merit < b.merit ? -1 : a.merit > b.merit ? 1 : 0));
    let split = suggestions.length === 1;
    if (!split) {
      const range = this.criterion.range(leaf.stats);
      const bound = Math.sqrt((range * range * Math.log(1 / this.options.delta)) / (2 * total));
      const best = suggestions[suggestions.length - 1] as SplitSuggestion;
      const second = suggestions[suggestions.length - 2] as SplitSuggestion;
      split = best.merit - second.merit > bound || bound < this.options.tau;
    }
    if (!split) return;
    const decision = suggestions[suggestions.length - 1] as SplitSuggestion;
    if (decision.feature === undefined || !decision.test || !decision.branches) {
      leaf.observers = null; // pre-pruned: not splitting wins
      return;
    }
    const branch = this.makeBranch({
      kind: 'branch',
      depth: leaf.depth,
      feature: decision.feature,
      test:
        decision.test.kind === 'multiway'
          ? { kind: 'multiway', values: [...decision.test.values] }
          : decision.test,
      children: decision.branches.map((stats) => this.makeLeaf(new Map(stats), leaf.depth + 1)),
      stats: leaf.stats,
    });
    if (parent) parent.children[branchIndex] = branch;
    else this.root = branch;
  }

  toJSON(): ModelFile<string, HoeffdingTreeOptions, HoeffdingTreeState> {
    return modelFile('HoeffdingTreeClassifier', paramsToJSON(this.options), this.stateToJSON());
  }

  /** The classes and nodes, as model files keep them. */
  protected stateToJSON(): HoeffdingTreeState {
    return { classes: [...this.seen], root: this.root ? nodeToJSON(this.root) : null };
  }

  /** Takes the classes and nodes of a model file (`kind` names it in errors). */
  protected restoreState(state: Partial<HoeffdingTreeState>, kind: string): void {
    if (!Array.isArray(state.classes) || (state.root !== null && typeof state.root !== 'object'))
      throw new StewardInputError(`${kind} model file: state needs classes and root`, 'model');
    for (const c of state.classes) this.see(c);
    this.root = state.root ? nodeFromJSON(state.root, this.options.nSplits) : undefined;
  }

  static fromJSON(json: unknown, subspace?: TreeSubspace): HoeffdingTreeClassifier {
    const file = checkModelFile(json, 'HoeffdingTreeClassifier');
    const tree = new HoeffdingTreeClassifier(file.params as HoeffdingTreeOptions, subspace);
    tree.restoreState(file.state as Partial<HoeffdingTreeState>, 'HoeffdingTreeClassifier');
    return tree;
  }
}

/** Options as a model file keeps them: JSON has no Infinity, so no depth limit is left out. */
export function paramsToJSON<O extends { maxDepth: number }>(options: O): Omit<O, 'maxDepth'> | O {
  const { maxDepth, ...rest } = options;
  return Number.isFinite(maxDepth) ? options : rest;
}

export interface HoeffdingTreeState {
  classes: Label[];
  root: NodeState | null;
}

type NodeState =
  | {
      leaf: {
        depth: number;
        stats: Array<[Label, number]>;
        lastAttemptAt: number;
        mc: number;
        nb: number;
        features?: number[];
      };
      observers: Array<[number, ObserverState]> | null;
      watch?: WatchState;
    }
  | {
      branch: { depth: number; feature: number; test: TreeBranch['test']; stats: Array<[Label, number]> };
      children: NodeState[];
      watch?: WatchState;
    };

interface WatchState {
  detector: DetectorJSON;
  errors: number;
  errorMean: number;
  alternate?: NodeState;
}

function watchToJSON(watch: NodeWatch | undefined): { watch?: WatchState } {
  if (!watch) return {};
  const { detector, errors, errorMean, alternate } = watch;
  return {
    watch: {
      detector: detector.toJSON(),
      errors,
      errorMean,
      ...(alternate ? { alternate: nodeToJSON(alternate) } : {}),
    },
  };
}

function watchFromJSON(state: WatchState | undefined, nSplits: number): { watch?: NodeWatch } {
  if (!state) return {};
  const { detector, errors, errorMean, alternate } = state;
  return {
    watch: {
      detector: ADWIN.fromJSON(detector),
      errors,
      errorMean,
      ...(alternate ? { alternate: nodeFromJSON(alternate, nSplits) } : {}),
    },
  };
}

function nodeToJSON(node: TreeNode): NodeState {
  if (node.kind === 'leaf')
    return {
      leaf: {
        depth: node.depth,
        stats: [...node.stats],
        lastAttemptAt: node.lastAttemptAt,
        mc: node.mcCorrect,
        nb: node.nbCorrect,
        ...(node.features ? { features: node.features } : {}),
      },
      observers: node.observers ? [...node.observers].map(([j, o]) => [j, o.toJSON()]) : null,
      ...watchToJSON(node.watch),
    };
  return {
    branch: { depth: node.depth, feature: node.feature, test: node.test, stats: [...node.stats] },
    children: node.children.map(nodeToJSON),
    ...watchToJSON(node.watch),
  };
}

function nodeFromJSON(state: NodeState, nSplits: number): TreeNode {
  if ('leaf' in state) {
    const { depth, stats, lastAttemptAt, mc, nb, features } = state.leaf;
    return {
      kind: 'leaf',
      ...(features ? { features: [...features] } : {}),
      depth,
      stats: new Map(stats),
      lastAttemptAt,
      mcCorrect: mc,
      nbCorrect: nb,
      observers: state.observers
        ? new Map(state.observers.map(([j, o]) => [j, observerFromJSON(o, nSplits)]))
        : null,
      ...watchFromJSON(state.watch, nSplits),
    };
  }
  return {
    kind: 'branch',
    depth: state.branch.depth,
    feature: state.branch.feature,
    test: state.branch.test,
    stats: new Map(state.branch.stats),
    children: state.children.map((c) => nodeFromJSON(c, nSplits)),
    ...watchFromJSON(state.watch, nSplits),
  };
}

function newLeaf(stats: ClassWeights, depth: number): TreeLeaf {
  return {
    kind: 'leaf',
    depth,
    stats,
    observers: new Map(),
    lastAttemptAt: totalWeight(stats),
    mcCorrect: 0,
    nbCorrect: 0,
  };
}

/** The child a row goes to, or −1 for a category a multiway split has not seen (and for a missing value). */
export function branchOf(node: TreeBranch, x: readonly number[]): number {
  const value = x[node.feature] as number;
  // A missing value follows the heaviest branch (River's most common path).
  if (value === undefined || Number.isNaN(value)) return heaviestIndex(node);
  switch (node.test.kind) {
    case 'numeric':
      return value <= node.test.threshold ? 0 : 1;
    case 'equals':
      return value === node.test.value ? 0 : 1;
    case 'multiway':
      return node.test.values.indexOf(value);
  }
}

function weightOf(node: TreeNode): number {
  return totalWeight(node.stats);
}

function heaviestIndex(node: TreeBranch): number {
  let best = 0;
  for (let k = 1; k < node.children.length; k++)
    if (weightOf(node.children[k] as TreeNode) > weightOf(node.children[best] as TreeNode)) best = k;
  return best;
}

export function heaviestChild(node: TreeBranch): TreeNode {
  return node.children[heaviestIndex(node)] as TreeNode;
}

/** The first class with the most weight, in the weights' order (Python's `max(d, key=d.get)`). */
export function argmax(weights: ClassWeights): Label | undefined {
  let best: Label | undefined;
  let max = Number.NEGATIVE_INFINITY;
  for (const [label, w] of weights)
    if (w > max) {
      max = w;
      best = label;
    }
  return best;
}

/** One class's naive Bayes log vote: log prior plus log likelihoods (a zero likelihood adds nothing). */
function logVote(leaf: TreeLeaf, x: readonly number[], label: Label, w: number, total: number): number {
  let vote = Math.log(w / total);
  if (leaf.observers)
    for (const [j, observer] of leaf.observers) {
      const value = x[j];
      if (value === undefined || Number.isNaN(value)) continue;
      const p = observer.likelihood(value, label);
      vote += p > 0 ? Math.log(p) : 0;
    }
  return vote;
}

/**
 * Naive Bayes log votes in `classes` order into `out` (River's quirk kept: a class the leaf holds with no weight
 * votes 0; a class it does not hold cannot win). False when the leaf has seen nothing.
 */
export function naiveBayesLogVotes(
  leaf: TreeLeaf,
  x: readonly number[],
  classes: readonly Label[],
  out: Float64Array,
): boolean {
  const total = totalWeight(leaf.stats);
  if (leaf.stats.size === 0 || total === 0) return false;
  for (let k = 0; k < classes.length; k++) {
    const label = classes[k] as Label;
    const w = leaf.stats.get(label);
    out[k] = w === undefined ? Number.NEGATIVE_INFINITY : w > 0 ? logVote(leaf, x, label, w, total) : 0;
  }
  return true;
}

/** The class naive Bayes would predict at this leaf, the first in the leaf's own order on a tie; no allocation. */
function naiveBayesArgmax(leaf: TreeLeaf, x: readonly number[]): Label | undefined {
  const total = totalWeight(leaf.stats);
  if (leaf.stats.size === 0 || total === 0) return undefined;
  let best: Label | undefined;
  let max = Number.NEGATIVE_INFINITY;
  for (const [label, w] of leaf.stats) {
    const vote = w > 0 ? logVote(leaf, x, label, w, total) : 0;
    if (vote > max) {
      max = vote;
      best = label;
    }
  }
  return best;
}

export const hoeffdingTreeClassifier = defineLearner({
  name: 'HoeffdingTreeClassifier',
  task: 'classification',
  summary: "incremental decision tree (VFDT) learning one row at a time, as River's HoeffdingTreeClassifier",
  options: HOEFFDING_TREE_OPTIONS,
  defaults: HOEFFDING_TREE_DEFAULTS,
  online: true,
  create: (options) => new HoeffdingTreeClassifier(options),
  restore: HoeffdingTreeClassifier.fromJSON,
});
