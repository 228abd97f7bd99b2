/** SplitMix64 bytes, as xet-core's chunking tests make them (portable, seedable). */
export function splitmixBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length + 8);
  const view = new DataView(out.buffer);
  const mask = (1n << 64n) - 1n;
  let state = BigInt(seed);
  for (let at = 0; at < length; at += 8) {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    z ^= z >> 31n;
    view.setBigUint64(at, z, true);
  }
  return out.subarray(0, length);
}

/**
 * The Xet hash hf_xet.hash_files gives `splitmixBytes(5_000_000, 11)` ("random-5mb" in
 * python.test.ts, which asks hf_xet each run): checked against both BLAKE3 backends.
 */
export const RANDOM_5MB_XET_HASH = "89dc745aa2f155d48b46e3076717b6b4278c04cbadf301f06bb20eb3ce563d03";

/** Cumulative chunk ends, as xet-core's tests compare them. */
export function boundariesOf(chunks: readonly Uint8Array[]): number[] {
  let total = 0;
  return chunks.map((c) => (total += c.byteLength));
}

export async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Fast deterministic noise (xorshift32) for large test inputs. */
export function noiseBytes(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, length);
}
