// Which streaming SHA-256 should the browser build of @hfkit/commit and @hfkit/repo use
// (ADR 0017)? Hashes 64 MiB in 4 MiB chunks with @noble/hashes (pure JS, streaming),
// hash-wasm (WebAssembly, streaming, already used by @hfkit/xet), WebCrypto's one-shot
// digest (needs the whole buffer) and node:crypto as the reference; same V8 as Chromium's.
// Medians of interleaved runs, MB/s. Usage: node browser-sha256.mjs [sizeMiB=64] [runs=5]
import { createHash } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { createSHA256 } from "hash-wasm";
import { median } from "./lib.mjs";

const sizeMiB = Number(process.argv[2] ?? 64);
const runs = Number(process.argv[3] ?? 5);
const data = new Uint8Array(sizeMiB << 20);
for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
const CHUNK = 4 << 20;
const chunks = [];
for (let i = 0; i < data.length; i += CHUNK) chunks.push(data.subarray(i, i + CHUNK));

const ways = {
  "@noble/hashes": async () => {
    const h = sha256.create();
    for (const c of chunks) h.update(c);
    return Buffer.from(h.digest()).toString("hex");
  },
  "hash-wasm": async () => {
    const h = await createSHA256();
    for (const c of chunks) h.update(c);
    return h.digest("hex");
  },
  "WebCrypto (one shot)": async () =>
    Buffer.from(await crypto.subtle.digest("SHA-256", data)).toString("hex"),
  "node:crypto": async () => {
    const h = createHash("sha256");
    for (const c of chunks) h.update(c);
    return h.digest("hex");
  },
};
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const digests = new Set();
for (let r = 0; r < runs; r++) {
  for (const [name, way] of Object.entries(ways)) {
    const start = performance.now();
    digests.add(await way());
    times[name].push(performance.now() - start);
  }
}
if (digests.size !== 1) throw new Error(`the implementations disagree: ${[...digests].join(", ")}`);
for (const [name, t] of Object.entries(times)) {
  console.log(
    `${name.padEnd(22)} ${((sizeMiB * 1.048576) / (median(t) / 1000)).toFixed(0).padStart(6)} MB/s`,
  );
}
