// Everything Node-specific that the shared modules of @hfkit/http need, in one place. The
// browser build swaps this file for platform.browser.ts (ADR 0017): same names, web APIs.
import { AsyncLocalStorage } from "node:async_hooks";
import { channel } from "node:diagnostics_channel";
import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { nodeCrypto } from "./node-builtins.js";

/** Xet transfers need node:fs and worker-free WebAssembly loading: Node only for now. */
export const XET_AVAILABLE: boolean = true;

export const homeDir = (): string => homedir();
export const joinPath = (...parts: string[]): string => join(...parts);

/** The token file's text, or undefined when it does not exist. */
export async function readTokenFileText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** A file's size, for a `{ file }` request body. */
export const fileSize = (path: string): number => statSync(path).size;

/** Bytes `[start, end)` of a file, read 4 MiB at a time (the default 64 KiB halves throughput). */
export const readFileRange = (path: string, start: number, end: number): AsyncIterable<Uint8Array> =>
  createReadStream(path, { start, end: end - 1, highWaterMark: 4 << 20 });

/** A diagnostics channel: what the libraries publish on (ADR 0016). */
export interface Publisher {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** The named `node:diagnostics_channel` channel. */
export const publisher = (name: string): Publisher => channel(name);

/** Async context for span parents (`AsyncLocalStorage` on Node). */
export interface AsyncScope<T> {
  getStore(): T | undefined;
  run<R>(value: T, fn: () => R): R;
}
export const createAsyncScope = <T>(): AsyncScope<T> => new AsyncLocalStorage<T>();
/** Captures the current async context: the returned function runs `fn` inside it. */
export const snapshotScope = (): (<R>(fn: () => R) => R) => AsyncLocalStorage.snapshot();

/** A streaming hash with a hex digest: SHA-256 for LFS objects, SHA-1 for git blob ids. */
export interface StreamingHash {
  update(bytes: Uint8Array | string): StreamingHash;
  digestHex(): string;
}
export function createStreamingHash(algorithm: "sha256" | "sha1"): StreamingHash {
  // node:crypto at the first hash, not at import (node-builtins.ts): a run that sends nothing never needs it.
  const hash = nodeCrypto().createHash(algorithm);
  const self: StreamingHash = {
    update(bytes) {
      hash.update(bytes);
      return self;
    },
    digestHex: () => hash.digest("hex"),
  };
  return self;
}

/** Base64 of bytes (commit payloads, preupload samples). */
export const base64Of = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
