import { performance } from 'node:perf_hooks';

/** More requests than this in the last second and the server counts as busy. */
export const BUSY_REQUESTS_PER_SECOND = 200;
/**
 * More requests than this in the last second while the event loop was busy more than BUSY_UTILISATION of that
 * second also count as busy: when several processes share a model's traffic, each may take fewer than
 * BUSY_REQUESTS_PER_SECOND and still spend its time recomputing windows for every poll.
 */
export const LOADED_REQUESTS_PER_SECOND = 50;
export const BUSY_UTILISATION = 0.5;

const SLOTS = 10;
const SLOT_MS = 100;

/** The share of the last second the event loop spent running code (not waiting for I/O), 0–1. */
export type UtilisationSource = () => number;

/**
 * The event loop's utilisation (Node's `eventLoopUtilization`) between the last two measurements, taken at most once a
 * second, when asked: over the last second while the server is read often, over a longer span after a quiet spell.
 */
export function eventLoopUtilisation(now: () => number = () => performance.now()): UtilisationSource {
  let mark = performance.eventLoopUtilization();
  let markedAt = now();
  let last = 0;
  return () => {
    const t = now();
    if (t - markedAt >= 1000) {
      const current = performance.eventLoopUtilization();
      last = performance.eventLoopUtilization(current, mark).utilization;
      mark = current;
      markedAt = t;
    }
    return last;
  };
}

/**
 * How many requests came in the last second (wall time, in tenths). While the server is busy, dashboard reads may
 * answer a window's profile and metrics up to a second old instead of recomputing them for every poll (on a busy
 * model labels land in dozens of windows a second); a server that is not busy answers what is stored, but for a
 * large window (see LARGE_WINDOW_ENTRIES), which is recomputed at most once a second.
 */
export class RequestLoad {
  private readonly counts = new Array<number>(SLOTS).fill(0);
  private slot = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly utilisation: UtilisationSource = eventLoopUtilisation(now),
    /** The store's clock (a replay's simulated one): reads measure their ages on it. */
    private readonly storeNow: () => number = () => Date.now(),
  ) {
    this.slot = Math.floor(this.now() / SLOT_MS);
  }

  received(): void {
    this.advance();
    this.counts[this.slot % SLOTS] = (this.counts[this.slot % SLOTS] as number) + 1;
  }

  /** Requests received in the last second. */
  get perSecond(): number {
    this.advance();
    return this.counts.reduce((a, b) => a + b, 0);
  }

  get busy(): boolean {
    const perSecond = this.perSecond;
    return (
      perSecond > BUSY_REQUESTS_PER_SECOND ||
      (perSecond > LOADED_REQUESTS_PER_SECOND && this.utilisation() > BUSY_UTILISATION)
    );
  }

  /** How old a read may let a window's profile and metrics be, now (ms). */
  get maxAgeMs(): number {
    return this.busy ? 1000 : 0;
  }

  /**
   * What an API read of windows allows: any window a second old while busy, a large one always; a second on the
   * store's clock, which a replay moves ahead at every step.
   */
  get readAges(): { maxAgeMs: number; largeMaxAgeMs: number; now: number } {
    return { maxAgeMs: this.maxAgeMs, largeMaxAgeMs: 1000, now: this.storeNow() };
  }

  private advance(): void {
    const slot = Math.floor(this.now() / SLOT_MS);
    for (let s = this.slot + 1; s <= Math.min(slot, this.slot + SLOTS); s++) this.counts[s % SLOTS] = 0;
    this.slot = Math.max(this.slot, slot);
  }
}
