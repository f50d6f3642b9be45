import { StewardInputError } from '../errors.js';

const N = 624;
const M = 397;

/**
 * Python's `random.Random` (Mersenne Twister MT19937, seeded by `init_by_array` as CPython does for an integer
 * seed), so that KSWIN draws exactly the samples River draws and fires at the same index. Only what KSWIN needs:
 * `getrandbits`, `random`, `randbelow`, `randint` and `sample(range(n), k)` (the Agrawal stream uses it too).
 */
export class PythonRandom {
  private mt = new Uint32Array(N);
  private index = N + 1;

  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed)) throw new StewardInputError('seed must be a safe integer', 'seed');
    let value = Math.abs(seed);
    const key: number[] = [];
    do {
      key.push(value % 0x100000000);
      value = Math.floor(value / 0x100000000);
    } while (value > 0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit output (`genrand_uint32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.getrandbits(k)` for 0 ≤ k ≤ 32. */
  getrandbits(k: number): number {
    if (k === 0) return 0;
    return this.nextUint32() >>> (32 - k);
  }

  /** `random.random()`: 53 random bits in [0, 1). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random._randbelow(n)`: a uniform integer in [0, n) by rejection on bit_length(n) bits (n < 2^32). */
  randbelow(n: number): number {
    if (n === 0) return 0;
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** A Poisson draw by Knuth's product of uniforms, as River's `utils.random.poisson(rate, rng)`. */
  poisson(rate: number): number {
    const limit = Math.exp(-rate);
    let k = 0;
    let p = 1;
    while (p > limit) {
      k++;
      p *= this.random();
    }
    return k - 1;
  }

  /** `random.randint(a, b)`: a uniform integer in [a, b]. */
  randint(a: number, b: number): number {
    return a + this.randbelow(b - a + 1);
  }

  /** `random.sample(range(n), k)`, with CPython 3.11's choice between the pool and the set method. */
  sampleRange(n: number, k: number): number[] {
    if (!(k >= 0 && k <= n)) throw new StewardInputError('sample larger than population', 'k');
    let setSize = 21;
    if (k > 5) setSize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    const out = new Array<number>(k);
    if (n <= setSize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        out[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        out[i] = j;
      }
    }
    return out;
  }

  getState(): { mt: number[]; index: number } {
    return { mt: Array.from(this.mt), index: this.index };
  }

  setState(state: { mt: number[]; index: number }): void {
    if (!Array.isArray(state?.mt) || state.mt.length !== N)
      throw new StewardInputError('invalid random state', 'state');
    this.mt = Uint32Array.from(state.mt);
    this.index = state.index;
  }
}
