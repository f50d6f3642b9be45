import { describe, expect, it } from 'vitest';
import {
  BUSY_REQUESTS_PER_SECOND,
  BUSY_UTILISATION,
  eventLoopUtilisation,
  LOADED_REQUESTS_PER_SECOND,
  RequestLoad,
} from './request-load.js';

describe('the request load', () => {
  it('counts the requests of the last second: busy above the threshold, quiet again a second later', () => {
    let now = 5_000;
    const load = new RequestLoad(
      () => now,
      () => 0,
    );
    for (let i = 0; i < BUSY_REQUESTS_PER_SECOND; i++) {
      load.received();
      now += 500 / BUSY_REQUESTS_PER_SECOND;
    }
    expect(load.perSecond).toBe(BUSY_REQUESTS_PER_SECOND);
    expect(load.busy).toBe(false);
    expect(load.maxAgeMs).toBe(0);
    load.received();
    expect(load.busy).toBe(true);
    expect(load.maxAgeMs).toBe(1000);
    // Within the second they all count; a second after the last one, none does.
    now += 300;
    expect(load.perSecond).toBe(BUSY_REQUESTS_PER_SECOND + 1);
    now += 1000;
    expect(load.perSecond).toBe(0);
    expect(load.busy).toBe(false);
    now += 60_000;
    load.received();
    expect(load.perSecond).toBe(1);
  });

  it('counts a process as busy at fewer requests when its event loop is more than half busy', () => {
    const now = 5_000;
    let utilisation = BUSY_UTILISATION + 0.1;
    const load = new RequestLoad(
      () => now,
      () => utilisation,
    );
    for (let i = 0; i < LOADED_REQUESTS_PER_SECOND; i++) load.received();
    // At the lower threshold, not above it: a loaded loop alone does not make a few requests busy.
    expect(load.busy).toBe(false);
    load.received();
    expect(load.busy).toBe(true);
    expect(load.maxAgeMs).toBe(1000);
    utilisation = BUSY_UTILISATION - 0.1;
    expect(load.busy).toBe(false);
    expect(load.maxAgeMs).toBe(0);
  });

  it("measures the event loop's utilisation over the last full second", async () => {
    let now = 0;
    const utilisation = eventLoopUtilisation(() => now);
    expect(utilisation()).toBe(0);
    // A second in which the loop ran code without a break.
    const until = performance.now() + 150;
    while (performance.now() < until) {}
    now = 1000;
    expect(utilisation()).toBeGreaterThan(0.5);
    // Within the next second the same figure stands.
    await new Promise((resolve) => setTimeout(resolve, 150));
    now = 1500;
    expect(utilisation()).toBeGreaterThan(0.5);
    now = 2000;
    expect(utilisation()).toBeLessThan(0.5);
  });
});
