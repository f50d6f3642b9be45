import type { ClassValue } from '../spec/records.js';

/** Multiclass probabilities of a key, sorted by class; `text` (their JSON) is what tells two keys apart. */
export interface ProbaKey {
  readonly text: string;
  readonly pairs: ReadonlyArray<readonly [string, number]>;
}

/**
 * Distinct (label, output, score, proba) keys with a count each, in columns of typed arrays and an open-addressing
 * index: about 40 bytes a key where a Map of string keys to entry objects took about 220, which matters because a
 * busy window holds ~10^5 of them and the server keeps the states of many windows. Keys keep their first insertion
 * order; a key whose count returns to zero keeps its slot (so order is stable) until the next compaction.
 */
export class LabelColumns {
  /** A class value: a number as itself, a string as its code in `strings` (kind 1). */
  private labelValue = new Float64Array(16);
  private labelKind = new Uint8Array(16);
  private outputValue = new Float64Array(16);
  private outputKind = new Uint8Array(16);
  /** NaN for no score. */
  private scoreValue = new Float64Array(16);
  private weightValue = new Float64Array(16);
  /** Multiclass probabilities — only for keys that have them. */
  private probaKey: Array<ProbaKey | undefined> | undefined;
  private readonly strings: string[] = [];
  private readonly stringCode = new Map<string, number>();
  /** Slot + 1 per bucket, 0 when empty. */
  private index = new Int32Array(32);
  private slots = 0;
  private live = 0;

  /** Keys with a non-zero count. */
  get size(): number {
    return this.live;
  }

  /** Adds `weight` to the key's count (a new key when it has none). */
  add(
    label: ClassValue,
    output: ClassValue,
    score: number | null,
    proba: ProbaKey | undefined,
    weight: number,
  ): void {
    const lv = this.encode(label);
    const ov = this.encode(output);
    const lk = typeof label === 'number' ? 0 : 1;
    const ok = typeof output === 'number' ? 0 : 1;
    const sv = score === null ? Number.NaN : score;
    const mask = this.index.length - 1;
    let bucket = hash(lv, ov, sv, proba?.text) & mask;
    for (;;) {
      const at = this.index[bucket] as number;
      if (at === 0) break;
      const slot = at - 1;
      if (
        this.labelValue[slot] === lv &&
        this.labelKind[slot] === lk &&
        this.outputValue[slot] === ov &&
        this.outputKind[slot] === ok &&
        sameScore(this.scoreValue[slot] as number, sv) &&
        this.probaKey?.[slot]?.text === proba?.text
      ) {
        const before = this.weightValue[slot] as number;
        const after = before + weight;
        this.weightValue[slot] = after;
        if (before === 0 && after !== 0) this.live++;
        else if (before !== 0 && after === 0) this.live--;
        return;
      }
      bucket = (bucket + 1) & mask;
    }
    if (weight === 0) return;
    if (this.slots === this.labelValue.length) this.grow();
    const slot = this.slots++;
    this.labelValue[slot] = lv;
    this.labelKind[slot] = lk;
    this.outputValue[slot] = ov;
    this.outputKind[slot] = ok;
    this.scoreValue[slot] = sv;
    this.weightValue[slot] = weight;
    if (proba !== undefined) {
      this.probaKey ??= [];
      this.probaKey[slot] = proba;
    }
    this.live++;
    this.index[bucket] = slot + 1;
    if (this.slots * 2 > this.index.length) this.reindex();
  }

  /** Calls `visit` for every key with a non-zero count, in insertion order. */
  forEach(
    visit: (
      label: ClassValue,
      output: ClassValue,
      score: number | null,
      proba: ProbaKey | undefined,
      weight: number,
    ) => void,
  ): void {
    for (let slot = 0; slot < this.slots; slot++) {
      const weight = this.weightValue[slot] as number;
      if (weight === 0) continue;
      const score = this.scoreValue[slot] as number;
      visit(
        this.decode(this.labelValue[slot] as number, this.labelKind[slot] as number),
        this.decode(this.outputValue[slot] as number, this.outputKind[slot] as number),
        Number.isNaN(score) ? null : score,
        this.probaKey?.[slot],
        weight,
      );
    }
  }

  private encode(value: ClassValue): number {
    if (typeof value === 'number') return value + 0; // -0 is 0: one key, one bucket
    let code = this.stringCode.get(value);
    if (code === undefined) {
      code = this.strings.length;
      this.strings.push(value);
      this.stringCode.set(value, code);
    }
    return code;
  }

  private decode(value: number, kind: number): ClassValue {
    return kind === 0 ? value : (this.strings[value] as string);
  }

  /** Doubles the columns, first dropping keys whose count went back to zero when they are many. */
  private grow(): void {
    if (this.live * 2 < this.slots) {
      this.compact();
      return;
    }
    const size = this.labelValue.length * 2;
    this.labelValue = resized(this.labelValue, size);
    this.labelKind = resized(this.labelKind, size);
    this.outputValue = resized(this.outputValue, size);
    this.outputKind = resized(this.outputKind, size);
    this.scoreValue = resized(this.scoreValue, size);
    this.weightValue = resized(this.weightValue, size);
  }

  private compact(): void {
    let to = 0;
    for (let from = 0; from < this.slots; from++) {
      if (this.weightValue[from] === 0) continue;
      this.labelValue[to] = this.labelValue[from] as number;
      this.labelKind[to] = this.labelKind[from] as number;
      this.outputValue[to] = this.outputValue[from] as number;
      this.outputKind[to] = this.outputKind[from] as number;
      this.scoreValue[to] = this.scoreValue[from] as number;
      this.weightValue[to] = this.weightValue[from] as number;
      if (this.probaKey) this.probaKey[to] = this.probaKey[from];
      to++;
    }
    if (this.probaKey) this.probaKey.length = to;
    this.slots = to;
    this.reindex();
  }

  private reindex(): void {
    let buckets = this.index.length;
    while (this.slots * 2 > buckets) buckets *= 2;
    this.index = new Int32Array(buckets);
    const mask = buckets - 1;
    for (let slot = 0; slot < this.slots; slot++) {
      let bucket =
        hash(
          this.labelValue[slot] as number,
          this.outputValue[slot] as number,
          this.scoreValue[slot] as number,
          this.probaKey?.[slot]?.text,
        ) & mask;
      while (this.index[bucket] !== 0) bucket = (bucket + 1) & mask;
      this.index[bucket] = slot + 1;
    }
  }
}

function resized<T extends Float64Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

const sameScore = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function mix(h: number, value: number): number {
  bits[0] = value;
  return Math.imul(Math.imul(h ^ (words[0] as number), 0x01000193) ^ (words[1] as number), 0x01000193);
}

/** FNV-style mix of the key's words; the index masks it to its size. */
function hash(label: number, output: number, score: number, proba: string | undefined): number {
  let h = mix(mix(mix(0x811c9dc5, label), output), Number.isNaN(score) ? -1 : score);
  if (proba !== undefined)
    for (let i = 0; i < proba.length; i++) h = Math.imul(h ^ proba.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return h >>> 0;
}
