import { ADWIN } from '../detectors/adwin.js';
import { PythonRandom } from '../detectors/python-random.js';
import { StewardInputError } from '../errors.js';
import type { Label } from '../metrics/input.js';
import { type OptionsSpec, resolveOptions } from '../options.js';
import { defineLearner } from './definition.js';
import {
  argmax,
  branchOf,
  HOEFFDING_TREE_DEFAULTS,
  HOEFFDING_TREE_OPTIONS,
  HoeffdingTreeClassifier,
  type HoeffdingTreeOptions,
  type HoeffdingTreeState,
  heaviestChild,
  hoeffdingTreeOptionsOf,
  type NodeWatch,
  naiveBayesLogVotes,
  paramsToJSON,
  type TreeBranch,
  type TreeLeaf,
  type TreeNode,
} from './hoeffding-tree.js';
import { checkModelFile, type ModelFile, modelFile } from './model-file.js';
import type { ClassWeights } from './split-criteria.js';

export interface HoeffdingAdaptiveTreeOptions extends HoeffdingTreeOptions {
  /** Each leaf learns a row with weight Poisson(1) (a draw of 0 keeps weight 1, as River) (default true). */
  bootstrapSampling?: boolean;
  /** Rows a branch and its alternate must each have been judged on before they are compared (default 300). */
  driftWindowThreshold?: number;
  /** Significance of the test that swaps in (or prunes) an alternate subtree (default 0.05). */
  switchSignificance?: number;
  /** δ of the ADWIN detector on each node's errors (default 0.002). */
  driftDelta?: number;
  /** Seed of the random source of the bootstrap draws (default 0). */
  seed?: number;
}

/** River's defaults (`tree.HoeffdingAdaptiveTreeClassifier`). */
export const HOEFFDING_ADAPTIVE_TREE_DEFAULTS = {
  ...HOEFFDING_TREE_DEFAULTS,
  bootstrapSampling: true,
  driftWindowThreshold: 300,
  switchSignificance: 0.05,
  driftDelta: 0.002,
  seed: 0,
} satisfies Required<HoeffdingAdaptiveTreeOptions>;

const HOEFFDING_ADAPTIVE_TREE_OPTIONS: OptionsSpec<HoeffdingAdaptiveTreeOptions> = {
  ...HOEFFDING_TREE_OPTIONS,
  bootstrapSampling: { type: 'boolean', doc: 'leaves learn each row with weight Poisson(1) (true)' },
  driftWindowThreshold: {
    type: 'number',
    integer: true,
    min: 1,
    doc: 'rows a branch and its alternate are judged on before a swap (300)',
  },
  switchSignificance: {
    type: 'number',
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'significance of a swap (0.05)',
  },
  driftDelta: { type: 'number', min: 0, max: 1, exclusiveMin: true, doc: 'δ of each node’s ADWIN (0.002)' },
  seed: { type: 'number', integer: true, min: 0, doc: 'seed of the bootstrap draws (0)' },
};

/**
 * Hoeffding adaptive tree (Bifet & Gavaldà 2009), as River's `tree.HoeffdingAdaptiveTreeClassifier`: a Hoeffding
 * tree whose every node watches its own error with ADWIN. When a branch's error rises, it grows an alternate subtree
 * beside it from that row on; once both have been judged on `driftWindowThreshold` rows, the alternate replaces the
 * branch if it is significantly better, or is dropped if significantly worse. A row is predicted by the leaf it
 * reaches and the alternates on its way, each weighted by the inverse square of its error. River's quirks are
 * kept (see the test): a leaf's Poisson draw of 0 learns with weight 1, and an alternate leaf that splits takes
 * the place of the subtree it stood beside.
 *
 * @example
 * ```ts
 * const tree = new HoeffdingAdaptiveTreeClassifier({ gracePeriod: 10, seed: 1 });
 * // Below 10 is "a" for the first 1,000 rows, then "b".
 * for (let i = 0; i < 2000; i++) tree.learnOne([i % 20], (i < 1000) === (i % 20 < 10) ? 'a' : 'b');
 * [tree.predictOne([3]), tree.predictOne([17])]; // ["b","a"]
 * ```
 */
export class HoeffdingAdaptiveTreeClassifier extends HoeffdingTreeClassifier {
  override readonly options: Required<HoeffdingAdaptiveTreeOptions>;
  private random: PythonRandom;
  private counts: Adaptations = { alternates: 0, swapped: 0, pruned: 0 };

  /** Alternate subtrees grown after a drift, swapped in for the branch they stood beside, and dropped. */
  get adaptations(): Readonly<Adaptations> {
    return this.counts;
  }

  constructor(options: HoeffdingAdaptiveTreeOptions = {}) {
    const resolved = resolveOptions(
      'HoeffdingAdaptiveTreeClassifier',
      HOEFFDING_ADAPTIVE_TREE_OPTIONS,
      HOEFFDING_ADAPTIVE_TREE_DEFAULTS,
      options,
    );
    super(hoeffdingTreeOptionsOf(resolved));
    this.options = resolved;
    this.random = new PythonRandom(resolved.seed);
  }

