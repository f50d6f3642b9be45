import {
  buildAnalyzer,
  HeavyHitters,
  type HeavyHittersJSON,
  QuantileSketch,
  type QuantileSketchJSON,
} from '@steward/core';
import type { FeatureSpec, ModelSpec } from '../spec/model-spec.js';
import type { ClassValue, FeatureValue, PredictionRecord, VocabularySets } from '../spec/records.js';

/** Categories beyond this many distinct values per feature and window are counted together as `other`. */
export const MAX_CATEGORIES = 1000;

/** Words a text column's summary keeps per window (the most frequent, within the sketch's bound). */
export const TOKENS_KEPT = 100;

/** A text's words as the summary counts them: scikit-learn's default tokens (two or more word characters), lower-cased. */
const words = buildAnalyzer();

/** Unseen words a text column's summary keeps per window (the most frequent). */
export const UNSEEN_WORDS_KEPT = 20;

export type ColumnSummaryJSON =
  | { kind: 'numeric'; missing: number; sketch: QuantileSketchJSON }
  | { kind: 'categorical'; missing: number; counts: Record<string, number>; other: number }
  | {
      kind: 'text';
      missing: number;
      lengths: QuantileSketchJSON;
      tokens?: HeavyHittersJSON;
      /** Words checked against their serving version's vocabulary, and the unseen ones among them. */
      vocabulary?: { checked: number; unseen: HeavyHittersJSON };
    }
  | { kind: 'embedding'; missing: number; norms: QuantileSketchJSON };

export interface WindowProfileJSON {
  version: 1;
  count: number;
  features: Record<string, ColumnSummaryJSON>;
  output: ColumnSummaryJSON;
  score: ColumnSummaryJSON | null;
  /** Binary models: the scores of each serving version ('' for rows naming none); absent in older profiles. */
  scoreVersions?: Record<string, QuantileSketchJSON>;
}

/** Serving versions whose scores a window keeps apart; the scores of any more count under OTHER_VERSIONS. */
export const MAX_SCORE_VERSIONS = 16;
export const OTHER_VERSIONS = '*';

type ColumnKind = ColumnSummaryJSON['kind'];

/** A mergeable summary of one column in one window; counts merge exactly, quantiles within the sketch's 1%. */
export class ColumnSummary {
  missing = 0;
  private readonly sketch: QuantileSketch | undefined;
  private readonly counts: Map<string, number> | undefined;
  private other = 0;
  /** Text columns: the most frequent words (absent in summaries stored before they were kept). */
  private tokens: HeavyHitters | undefined;
  /**
   * Text columns: words of rows whose serving version has a vocabulary on record (`checked`), and those it never
   * learnt (`unseen`); absent in summaries stored before they were kept.
   */
  private vocabulary: { checked: number; unseen: HeavyHitters } | undefined;

  /** `sketch`: the one a stored summary was read with (numeric, text and embedding columns). */
  constructor(
    readonly kind: ColumnKind,
    sketch?: QuantileSketch,
  ) {
    if (kind === 'categorical') this.counts = new Map();
    else this.sketch = sketch ?? new QuantileSketch();
    if (kind === 'text' && !sketch) {
      this.tokens = new HeavyHitters({ capacity: TOKENS_KEPT });
      this.vocabulary = { checked: 0, unseen: new HeavyHitters({ capacity: UNSEEN_WORDS_KEPT }) };
    }
  }

  static fromJSON(json: ColumnSummaryJSON): ColumnSummary {
    if (json.kind === 'categorical') {
      const summary = new ColumnSummary(json.kind);
      summary.missing = json.missing;
      for (const [k, c] of Object.entries(json.counts)) summary.counts?.set(k, c);
      summary.other = json.other;
      return summary;
    }
    const sketchJson =
      json.kind === 'numeric' ? json.sketch : json.kind === 'text' ? json.lengths : json.norms;
    const summary = new ColumnSummary(json.kind, QuantileSketch.fromJSON(sketchJson));
    summary.missing = json.missing;
    if (json.kind === 'text' && json.tokens) summary.tokens = HeavyHitters.fromJSON(json.tokens);
    if (json.kind === 'text' && json.vocabulary)
      summary.vocabulary = {
        checked: json.vocabulary.checked,
        unseen: HeavyHitters.fromJSON(json.vocabulary.unseen),
      };
    return summary;
  }

