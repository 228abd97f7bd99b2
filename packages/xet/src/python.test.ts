import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { afterAll, describe, expect, it } from "vitest";
import { hashToHex, hexToHash, loadXetHashes } from "./hash.js";
import { hashXetFile } from "./hash-file.js";
import { parseShard } from "./shard.js";
import { splitmixBytes } from "./test-utils/index.js";
import { decodeXorbChunks } from "./xorb.js";

// hf_xet (the Rust client behind huggingface_hub) as the judge: it hashes files locally, and
// with a `local://` endpoint writes real xorbs and shards to disk, no server involved.

const dir = mkdtempSync(join(tmpdir(), "hfkit-xet-py-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const floats = new Uint8Array(new Float32Array(600_000).map((_, i) => Math.sin(i / 40) * 3).buffer);
const files: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  "one-byte": Uint8Array.of(42),
  "one-chunk": new Uint8Array(128 * 1024), // zeros: exactly one chunk, cut at the maximum
  "128k-plus-1": splitmixBytes(128 * 1024 + 1, 3),
  "random-5mb": splitmixBytes(5_000_000, 11),
  "floats-2.4mb": floats,
};
const paths = Object.fromEntries(
  Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return [name, path];
  }),
);

describe.skipIf(pythonSkipReason())("against hf_xet", () => {
  it("gives every file the Xet hash hf_xet.hash_files gives it", { timeout: 300_000 }, async () => {
    const out = await runPython(
      `import hf_xet, json, sys
paths = json.loads(sys.stdin.read())
print(json.dumps([[i.hash, i.file_size] for i in hf_xet.hash_files(paths)]))`,
      { input: JSON.stringify(Object.values(paths)) },
    );
    const theirs = JSON.parse(out) as [string, number][];
    const ours = await Promise.all(Object.values(paths).map((path) => hashXetFile({ path })));
    expect(ours.map((o) => [o.xetHash, o.size])).toEqual(theirs);
    expect(ours[0]!.xetHash).toBe("0".repeat(64));
    expect(ours[2]!.chunks).toHaveLength(1);
    expect(ours[3]!.chunks.length).toBeGreaterThanOrEqual(2);
  });

  it("reads the xorbs and shards hf_xet writes, and agrees on every hash in them", {
    timeout: 300_000,
  }, async () => {
    const cas = join(dir, "cas");
    const names = ["one-byte", "128k-plus-1", "random-5mb", "floats-2.4mb"];
    const out = await runPython(
      `import hf_xet, json, sys
args = json.loads(sys.stdin.read())
infos = hf_xet.upload_files(args["paths"], "local://" + args["cas"], None, None, None, "model")
print(json.dumps([[i.hash, i.file_size, i.sha256] for i in infos]))`,
      { input: JSON.stringify({ paths: names.map((n) => paths[n]), cas }) },
    );
    const uploaded = JSON.parse(out) as [string, number, string][];
    const hashes = await loadXetHashes();
    const shardDir = join(cas, "xet", "xorbs", "shards");
    const shards = readdirSync(shardDir).map((f) => parseShard(readFileSync(join(shardDir, f))));
    const fileInfos = new Map(shards.flatMap((s) => s.files).map((f) => [hashToHex(f.fileHash), f]));
    const xorbInfos = new Map(shards.flatMap((s) => s.xorbs).map((x) => [hashToHex(x.hash), x]));
    const xorbDir = join(cas, "xet", "xorbs", "xorbs");
    const xorbFiles = new Map(
      readdirSync(xorbDir).map((f) => [f.replace(/^default\./, ""), join(xorbDir, f)]),
    );

    for (const [i, name] of names.entries()) {
      const ours = await hashXetFile({ path: paths[name]! });
      const [xetHash, size, sha256] = uploaded[i]!;
      expect([ours.xetHash, ours.size, ours.sha256]).toEqual([xetHash, size, sha256]);
      const info = fileInfos.get(xetHash);
      expect(info, `${name} is in a shard`).toBeDefined();
      // xet-core keeps the SHA-256 as a MerkleHash (DataHash::from_be_bytes): the shard holds its
      // bytes in the hash byte order, so the *hash string* of the field is the usual hex digest.
      expect(hashToHex(info!.sha256!)).toBe(sha256);
      // Walk the terms: each names a xorb range whose chunks must be ours, in order, and whose
      // verification hash we compute the same from our chunk hashes.
      let next = 0;
      const content: Buffer[] = [];
      for (const term of info!.terms) {
        const xorb = xorbInfos.get(hashToHex(term.xorbHash))!;
        const range = xorb.chunks.slice(term.chunkStart, term.chunkEnd);
        const mine = ours.chunks.slice(next, next + range.length);
        expect(range.map((c) => [hashToHex(c.hash), c.size])).toEqual(mine.map((c) => [c.hash, c.size]));
        expect(term.verification).toEqual(hashes.verification(mine.map((c) => hexToHash(c.hash))));
        expect(term.size).toBe(mine.reduce((s, c) => s + c.size, 0));
        next += range.length;
        const decoded = decodeXorbChunks(
          readFileSync(xorbFiles.get(hashToHex(term.xorbHash))!),
          xorb.chunks.length,
        );
        content.push(
          Buffer.from(
            decoded.data.subarray(decoded.offsets[term.chunkStart], decoded.offsets[term.chunkEnd]),
          ),
        );
      }
      expect(next).toBe(ours.chunks.length);
      expect(Buffer.concat(content).equals(Buffer.from(files[name]!))).toBe(true);
    }
    for (const xorb of xorbInfos.values()) {
      expect(hashToHex(hashes.xorb(xorb.chunks))).toBe(hashToHex(xorb.hash));
      let offset = 0;
      for (const chunk of xorb.chunks) {
        expect(chunk.offset).toBe(offset);
        offset += chunk.size;
      }
      expect(xorb.rawBytes).toBe(offset);
    }
  });
});
