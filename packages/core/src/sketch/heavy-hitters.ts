import { StewardInputError } from '../errors.js';

/** The serialised form of a {@link HeavyHitters}: its counters as `[item, count]` pairs, largest first. */
export interface HeavyHittersJSON {
  kind: 'heavy-hitters';
  version: 1;
  capacity: number;
  /** Every count added, kept or not. */
  total: number;
  counters: Array<[string, number]>;
}

/**
 * The most frequent items of a stream in bounded memory, mergeable (Misra–Gries, with the merge of Agarwal et al.,
 * "Mergeable summaries", PODS 2012): an item's count is never over-estimated and is under-estimated by at most
 * (total − kept)/(capacity + 1), so every item more frequent than total/(capacity + 1) is kept. Counters grow to
 * twice `capacity` before the smallest are cut (so a new item costs a map update, not a sort) and are cut to
 * `capacity` when saved; exact while the stream has at most that many distinct items. Merging sketches of parts of
 * a stream keeps the same bound, whatever the order (the counters themselves may differ with the order).
 *
 * @example
 * const s = new HeavyHitters({ capacity: 2 });
 * for (const w of 'a b a c a b a d'.split(' ')) s.add(w);
 * s.top(2); // [{"item":"a","count":4},{"item":"b","count":2}]
 */
export class HeavyHitters {
  readonly capacity: number;
  private counters = new Map<string, number>();
  private added = 0;

  constructor(options: { capacity?: number } = {}) {
    const capacity = options.capacity ?? 100;
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 100_000))
      throw new StewardInputError(
        `capacity must be an integer from 1 to 100,000, got ${capacity}`,
        'capacity',
      );
    this.capacity = capacity;
  }

  /** Counts added, kept or not. */
  get total(): number {
    return this.added;
  }

  /** How far below its true count an item's estimate may be. */
  get maxError(): number {
    let kept = 0;
    for (const c of this.counters.values()) kept += c;
    return (this.added - kept) / (this.capacity + 1);
  }

  add(item: string, count = 1): void {
    if (!(count > 0 && Number.isFinite(count)))
      throw new StewardInputError(`count must be a positive number, got ${count}`, 'count');
    this.added += count;
    const current = this.counters.get(item);
    if (current !== undefined) {
      this.counters.set(item, current + count);
      return;
    }
    this.counters.set(item, count);
    if (this.counters.size > 2 * this.capacity) this.shrink();
  }

  merge(other: HeavyHitters): this {
    this.added += other.added;
    for (const [item, count] of other.counters)
      this.counters.set(item, (this.counters.get(item) ?? 0) + count);
    if (this.counters.size > 2 * this.capacity) this.shrink();
    return this;
  }

  /** The `n` largest estimates (default all), largest first; ties by item. */
  top(n = this.capacity): Array<{ item: string; count: number }> {
    return this.sorted()
      .slice(0, n)
      .map(([item, count]) => ({ item, count }));
  }

  toJSON(): HeavyHittersJSON {
    if (this.counters.size > this.capacity) this.shrink();
    return {
      kind: 'heavy-hitters',
      version: 1,
      capacity: this.capacity,
      total: this.added,
      counters: this.sorted(),
    };
  }

  static fromJSON(json: HeavyHittersJSON): HeavyHitters {
    if (json?.kind !== 'heavy-hitters' || json.version !== 1 || !Array.isArray(json.counters))
      throw new StewardInputError('not a heavy-hitters sketch (kind heavy-hitters, version 1)', 'sketch');
    const sketch = new HeavyHitters({ capacity: json.capacity });
    for (const pair of json.counters) {
      const [item, count] = pair;
      if (typeof item !== 'string' || !(typeof count === 'number' && count > 0))
        throw new StewardInputError('a heavy-hitters counter is [item, positive count]', 'sketch');
      sketch.counters.set(item, count);
    }
    if (sketch.counters.size > 2 * sketch.capacity)
      throw new StewardInputError(`more counters than the capacity ${sketch.capacity}`, 'sketch');
    sketch.added = json.total;
    return sketch;
  }

  private sorted(): Array<[string, number]> {
    return [...this.counters].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Keeps `capacity` counters: every counter less the (capacity + 1)-th largest, the non-positive ones dropped. */
  private shrink(): void {
    const counts = [...this.counters.values()].sort((a, b) => b - a);
    const cut = counts[this.capacity] as number;
    const kept = new Map<string, number>();
    for (const [item, count] of this.counters) if (count > cut) kept.set(item, count - cut);
    this.counters = kept;
  }
}
