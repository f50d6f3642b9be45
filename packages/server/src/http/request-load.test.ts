import { describe, expect, it } from 'vitest';
import { BUSY_REQUESTS_PER_SECOND, RequestLoad } from './request-load.js';

describe('the request load', () => {
  it('counts the requests of the last second: busy above the threshold, quiet again a second later', () => {
    let now = 5_000;
    const load = new RequestLoad(() => now);
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
});
