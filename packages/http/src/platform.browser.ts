// The browser build's platform.ts (ADR 0017): web APIs only, and Node-only features that fail
// with an error naming the field and what to do instead. Each export is typed as its Node
// twin's, so the two cannot drift apart.
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { nodeOnlyError as nodeOnly } from "./node-only.js";
import type * as Node from "./platform.js";

export const XET_AVAILABLE: typeof Node.XET_AVAILABLE = false;

export const homeDir: typeof Node.homeDir = () => "~";
export const joinPath: typeof Node.joinPath = (...parts) => parts.filter((p) => p !== "").join("/");

// A page has no token file: pass `token` or `tokenProvider` to createHubClient.
export const readTokenFileText: typeof Node.readTokenFileText = async () => undefined;

export const fileSize: typeof Node.fileSize = () => {
  throw nodeOnly("body.file", "sending a file by path", "send a Blob, a File or bytes with body.binary");
};
export const readFileRange: typeof Node.readFileRange = () => {
  throw nodeOnly("body.file", "sending a file by path", "send a Blob, a File or bytes with body.binary");
};

// No diagnostics_channel in a page: publishing costs nothing and nobody hears it.
const silent: Node.Publisher = { hasSubscribers: false, publish() {} };
export const publisher: typeof Node.publisher = () => silent;

// Without subscribers no span is ever opened, so no async context is needed.
export const createAsyncScope: typeof Node.createAsyncScope = <T>() => ({
  getStore: (): T | undefined => undefined,
  run: <R>(_value: T, fn: () => R): R => fn(),
});
export const snapshotScope: typeof Node.snapshotScope = () => (fn) => fn();

const encoder = new TextEncoder();
export const createStreamingHash: typeof Node.createStreamingHash = (algorithm) => {
  const hash = algorithm === "sha256" ? sha256.create() : sha1.create();
  const self: Node.StreamingHash = {
    update(bytes) {
      hash.update(typeof bytes === "string" ? encoder.encode(bytes) : bytes);
      return self;
    },
    digestHex: () => bytesToHex(hash.digest()),
  };
  return self;
};

export const base64Of: typeof Node.base64Of = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.byteLength; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
};

export const HeaderList: typeof Node.HeaderList = Headers;
