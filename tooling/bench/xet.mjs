// @hfkit/xet: chunking + hashing throughput against a plain SHA-256 of the same file, and one
// upload of the file to a stub CAS (time, peak RSS), then the bytes a re-upload sends after
// 1 MB in the middle changed. Medians of interleaved runs; the stub is pinned to CPU 1, the
// hashing runs on CPU 0.
// Usage: node xet.mjs [sizeMiB=2048] [runs=3]
import { execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashXetFile } from "@hfkit/xet";
import { ensureFile, median, pinSelf, startProcess } from "./lib.mjs";

const sizeMiB = Number(process.argv[2] ?? 2048);
const runs = Number(process.argv[3] ?? 3);
const bytes = sizeMiB * 2 ** 20;
// Bytes that never repeat (Xet would deduplicate a repeated block down to one).
const file = ensureFile(join(tmpdir(), `hfkit-bench-unique-${sizeMiB}MiB.bin`), bytes);
const MB = (seconds) => Math.round(bytes / 1e6 / seconds);

async function sha256File(path) {
  const hash = createHash("sha256");
  const handle = await open(path);
  const buffer = Buffer.allocUnsafe(4 << 20);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
  }
  await handle.close();
  return hash.digest("hex");
}

pinSelf(0);
const sha = [];
const xet = [];
for (let i = 0; i < runs; i++) {
  let start = performance.now();
  await sha256File(file);
  sha.push((performance.now() - start) / 1000);
  start = performance.now();
  await hashXetFile({ path: file });
  xet.push((performance.now() - start) / 1000);
}
console.log(
  `chunk + hash (${sizeMiB} MiB, chunks + BLAKE3 + Merkle + SHA-256): ${MB(median(xet))} MB/s; ` +
    `plain SHA-256 ${MB(median(sha))} MB/s (xet at ${Math.round((100 * median(sha)) / median(xet))}% of it)`,
);

const stub = await startProcess(new URL("./xet-cas-stub.mjs", import.meta.url).pathname, [], 1);
const once = (path, cacheDir) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [new URL("./xet-upload-once.mjs", import.meta.url).pathname, stub.line, path, cacheDir],
      {
        encoding: "utf8",
      },
    ),
  );
try {
  const uploads = [];
  for (let i = 0; i < runs; i++) uploads.push(once(file, "none"));
  console.log(
    `upload (${sizeMiB} MiB, no dedup): ${median(uploads.map((u) => u.seconds)).toFixed(2)} s, ${MB(median(uploads.map((u) => u.seconds)))} MB/s, peak RSS ${Math.max(...uploads.map((u) => u.maxRssMB))} MB`,
  );
  const dir = mkdtempSync(join(tmpdir(), "hfkit-bench-xet-"));
  try {
    const edited = join(dir, "edited.bin");
    copyFileSync(file, edited);
    const fd = openSync(edited, "r+");
    writeSync(fd, randomFillSync(Buffer.alloc(1 << 20)), 0, 1 << 20, Math.floor(bytes / 2));
    closeSync(fd);
    const cache = join(dir, "cache");
    const first = once(file, cache);
    const second = once(edited, cache);
    console.log(
      `re-upload with 1 MiB changed in the middle: ${(second.bytesUploaded / 1e6).toFixed(2)} MB of xorbs sent (first upload ${(first.bytesUploaded / 1e6).toFixed(0)} MB), peak RSS ${second.maxRssMB} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  stub.stop();
}
