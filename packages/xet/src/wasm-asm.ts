import { channel } from "node:diagnostics_channel";

// The few pieces needed to write a WebAssembly module out byte by byte (the binary format of
// the core spec, sections 5.2–5.5): the hot loops of this package are small enough to assemble
// here from their instructions, with no toolchain and nothing fetched.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/**
 * A module, section or function body being written: every byte is appended to one growing
 * Uint8Array. The assembler used to build nested arrays joined with spreads, concat and
 * flatMap: 14 ms of the first Xet upload's CPU at load 5, ~67 ms on a loaded VM (issue 19).
 */
export class WasmWriter {
  #bytes = new Uint8Array(256);
  length = 0;

  #room(n: number): Uint8Array {
    if (this.length + n > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.#bytes.length, this.length + n));
      grown.set(this.#bytes.subarray(0, this.length));
      this.#bytes = grown;
    }
    return this.#bytes;
  }

  /** Appends bytes: opcodes, one-byte immediates, types. */
  op(...bytes: number[]): this {
    const out = this.#room(bytes.length);
    for (const byte of bytes) out[this.length++] = byte;
    return this;
  }

  /** Appends bytes already encoded (a constant run, another writer's `bytes()`). */
  append(bytes: ArrayLike<number>): this {
    const out = this.#room(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[this.length++] = bytes[i] as number;
    return this;
  }

  /** Unsigned LEB128 of a u32. */
  uleb(value: number): this {
    const out = this.#room(5);
    let n = value >>> 0;
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out[this.length++] = byte;
    } while (n !== 0);
    return this;
  }

  /** Signed LEB128 of an i64 (bit pattern taken modulo 2^64). */
  sleb64(value: bigint): this {
    const out = this.#room(10);
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
      out[this.length++] = done ? byte : byte | 0x80;
      if (done) return this;
    }
  }

  /** A name: its UTF-8 length, then its bytes. */
  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return this.uleb(utf8.length).append(utf8);
  }

  /** `write`'s bytes prefixed by their length (a section's or a body's size). */
  sized(write: (w: WasmWriter) => void): this {
    const inner = new WasmWriter();
    write(inner);
    return this.uleb(inner.length).append(inner.bytes());
  }

  /** Section `id`, its contents written by `write`. */
  section(id: number, write: (w: WasmWriter) => void): this {
    return this.op(id).sized(write);
  }

  /** A vector: its length, then each item written by `write`. */
  vector<T>(items: readonly T[], write: (w: WasmWriter, item: T) => void): this {
    this.uleb(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** A function body: its locals (already encoded as runs), then its code, `end` appended. */
  body(locals: readonly number[], code: (w: WasmWriter) => void): this {
    return this.sized((w) => {
      w.append(locals);
      code(w);
      w.op(0x0b);
    });
  }

  /** The bytes written so far (a view: copy it before writing more). */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.length);
  }
}

/** Encoded by a throwaway writer: for constant runs built once (shuffles, opcodes with immediates). */
export const encode = (write: (w: WasmWriter) => void): Uint8Array => {
  const w = new WasmWriter();
  write(w);
  return w.bytes();
};

/** The magic number and version 1 that open every module. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

// The project's lib (ES2023, no DOM) does not declare WebAssembly's constructors.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The `node:diagnostics_channel` name of `wasmChannel` (exported as `XET_CHANNELS.wasm`). */
export const WASM_CHANNEL = "hfkit:xet:wasm";

/**
 * Receives `{ module }` ("lz4", "blake3", "gear") each time @hfkit/xet instantiates one of its
 * WebAssembly modules, so that a caller can see that an LFS-only upload built none of them.
 */
export const wasmChannel = channel(WASM_CHANNEL);
