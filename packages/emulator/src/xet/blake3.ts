import { createRequire } from "node:module";
import { createBLAKE3 } from "hash-wasm";

/**
 * Keyed BLAKE3 (ADR 0020): the Rust `blake3` crate through `@napi-rs/blake-hash` where its
 * prebuilt binary loads (x86-64 Linux here: ~4 GB/s on 64 KiB chunks, SIMD), hash-wasm
 * elsewhere (~0.5 GB/s). Neither is `@hfkit/xet`'s BLAKE3, so the emulator still checks the
 * client with an implementation of its own choosing (ADR 0010).
 */
export type Blake3Backend = "native" | "wasm";

/** A keyed BLAKE3 of 32 bytes, reusable: each call hashes one message (in one piece or several). */
export type KeyedBlake3 = (data: Uint8Array | readonly Uint8Array[]) => Uint8Array;

type NativeModule = typeof import("@napi-rs/blake-hash");

let native: NativeModule | null | undefined;

/** `@napi-rs/blake-hash`, or null when it is not installed or has no binary for this platform. */
function loadNative(): NativeModule | null {
  if (native !== undefined) return native;
  try {
    native = createRequire(import.meta.url)("@napi-rs/blake-hash") as NativeModule;
  } catch {
    native = null;
  }
  return native;
}

/** The backend used when none is asked for: native when it loads. */
export function defaultBlake3Backend(): Blake3Backend {
  return loadNative() ? "native" : "wasm";
}

export async function keyedBlake3(key: Uint8Array, backend: Blake3Backend): Promise<KeyedBlake3> {
  if (backend === "native") {
    const module = loadNative();
    if (!module) throw new Error("@napi-rs/blake-hash does not load on this platform: use the wasm backend");
    const hasher = module.Blake3Hasher.newKeyed(Buffer.from(key));
    return (data) => {
      hasher.reset();
      if (data instanceof Uint8Array) hasher.update(data);
      else for (const part of data) hasher.update(part);
      return hasher.digestBuffer();
    };
  }
  const hasher = await createBLAKE3(256, key);
  return (data) => {
    hasher.init();
    if (data instanceof Uint8Array) hasher.update(data);
    else for (const part of data) hasher.update(part);
    return hasher.digest("binary");
  };
}
