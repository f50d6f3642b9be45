const encoder = new TextEncoder();
// Strings are encoded into this buffer, grown as needed: hashing millions of tokens allocates nothing per token.
let scratch = new Uint8Array(256);

/**
 * MurmurHash3 (x86, 32 bits) of `key`'s UTF-8 bytes, as a signed 32-bit integer: scikit-learn's
 * `murmurhash3_32(key, seed)`, the hash its `HashingVectorizer` and `FeatureHasher` use.
 *
 * @example murmurhash3("foo"); // -156908512
 */
export function murmurhash3(key: string | Uint8Array, seed = 0): number {
  if (typeof key !== 'string') return hashBytes(key, key.length, seed);
  if (isAscii(key)) return hashAscii(key, seed);
  if (scratch.length < key.length * 3) scratch = new Uint8Array(key.length * 3);
  return hashBytes(scratch, encoder.encodeInto(key, scratch).written, seed);
}

function hashBytes(bytes: Uint8Array, length: number, seed: number): number {
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4)
    h = mixBlock(
      h,
      (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24),
    );
  let k = 0;
  const tail = length & 3;
  if (tail === 3) k ^= (bytes[blocks + 2] as number) << 16;
  if (tail >= 2) k ^= (bytes[blocks + 1] as number) << 8;
  if (tail >= 1) k ^= bytes[blocks] as number;
  return finish(h, k, tail, length);
}

function isAscii(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The same hash read straight from the string's code units when they are all ASCII (one byte each in UTF-8). */
function hashAscii(key: string, seed: number): number {
  const length = key.length;
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4)
    h = mixBlock(
      h,
      key.charCodeAt(i) |
        (key.charCodeAt(i + 1) << 8) |
        (key.charCodeAt(i + 2) << 16) |
        (key.charCodeAt(i + 3) << 24),
    );
  let k = 0;
  const tail = length & 3;
  if (tail === 3) k ^= key.charCodeAt(blocks + 2) << 16;
  if (tail >= 2) k ^= key.charCodeAt(blocks + 1) << 8;
  if (tail >= 1) k ^= key.charCodeAt(blocks);
  return finish(h, k, tail, length);
}

function scramble(k: number): number {
  const mixed = Math.imul(k, 0xcc9e2d51);
  return Math.imul((mixed << 15) | (mixed >>> 17), 0x1b873593);
}

function mixBlock(h: number, k: number): number {
  const mixed = h ^ scramble(k);
  return (Math.imul((mixed << 13) | (mixed >>> 19), 5) + 0xe6546b64) | 0;
}

/** The tail's bytes (if any), the length, and the final avalanche. */
function finish(h: number, tailBlock: number, tail: number, length: number): number {
  let out = tail > 0 ? h ^ scramble(tailBlock) : h;
  out ^= length;
  out ^= out >>> 16;
  out = Math.imul(out, 0x85ebca6b);
  out ^= out >>> 13;
  out = Math.imul(out, 0xc2b2ae35);
  out ^= out >>> 16;
  return out | 0;
}
