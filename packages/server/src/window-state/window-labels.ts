import type { ModelSpec } from '../spec/model-spec.js';
import type { ClassValue } from '../spec/records.js';
import { LabelColumns, type ProbaKey } from './label-columns.js';
import { computeMetrics, type ScoredRow, type WindowMetrics } from './window-metrics.js';

/** One distinct labelled prediction of a window and how many times it counts. */
export interface LabelEntry {
  label: ClassValue;
  output: ClassValue;
  score: number | null;
  proba: Record<string, number> | null;
  weight: number;
}

/** `[label, output, score, proba, weight]`, proba with its classes in sorted order. */
export type LabelEntryJSON = [ClassValue, ClassValue, number | null, Array<[string, number]> | null, number];

export interface WindowLabelsJSON {
  version: 1;
  entries: LabelEntryJSON[];
}

/**
 * The labelled predictions of a window as a multiset: each distinct (label, output, score, proba) once, with how many
 * times it counts. Labels change it as they land (a correction takes the old entry out and puts the new one in), so
 * a window's metrics never need its raw rows; states merge by adding counts, so every process keeps its own shard
 * and a shard may hold a negative count that another shard's entry cancels. Metrics are scikit-learn's on the rows
 * the counts stand for (an integer weight is exactly a repeated row): every metric, ranking ones included, stays exact.
 */
export class WindowLabels {
  private readonly columns = new LabelColumns();
  private total = 0;

  static fromJSON(json: WindowLabelsJSON): WindowLabels {
    if (json?.version !== 1 || !Array.isArray(json.entries))
      throw new Error('not a window labels state (expected version 1 and entries)');
    const state = new WindowLabels();
    for (const [label, output, score, proba, weight] of json.entries) {
      state.total += weight;
      state.columns.add(label, output, score, proba === null ? undefined : probaKey(proba), weight);
    }
    return state;
  }

  /** Counts a labelled prediction `weight` more times (negative: takes it out). */
  add(row: Omit<LabelEntry, 'weight'>, weight = 1): this {
    const proba =
      row.proba === null || row.proba === undefined ? undefined : probaKey(sortedProba(row.proba));
    this.total += weight;
    this.columns.add(row.label, row.output, row.score, proba, weight);
    return this;
  }

  /** Adds `other`'s counts (`sign` -1: takes them out). */
  merge(other: WindowLabels, sign: 1 | -1 = 1): this {
    other.columns.forEach((label, output, score, proba, weight) => {
      this.total += sign * weight;
      this.columns.add(label, output, score, proba, sign * weight);
    });
    return this;
  }

  /** Labelled predictions counted (negative counts included: a shard alone may be below zero). */
  get labelled(): number {
    return this.total;
  }

  /** Distinct entries held (what reading, writing and computing metrics cost). */
  get size(): number {
    return this.columns.size;
  }

  get empty(): boolean {
    return this.columns.size === 0;
  }

  /** Entries whose count is below zero: none in a complete (merged) state. */
  get negative(): number {
    let n = 0;
    this.columns.forEach((_l, _o, _s, _p, weight) => {
      if (weight < 0) n++;
    });
    return n;
  }

  metrics(spec: ModelSpec): WindowMetrics {
    const rows: ScoredRow[] = [];
    const weights: number[] = [];
    this.columns.forEach((label, output, score, proba, weight) => {
      rows.push({
        label,
        output,
        score,
        proba: proba === undefined ? null : Object.fromEntries(proba.pairs),
      });
      weights.push(weight);
    });
    return computeMetrics(spec, rows, weights);
  }

  toJSON(): WindowLabelsJSON {
    const entries: LabelEntryJSON[] = [];
    this.columns.forEach((label, output, score, proba, weight) => {
      entries.push([
        label,
        output,
        score,
        proba === undefined ? null : proba.pairs.map(([k, v]) => [k, v]),
        weight,
      ]);
    });
    return { version: 1, entries };
  }
}

function sortedProba(proba: Record<string, number>): Array<[string, number]> {
  return Object.keys(proba)
    .sort()
    .map((k) => [k, proba[k] as number]);
}

function probaKey(pairs: Array<[string, number]>): ProbaKey {
  return { text: JSON.stringify(pairs), pairs };
}
