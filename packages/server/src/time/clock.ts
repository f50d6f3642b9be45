/**
 * Where the server reads the time: every stamp the store keeps (arrival of predictions and labels, alias changes,
 * update runs, rollouts, checks) comes from one clock. Production uses the system clock; a backtest replays history
 * on a simulated one, so the same code decides what it would have decided then. Job leases and caches are about
 * the machine, not the data: they stay on wall time.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to, and only forward. */
export class SimulatedClock implements Clock {
  private time: number;

  constructor(start: number) {
    if (!Number.isFinite(start)) throw new Error(`a simulated clock needs a finite start time, got ${start}`);
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Moves the clock to `time`; moving it back is refused (stamps would go out of order). */
  set(time: number): void {
    if (!(time >= this.time))
      throw new Error(
        `the simulated clock cannot go back from ${new Date(this.time).toISOString()} to ${new Date(time).toISOString()}`,
      );
    this.time = time;
  }
}
