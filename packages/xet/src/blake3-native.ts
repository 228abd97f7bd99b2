import { createRequire } from "node:module";

// Keyed BLAKE3 on the Rust `blake3` crate through `@napi-rs/blake-hash` (ADR 0009 addendum):
// 3.8–4.3 GB/s of CPU on 8–128 KiB chunks on an AVX-512 x86-64 VM, against 1.2–1.3 GB/s for
// our WebAssembly SIMD kernel (blake3-simd.ts). An optional dependency: where it is not
// installed or has no prebuilt binary, the require fails and the caller keeps WebAssembly.

type NativeModule = typeof import("@napi-rs/blake-hash");

let native: NativeModule | null | undefined;

/** `@napi-rs/blake-hash`, or null when it is absent or its binary does not load here (once per process). */
function loadNative(): NativeModule | null {
  if (native === undefined) {
    try {
      native = createRequire(import.meta.url)("@napi-rs/blake-hash") as NativeModule;
    } catch {
      native = null;
    }
  }
  return native;
}

/**
 * A keyed BLAKE3 (32-byte output) of one message at a time on the Rust crate, or undefined
 * where it does not load. The bytes are passed as they are (a view of the caller's slab, no
 * copy); each call costs ~1–2 µs of napi overhead, so small messages (Merkle nodes,
 * verification hashes) stay on WebAssembly, which is as fast or faster below ~1 KiB.
 */
export function createKeyedBlake3Native(key: Uint8Array): ((data: Uint8Array) => Uint8Array) | undefined {
  const module = loadNative();
  if (!module) return undefined;
  const hasher = module.Blake3Hasher.newKeyed(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  return (data) => {
    hasher.reset();
    hasher.update(data);
    return hasher.digestBuffer();
  };
}