  /** `vocabulary`: the words the version that served this value learnt (text columns), when it has them on record. */
  add(value: FeatureValue, vocabulary?: ReadonlySet<string>): void {
    if (value === null) {
      this.missing++;
      return;
    }
    switch (this.kind) {
      case 'numeric':
        this.sketch?.add(value as number);
        return;
      case 'categorical':
        this.addCategory(String(value), 1);
        return;
      case 'text':
        this.sketch?.add((value as string).length);
        if (this.tokens) {
          const counts = vocabulary ? this.vocabulary : undefined;
          for (const word of words(value as string)) {
            this.tokens.add(word);
            if (!(counts && vocabulary)) continue;
            counts.checked++;
            if (!vocabulary.has(word)) counts.unseen.add(word);
          }
        }
        return;
      case 'embedding': {
        let sq = 0;
        for (const x of value as number[]) sq += x * x;
        this.sketch?.add(Math.sqrt(sq));
        return;
      }
    }
  }

  merge(other: ColumnSummary): void {
    this.missing += other.missing;
    if (this.counts && other.counts) {
      for (const [k, c] of other.counts) this.addCategory(k, c);
      this.other += other.other;
    } else if (this.sketch && other.sketch) this.sketch.merge(other.sketch);
    // Words are known only while every part kept them: a part stored before they were kept leaves them unknown.
    if (this.tokens && other.tokens) this.tokens.merge(other.tokens);
    else this.tokens = undefined;
    if (this.vocabulary && other.vocabulary) {
      this.vocabulary.checked += other.vocabulary.checked;
      this.vocabulary.unseen.merge(other.vocabulary.unseen);
    } else this.vocabulary = undefined;
  }

  /** Values present plus missing. */
  get total(): number {
    return this.missing + this.present;
  }

  get present(): number {
    if (this.counts) {
      let n = this.other;
      for (const c of this.counts.values()) n += c;
      return n;
    }
    return this.sketch?.count ?? 0;
  }

  /** The quantile sketch of a numeric column (text: lengths; embedding: vector norms). */
  get quantiles(): QuantileSketch | undefined {
    return this.sketch;
  }

  /** A text column's most frequent words, when every part of the window kept them. */
  get words(): HeavyHitters | undefined {
    return this.tokens;
  }

  /**
   * A text column's words that their serving version never learnt: their share of the words checked (those of rows
   * whose version has a vocabulary on record) and the most frequent; undefined when no word could be checked.
   */
  get outOfVocabulary(): { share: number; checked: number; unseen: HeavyHitters } | undefined {
    const v = this.vocabulary;
    return v && v.checked > 0
      ? { share: v.unseen.total / v.checked, checked: v.checked, unseen: v.unseen }
      : undefined;
  }

  /** Category counts, sorted by count (categorical columns). */
  get categories(): Array<[string, number]> | undefined {
    return this.counts ? [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)) : undefined;
  }

  toJSON(): ColumnSummaryJSON {
    if (this.kind === 'categorical') {
      return {
        kind: 'categorical',
        missing: this.missing,
        counts: Object.fromEntries(this.counts ?? []),
        other: this.other,
      };
    }
    const sketch = (this.sketch as QuantileSketch).toJSON();
    if (this.kind === 'numeric') return { kind: 'numeric', missing: this.missing, sketch };
    if (this.kind === 'text')
      return {
        kind: 'text',
        missing: this.missing,
        lengths: sketch,
        ...(this.tokens ? { tokens: this.tokens.toJSON() } : {}),
        ...(this.vocabulary
          ? { vocabulary: { checked: this.vocabulary.checked, unseen: this.vocabulary.unseen.toJSON() } }
          : {}),
      };
    return { kind: 'embedding', missing: this.missing, norms: sketch };
  }

  /** A numeric column's distribution as (value, count) buckets, ascending; undefined for a categorical one. */
  histogram(): Array<[number, number]> | undefined {
    return this.sketch?.buckets();
  }

  private addCategory(key: string, count: number): void {
    const counts = this.counts as Map<string, number>;
    const current = counts.get(key);
    if (current !== undefined) counts.set(key, current + count);
    else if (counts.size < MAX_CATEGORIES) counts.set(key, count);
    else this.other += count;
  }
}