  override newInstance(): HoeffdingAdaptiveTreeClassifier {
    return new HoeffdingAdaptiveTreeClassifier(this.options);
  }

  override learnOne(x: readonly number[], label: Label, weight = 1): this {
    this.see(label);
    this.root ??= this.makeLeaf(new Map(), 0);
    this.learnAt(this.root, x, label, weight, undefined, -1);
    return this;
  }

  protected override makeLeaf(stats: ClassWeights, depth: number): TreeLeaf {
    return { ...super.makeLeaf(stats, depth), watch: this.newWatch() };
  }

  protected override makeBranch(branch: TreeBranch): TreeBranch {
    return { ...branch, watch: this.newWatch() };
  }

  private newWatch(): NodeWatch {
    return { detector: new ADWIN({ delta: this.options.driftDelta }), errors: 0, errorMean: 0 };
  }

  private learnAt(
    node: TreeNode,
    x: readonly number[],
    label: Label,
    weight: number,
    parent: TreeBranch | undefined,
    index: number,
  ): void {
    if (node.kind === 'leaf') this.learnAtAdaptiveLeaf(node, x, label, weight, parent, index);
    else this.learnAtBranch(node, x, label, weight, parent, index);
  }

  private learnAtAdaptiveLeaf(
    leaf: TreeLeaf,
    x: readonly number[],
    label: Label,
    weight: number,
    parent: TreeBranch | undefined,
    index: number,
  ): void {
    let w = weight;
    if (this.options.bootstrapSampling) {
      const k = this.random.poisson(1);
      if (k > 0) w *= k;
    }
    const watch = leaf.watch as NodeWatch;
    const before = watch.errorMean;
    const drift = judge(watch, votedFor(this.leafVotes(leaf, x)) === label ? 0 : 1);
    // The error fell: start its mean afresh.
    if (drift && before > watch.errorMean) resetMean(watch);
    this.learnAtLeaf(leaf, x, label, w);
    this.maybeSplit(leaf, parent, index);
  }

  private learnAtBranch(
    branch: TreeBranch,
    x: readonly number[],
    label: Label,
    weight: number,
    parent: TreeBranch | undefined,
    index: number,
  ): void {
    const watch = branch.watch as NodeWatch;
    const wrong = votedFor(this.leafVotes(this.mainLeafOf(branch, x), x)) === label ? 0 : 1;
    branch.stats.set(label, (branch.stats.get(label) ?? 0) + weight);
    const before = watch.errorMean;
    let drift = judge(watch, wrong);
    if (drift && before > watch.errorMean) {
      resetMean(watch);
      drift = false;
    }
    if (drift) {
      resetMean(watch);
      // One level up from a child's depth: the alternate stands where the branch does.
      watch.alternate = this.makeLeaf(new Map(), branch.depth);
      this.counts.alternates++;
    } else if (watch.alternate) this.compareAlternate(watch, parent, index);
    // The alternate learns as if it stood in the branch's place (an alternate leaf that splits takes that place).
    if (watch.alternate) this.learnAt(watch.alternate, x, label, weight, parent, index);
    const next = branchOf(branch, x);
    if (next === -1) {
      this.learnAtAdaptiveLeaf(
        this.newCategory(branch, x),
        x,
        label,
        weight,
        branch,
        branch.children.length - 1,
      );
      return;
    }
    this.learnAt(branch.children[next] as TreeNode, x, label, weight, branch, next);
  }

  /** Swaps the alternate in when it is significantly better than the branch, drops it when significantly worse. */
  private compareAlternate(watch: NodeWatch, parent: TreeBranch | undefined, index: number): void {
    const alternate = (watch.alternate as TreeNode).watch as NodeWatch;
    const threshold = this.options.driftWindowThreshold;
    if (!(alternate.errors > threshold && watch.errors > threshold)) return;
    const error = watch.errorMean;
    const n = 1 / alternate.errors + 1 / watch.errors;
    const bound = Math.sqrt(2 * error * (1 - error) * Math.log(2 / this.options.switchSignificance) * n);
    if (bound < error - alternate.errorMean) {
      this.counts.swapped++;
      if (parent) {
        parent.children[index] = watch.alternate as TreeNode;
        watch.alternate = undefined;
      } else this.root = watch.alternate;
    } else if (bound < alternate.errorMean - error) {
      this.counts.pruned++;
      watch.alternate = undefined;
    }
  }

  /** The leaf a row reaches along the branches themselves (alternates aside). */
  private mainLeafOf(branch: TreeBranch, x: readonly number[]): TreeLeaf {
    let node: TreeNode = branch;
    while (node.kind === 'branch') {
      const next = branchOf(node, x);
      node = next === -1 ? heaviestChild(node) : (node.children[next] as TreeNode);
    }
    return node;
  }

