import { StewardInputError } from '../errors.js';
import type { Label, Labels } from '../metrics/input.js';
import { sortedUnique } from '../metrics/labels.js';
import { kFold, pick, stratifiedKFold } from '../tune/cross-validation.js';
import { argmaxClasses } from './classes.js';
import { minimize } from './lbfgs.js';
import type { FeatureRows } from './matrix.js';
import { checkModelFile, type ModelFile, modelFile, numbersField } from './model-file.js';
import type { Learner } from './pipeline.js';

type Outputs = ArrayLike<Label> | ArrayLike<number>;
type Probabilities = Float64Array[];

/**
 * A fitted model an ensemble can combine: anything that predicts (and gives probabilities, for classes). Its
 * methods may return promises (an ONNX model, say): then use the ensembles' `…Async` methods.
 */
export interface Member {
  predict(X: FeatureRows): Outputs | Promise<Outputs>;
  predictProba?(X: FeatureRows): Probabilities | Promise<Probabilities>;
  toJSON(): ModelFile;
  classes?: Label[];
}

function now<T>(value: T | Promise<T>, m: number): T {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  ) {
    throw new StewardInputError(
      `member ${m} answers asynchronously (an ONNX model?): use the Async methods`,
      'models',
    );
  }
  return value as T;
}

function probaOf(member: Member, X: FeatureRows, m: number): Probabilities | Promise<Probabilities> {
  if (!member.predictProba)
    throw new StewardInputError(`member ${m} gives no probabilities: use hard voting`, 'models');
  return member.predictProba(X);
}

const allNow = <T>(values: (T | Promise<T>)[]): T[] => values.map((v, m) => now(v, m));

function sameClasses(members: readonly Member[]): Label[] | undefined {
  const first = members[0]?.classes;
  if (!first) return undefined;
  for (const [m, member] of members.entries()) {
    const c = member.classes ?? [];
    if (c.length !== first.length || c.some((v, i) => v !== first[i])) {
      throw new StewardInputError(
        `member ${m} has classes (${c.join(', ')}), member 0 has (${first.join(', ')})`,
        'models',
      );
    }
  }
  return first;
}

function checkMembers(models: readonly Member[]): void {
  if (!Array.isArray(models) || models.length < 2)
    throw new StewardInputError('an ensemble needs at least two models', 'models');
}

function mix(all: Probabilities[], weights: Float64Array): Probabilities {
  return (all[0] as Probabilities).map((first, r) => {
    const out = new Float64Array(first.length);
    for (const [m, rows] of all.entries()) {
      const row = rows[r] as Float64Array;
      for (let k = 0; k < out.length; k++)
        out[k] = (out[k] as number) + (weights[m] as number) * (row[k] as number);
    }
    return out;
  });
}

function mixValues(all: ArrayLike<number>[], weights: Float64Array): Float64Array {
  return Float64Array.from({ length: (all[0] as ArrayLike<number>).length }, (_, r) =>
    all.reduce((s, p, m) => s + (weights[m] as number) * (p[r] as number), 0),
  );
}

