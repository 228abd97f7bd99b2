import { channel } from "node:diagnostics_channel";

// The few pieces needed to write a WebAssembly module out byte by byte (the binary format of
// the core spec, sections 5.2–5.5): the hot loops of this package are small enough to assemble
// here from their instructions, with no toolchain and nothing fetched.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb64(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

// Joined with concat, not spread: spreading the ~20,000 bytes of a function body into array
// literals took a tenth of a second.
export const name = (s: string): number[] => uleb(s.length).concat(Array.from(new TextEncoder().encode(s)));
export const vector = (items: number[][]): number[] => uleb(items.length).concat(...items);
export const section = (id: number, bytes: number[]): number[] => [id].concat(uleb(bytes.length), bytes);
/** A function body: its locals (already encoded as runs) and its code, `end` appended. */
export const body = (locals: number[], code: number[]): number[] => {
  const bytes = locals.concat(code, [0x0b]);
  return uleb(bytes.length).concat(bytes);
};

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