/**
 * The profile of one model's predictions in one window: per-feature summaries, the prediction distribution and
 * (binary) the score distribution. Built at ingest by each server process for its own share and merged on read.
 */
export class WindowProfile {
  count = 0;
  readonly features = new Map<string, ColumnSummary>();
  readonly output: ColumnSummary;
  readonly score: ColumnSummary | null;
  /**
   * Binary models: the scores of each version that served the window, so each is estimated with its own calibrator
   * (undefined when a part of the window was stored before they were kept apart).
   */
  scoreVersions: Map<string, QuantileSketch> | undefined;

  constructor(spec: Pick<ModelSpec, 'task' | 'features'>) {
    for (const f of spec.features) this.features.set(f.name, new ColumnSummary(f.type));
    this.output = new ColumnSummary(spec.task === 'regression' ? 'numeric' : 'categorical');
    this.score = spec.task === 'binary' ? new ColumnSummary('numeric') : null;
    this.scoreVersions = spec.task === 'binary' ? new Map() : undefined;
  }

  static fromJSON(spec: Pick<ModelSpec, 'task' | 'features'>, json: WindowProfileJSON): WindowProfile {
    const profile = new WindowProfile(spec);
    profile.count = json.count;
    for (const [name, summary] of Object.entries(json.features)) {
      if (profile.features.has(name)) profile.features.set(name, ColumnSummary.fromJSON(summary));
    }
    profile.output.merge(ColumnSummary.fromJSON(json.output));
    if (json.score && profile.score) profile.score.merge(ColumnSummary.fromJSON(json.score));
    profile.scoreVersions =
      profile.score && json.scoreVersions
        ? new Map(
            Object.entries(json.scoreVersions).map(([v, sketch]) => [v, QuantileSketch.fromJSON(sketch)]),
          )
        : profile.score && json.count === 0
          ? new Map()
          : undefined;
    return profile;
  }

  /** `vocabulary`: the words of each text column the version that served the record learnt, when on record. */
  add(record: PredictionRecord, vocabulary?: VocabularySets): void {
    this.count++;
    for (const [name, summary] of this.features)
      summary.add(record.features[name] ?? null, vocabulary?.get(name));
    this.output.add(record.output as ClassValue);
    if (this.score) this.score.add(record.score);
    if (this.scoreVersions && record.score !== null)
      this.versionScores(record.version ?? '').add(record.score);
  }

  private versionScores(version: string): QuantileSketch {
    const versions = this.scoreVersions as Map<string, QuantileSketch>;
    let sketch = versions.get(version);
    if (!sketch) {
      const key =
        versions.size < MAX_SCORE_VERSIONS - 1 || version === OTHER_VERSIONS ? version : OTHER_VERSIONS;
      sketch = versions.get(key) ?? new QuantileSketch();
      versions.set(key, sketch);
    }
    return sketch;
  }

  merge(other: WindowProfile): this {
    this.count += other.count;
    for (const [name, summary] of other.features) {
      const mine = this.features.get(name);
      if (mine) mine.merge(summary);
    }
    this.output.merge(other.output);
    if (this.score && other.score) this.score.merge(other.score);
    // Scores are known by version only while every part kept them so.
    if (this.scoreVersions && other.scoreVersions)
      for (const [version, sketch] of other.scoreVersions) this.versionScores(version).merge(sketch);
    else this.scoreVersions = undefined;
    return this;
  }

  toJSON(): WindowProfileJSON {
    const features: Record<string, ColumnSummaryJSON> = {};
    for (const [name, summary] of this.features) features[name] = summary.toJSON();
    return {
      version: 1,
      count: this.count,
      features,
      output: this.output.toJSON(),
      score: this.score?.toJSON() ?? null,
      ...(this.scoreVersions
        ? {
            scoreVersions: Object.fromEntries(
              [...this.scoreVersions].map(([version, sketch]) => [version, sketch.toJSON()]),
            ),
          }
        : {}),
    };
  }
}

export type { FeatureSpec };