const softmax = (theta: Float64Array) => {
  const max = Math.max(...theta);
  const e = theta.map((t) => Math.exp(t - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/**
 * Weighted average of its members' predictions (numbers) or class probabilities. Weights are given, or fitted by
 * `fitWeights` to minimise the squared error or log loss on held-out rows, kept non-negative and summing to 1.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const a = new LogisticRegression().fit(X, y);
 * const b = new GaussianNB().fit(X, y);
 * const mix = new WeightedAverage([a, b], [0.5, 0.5]);
 * mix.predictProba([[2.5]]).map((p) => Array.from(p, (v) => Number(v.toFixed(3)))); // [[0.5,0.5]]
 * ```
 */
export class WeightedAverage {
  readonly models: Member[];
  weights: Float64Array;

  constructor(models: Member[], weights?: readonly number[]) {
    checkMembers(models);
    this.models = models;
    if (weights) {
      if (
        weights.length !== models.length ||
        weights.some((w) => !(w >= 0)) ||
        weights.every((w) => w === 0)
      ) {
        throw new StewardInputError('weights: one non-negative weight per model, not all zero', 'weights');
      }
      const sum = weights.reduce((a, b) => a + b, 0);
      this.weights = Float64Array.from(weights, (w) => w / sum);
    } else this.weights = new Float64Array(models.length).fill(1 / models.length);
  }

  get classes(): Label[] | undefined {
    return sameClasses(this.models);
  }

  /** Chooses the weights that minimise validation loss (log loss for classes, squared error for numbers). */
  fitWeights(X: FeatureRows, y: Labels | ArrayLike<number>): this {
    const outputs = this.classes
      ? allNow(this.models.map((m, i) => probaOf(m, X, i)))
      : allNow(this.models.map((m) => m.predict(X)));
    return this.fitWeightsOn(outputs, y);
  }

  async fitWeightsAsync(X: FeatureRows, y: Labels | ArrayLike<number>): Promise<this> {
    const outputs = this.classes
      ? await Promise.all(this.models.map((m, i) => probaOf(m, X, i)))
      : await Promise.all(this.models.map((m) => m.predict(X)));
    return this.fitWeightsOn(outputs, y);
  }

  private fitWeightsOn(outputs: (Probabilities | Outputs)[], y: Labels | ArrayLike<number>): this {
    const classes = this.classes;
    const M = this.models.length;
    let objective: (w: Float64Array, dw: Float64Array) => number;
    if (classes) {
      const index = new Map(classes.map((c, i) => [c, i]));
      const truth = Array.from(y as Labels, (l) => {
        const k = index.get(l);
        if (k === undefined)
          throw new StewardInputError(`label ${String(l)} is not one of the models' classes`, 'y');
        return k;
      });
      const p = (outputs as Probabilities[]).map((rows) =>
        rows.map((row, r) => row[truth[r] as number] as number),
      );
      objective = (w, dw) => {
        dw.fill(0);
        let loss = 0;
        for (let r = 0; r < truth.length; r++) {
          let mixed = 0;
          for (let m = 0; m < M; m++) mixed += (w[m] as number) * ((p[m] as number[])[r] as number);
          mixed = Math.max(mixed, 1e-15);
          loss -= Math.log(mixed);
          for (let m = 0; m < M; m++) dw[m] = (dw[m] as number) - ((p[m] as number[])[r] as number) / mixed;
        }
        return loss;
      };
    } else {
      const truth = Array.from(y as ArrayLike<number>);
      const f = (outputs as ArrayLike<number>[]).map((o) => Array.from(o));
      objective = (w, dw) => {
        dw.fill(0);
        let loss = 0;
        for (let r = 0; r < truth.length; r++) {
          let pred = 0;
          for (let m = 0; m < M; m++) pred += (w[m] as number) * ((f[m] as number[])[r] as number);
          const e = pred - (truth[r] as number);
          loss += e * e;
          for (let m = 0; m < M; m++) dw[m] = (dw[m] as number) + 2 * e * ((f[m] as number[])[r] as number);
        }
        return loss;
      };
    }
    // Weights as a softmax of free parameters: positive and summing to one without constraints.
    const result = minimize(
      (theta, grad) => {
        const w = softmax(theta);
        const dw = new Float64Array(M);
        const loss = objective(w, dw);
        let dot = 0;
        for (let m = 0; m < M; m++) dot += (w[m] as number) * (dw[m] as number);
        for (let m = 0; m < M; m++) grad[m] = (w[m] as number) * ((dw[m] as number) - dot);
        return loss;
      },
      new Float64Array(M),
      { gradientTolerance: 1e-9, maxIterations: 500 },
    );
    this.weights = softmax(result.x);
    return this;
  }

  predictProba(X: FeatureRows): Probabilities {
    if (!this.classes) throw new StewardInputError('predictProba needs classifiers', 'models');
    return mix(allNow(this.models.map((m, i) => probaOf(m, X, i))), this.weights);
  }

  async predictProbaAsync(X: FeatureRows): Promise<Probabilities> {
    if (!this.classes) throw new StewardInputError('predictProba needs classifiers', 'models');
    return mix(await Promise.all(this.models.map((m, i) => probaOf(m, X, i))), this.weights);
  }

  predict(X: FeatureRows): Label[] | Float64Array {
    const classes = this.classes;
    if (classes) return argmaxClasses(this.predictProba(X), classes);
    return mixValues(allNow(this.models.map((m) => m.predict(X))) as ArrayLike<number>[], this.weights);
  }

  async predictAsync(X: FeatureRows): Promise<Label[] | Float64Array> {
    const classes = this.classes;
    if (classes) return argmaxClasses(await this.predictProbaAsync(X), classes);
    return mixValues(
      (await Promise.all(this.models.map((m) => m.predict(X)))) as ArrayLike<number>[],
      this.weights,
    );
  }

  toJSON(): ModelFile<'WeightedAverage', Record<string, never>, { weights: number[]; models: ModelFile[] }> {
    return modelFile(
      'WeightedAverage',
      {},
      { weights: Array.from(this.weights), models: this.models.map((m) => m.toJSON()) },
    );
  }

  static fromJSON(json: unknown, restore: (file: unknown) => Member): WeightedAverage {
    const file = checkModelFile(json, 'WeightedAverage');
    const state = file.state as { weights?: unknown; models?: unknown };
    if (!Array.isArray(state.models))
      throw new StewardInputError('WeightedAverage model file: models missing', 'model');
    const weights = numbersField('WeightedAverage', 'weights', state.weights, state.models.length);
    return new WeightedAverage(state.models.map(restore), Array.from(weights));
  }
}

/**
 * Majority vote of predicted classes ('hard') or argmax of the averaged probabilities ('soft'), as VotingClassifier.
 *
 * @example
 * ```ts
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const members = [new LogisticRegression().fit(X, y), new GaussianNB().fit(X, y), new SGDClassifier().fit(X, y)];
 * Array.from(new Voting(members).predict([[0.5], [4.5]])); // [0,1]
 * ```
 */
export class Voting {
  readonly models: Member[];
  readonly voting: 'hard' | 'soft';
  readonly weights: Float64Array;

  constructor(models: Member[], options: { voting?: 'hard' | 'soft'; weights?: number[] } = {}) {
    checkMembers(models);
    this.models = models;
    this.voting = options.voting ?? 'hard';
    if (this.voting !== 'hard' && this.voting !== 'soft')
      throw new StewardInputError("voting must be 'hard' or 'soft'", 'voting');
    this.weights = Float64Array.from(options.weights ?? models.map(() => 1));
    if (this.weights.length !== models.length)
      throw new StewardInputError('weights: one per model', 'weights');
  }

  get classes(): Label[] {
    return sameClasses(this.models) ?? [];
  }

  private average(): WeightedAverage {
    const total = this.weights.reduce((a, b) => a + b, 0);
    return new WeightedAverage(
      this.models,
      Array.from(this.weights, (w) => w / total),
    );
  }

  predictProba(X: FeatureRows): Probabilities {
    if (this.voting === 'hard') throw new StewardInputError("probabilities need voting: 'soft'", 'voting');
    return this.average().predictProba(X);
  }

  async predictProbaAsync(X: FeatureRows): Promise<Probabilities> {
    if (this.voting === 'hard') throw new StewardInputError("probabilities need voting: 'soft'", 'voting');
    return this.average().predictProbaAsync(X);
  }

  predict(X: FeatureRows): Label[] {
    if (this.voting === 'soft') return argmaxClasses(this.predictProba(X), this.classes);
    return this.tally(allNow(this.models.map((m) => m.predict(X))));
  }

  async predictAsync(X: FeatureRows): Promise<Label[]> {
    if (this.voting === 'soft') return argmaxClasses(await this.predictProbaAsync(X), this.classes);
    return this.tally(await Promise.all(this.models.map((m) => m.predict(X))));
  }

  private tally(outputs: Outputs[]): Label[] {
    const votes = outputs.map((o) => Array.from(o as ArrayLike<Label>));
    const classes = sortedUnique(votes.flat());
    return (votes[0] as Label[]).map((_, r) => {
      const counts = classes.map(() => 0);
      for (const [m, v] of votes.entries()) {
        const k = classes.indexOf(v[r] as Label);
        counts[k] = (counts[k] as number) + (this.weights[m] as number);
      }
      return argmaxClasses([counts], classes)[0] as Label;
    });
  }

  toJSON(): ModelFile<'Voting', { voting: 'hard' | 'soft' }, { weights: number[]; models: ModelFile[] }> {
    return modelFile(
      'Voting',
      { voting: this.voting },
      { weights: Array.from(this.weights), models: this.models.map((m) => m.toJSON()) },
    );
  }

  static fromJSON(json: unknown, restore: (file: unknown) => Member): Voting {
    const file = checkModelFile(json, 'Voting');
    const state = file.state as { weights?: unknown; models?: unknown };
    if (!Array.isArray(state.models))
      throw new StewardInputError('Voting model file: models missing', 'model');
    const weights = numbersField('Voting', 'weights', state.weights, state.models.length);
    return new Voting(state.models.map(restore), {
      voting: (file.params as { voting: 'hard' | 'soft' }).voting,
      weights: Array.from(weights),
    });
  }
}

/** Something that makes a fresh, unfitted learner: stacking trains each base learner once per fold. */
export type LearnerFactory = () => Learner & Member;

/**
 * Stacking, as scikit-learn's StackingClassifier/Regressor: every base learner is trained k times to predict the
 * fold it did not see (out-of-fold predictions), a meta-learner learns from those predictions, and the base
 * learners are then refitted on all the rows.
 *
 * @example
 * ```ts
 * const X = Array.from({ length: 10 }, (_, i) => [i]);
 * const y = X.map(([v]) => Number(v >= 5));
 * const base = [() => new GaussianNB(), () => new LogisticRegression()];
 * const stack = new Stacking({ base, meta: () => new LogisticRegression() }, { folds: 2 }).fit(X, y);
 * Array.from(stack.predict([[1], [8]])); // [0,1]
 * ```
 */
export class Stacking {
  base: Member[] = [];
  meta: Member | undefined;
  readonly folds: number;
  readonly seed: number;

  constructor(
    private readonly factories: { base: LearnerFactory[]; meta: LearnerFactory },
    options: { folds?: number; seed?: number } = {},
  ) {
    if (!factories || factories.base.length < 1)
      throw new StewardInputError('stacking needs base learners', 'base');
    this.folds = options.folds ?? 5;
    this.seed = options.seed ?? 0;
  }

  get classes(): Label[] | undefined {
    return this.meta?.classes;
  }

  fit(X: FeatureRows, y: Labels | ArrayLike<number>): this {
    const rows = Array.from({ length: X.length }, (_, i) => X[i] as ArrayLike<number>);
    const labels = Array.from(y as ArrayLike<Label>);
    const classification =
      labels.some((l) => typeof l === 'string') || this.factories.meta().predictProba !== undefined;
    const splits = classification
      ? stratifiedKFold(labels, this.folds, { shuffle: true, seed: this.seed })
      : kFold(rows.length, this.folds, { shuffle: true, seed: this.seed });
    const features: number[][] = rows.map(() => []);
    for (const make of this.factories.base) {
      const column: number[][] = rows.map(() => []);
      for (const { train, test } of splits) {
        const model = make();
        model.fit(pick(rows, train) as never, pick(labels, train) as never);
        const out = this.metaFeatures(model, pick(rows, test) as number[][]);
        test.forEach((i, r) => {
          column[i] = out[r] as number[];
        });
      }
      for (const [i, f] of column.entries()) (features[i] as number[]).push(...f);
    }
    this.meta = this.factories.meta();
    (this.meta as Learner).fit(features, labels as never);
    this.base = this.factories.base.map((make) => {
      const model = make();
      model.fit(rows as never, labels as never);
      return model;
    });
    return this;
  }

  /** A base model's contribution to the meta-learner's input: probabilities (all but the first class) or the prediction. */
  private metaFeatures(model: Member, X: number[][]): number[][] {
    if (model.predictProba) {
      return now(model.predictProba(X), 0).map((p) => Array.from(p).slice(p.length === 2 ? 1 : 0));
    }
    return Array.from(now(model.predict(X), 0) as ArrayLike<number>, (v) => [v]);
  }

  private stacked(X: FeatureRows): number[][] {
    if (!this.meta) throw new StewardInputError('Stacking is not fitted yet: call fit first', 'model');
    const rows = Array.from({ length: X.length }, (_, i) => Array.from(X[i] as ArrayLike<number>));
    const parts = this.base.map((m) => this.metaFeatures(m, rows));
    return rows.map((_, r) => parts.flatMap((p) => p[r] as number[]));
  }

  predict(X: FeatureRows): ArrayLike<Label> | ArrayLike<number> {
    return now((this.meta as Member).predict(this.stacked(X)), 0);
  }

  predictProba(X: FeatureRows): Float64Array[] {
    return now(probaOf(this.meta as Member, this.stacked(X), 0), 0);
  }

  toJSON(): ModelFile<'Stacking', { folds: number; seed: number }, { base: ModelFile[]; meta: ModelFile }> {
    if (!this.meta) throw new StewardInputError('Stacking is not fitted yet: call fit first', 'model');
    return modelFile(
      'Stacking',
      { folds: this.folds, seed: this.seed },
      { base: this.base.map((m) => m.toJSON()), meta: this.meta.toJSON() },
    );
  }

  /** A restored stack predicts; to train again, build a new Stacking with factories. */
  static fromJSON(json: unknown, restore: (file: unknown) => Member): Stacking {
    const file = checkModelFile(json, 'Stacking');
    const state = file.state as { base?: unknown; meta?: unknown };
    if (!Array.isArray(state.base) || !state.meta)
      throw new StewardInputError('Stacking model file: base and meta are required', 'model');
    const params = file.params as { folds: number; seed: number };
    const stack = new Stacking(
      {
        base: [
          () => {
            throw new StewardInputError('a restored stack cannot be refitted', 'model');
          },
        ],
        meta: () => {
          throw new StewardInputError('a restored stack cannot be refitted', 'model');
        },
      },
      params,
    );
    stack.base = state.base.map(restore);
    stack.meta = restore(state.meta);
    return stack;
  }
}