  /**
   * A leaf's class votes in the order of its own weights (River's `prediction`): naive Bayes or the class shares as
   * the tree's leaves predict, then divided by their sum times the leaf's squared error (left as they are while that
   * is 0). Undefined for a leaf that has seen nothing.
   */
  private leafVotes(leaf: TreeLeaf, x: readonly number[]): ClassWeights | undefined {
    if (leaf.stats.size === 0) return undefined;
    const labels = [...leaf.stats.keys()];
    const votes: ClassWeights = new Map();
    let sum = 0;
    const logVotes = new Float64Array(labels.length);
    if (this.usesNaiveBayes(leaf) && naiveBayesLogVotes(leaf, x, labels, logVotes)) {
      // River's softmax: exponentials of the votes less their maximum, over their sum.
      let max = Number.NEGATIVE_INFINITY;
      for (const v of logVotes) max = Math.max(max, v);
      let total = 0;
      for (let k = 0; k < labels.length; k++) total += Math.exp((logVotes[k] as number) - max);
      labels.forEach((c, k) => {
        votes.set(c, Math.exp((logVotes[k] as number) - max) / total);
      });
    } else {
      let total = 0;
      for (const w of leaf.stats.values()) total += w;
      for (const [c, w] of leaf.stats) votes.set(c, total === 0 ? w : w / total);
    }
    for (const v of votes.values()) sum += v;
    const error = (leaf.watch as NodeWatch).errorMean;
    const factor = sum * error * error;
    if (factor === 0 || Number.isNaN(factor)) return votes;
    for (const [c, v] of votes) votes.set(c, v / factor);
    return votes;
  }

  /** The leaf a row reaches and the alternates on its way, their votes summed, then normalised (River's option vote). */
  protected override probaInto(x: readonly number[], out: Float64Array): Float64Array {
    out.fill(0);
    if (!this.root) return out;
    const classes = this.classes;
    const add = (leaf: TreeLeaf) => {
      const votes = this.leafVotes(leaf, x);
      if (votes)
        classes.forEach((c, k) => {
          out[k] = (out[k] as number) + (votes.get(c) ?? 0);
        });
    };
    let node: TreeNode = this.root;
    while (node.kind === 'branch') {
      const alternate = node.watch?.alternate;
      if (alternate) add(alternate.kind === 'leaf' ? alternate : this.mainLeafOf(alternate, x));
      const next = branchOf(node, x);
      node = next === -1 ? heaviestChild(node) : (node.children[next] as TreeNode);
    }
    add(node);
    let total = 0;
    for (const p of out) total += p;
    if (total !== 0) for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / total;
    return out;
  }

  override toJSON(): ModelFile<
    'HoeffdingAdaptiveTreeClassifier',
    HoeffdingAdaptiveTreeOptions,
    HoeffdingAdaptiveTreeState
  > {
    return modelFile('HoeffdingAdaptiveTreeClassifier', paramsToJSON(this.options), {
      ...this.stateToJSON(),
      random: this.random.getState(),
      adaptations: { ...this.counts },
    });
  }

  static override fromJSON(json: unknown): HoeffdingAdaptiveTreeClassifier {
    const kind = 'HoeffdingAdaptiveTreeClassifier';
    const file = checkModelFile(json, kind);
    const model = new HoeffdingAdaptiveTreeClassifier(file.params as HoeffdingAdaptiveTreeOptions);
    const state = file.state as Partial<HoeffdingAdaptiveTreeState>;
    if (!state.random) throw new StewardInputError(`${kind} model file: state needs random`, 'model');
    model.restoreState(state, kind);
    model.random.setState(state.random);
    if (state.adaptations) model.counts = { ...state.adaptations };
    return model;
  }
}

export interface HoeffdingAdaptiveTreeState extends HoeffdingTreeState {
  random: ReturnType<PythonRandom['getState']>;
  adaptations: Adaptations;
}

export interface Adaptations {
  alternates: number;
  swapped: number;
  pruned: number;
}

/** Feeds a node's detector and error mean one judgement (1: wrong); whether the detector saw a drift. */
function judge(watch: NodeWatch, wrong: number): boolean {
  const { drift } = watch.detector.update(wrong);
  watch.errors += 1;
  // River's `stats.Mean`: the weight over the count, times the deviation.
  watch.errorMean += (1 / watch.errors) * (wrong - watch.errorMean);
  return drift;
}

function resetMean(watch: NodeWatch): void {
  watch.errors = 0;
  watch.errorMean = 0;
}

/** The class a leaf's votes pick (none for a leaf that has seen nothing). */
const votedFor = (votes: ClassWeights | undefined): Label | undefined => (votes ? argmax(votes) : undefined);

export const hoeffdingAdaptiveTreeClassifier = defineLearner({
  name: 'HoeffdingAdaptiveTreeClassifier',
  task: 'classification',
  summary:
    "Hoeffding tree whose nodes watch their error with ADWIN and grow alternate subtrees after a drift, as River's HoeffdingAdaptiveTreeClassifier",
  options: HOEFFDING_ADAPTIVE_TREE_OPTIONS,
  defaults: HOEFFDING_ADAPTIVE_TREE_DEFAULTS,
  online: true,
  create: (options) => new HoeffdingAdaptiveTreeClassifier(options),
  restore: HoeffdingAdaptiveTreeClassifier.fromJSON,
});
