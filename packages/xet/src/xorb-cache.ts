import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { hashToHex, hexToHash, type XetHash } from "./hash.js";

/** One xorb the CAS accepted in an earlier run: enough to reference its chunks again. */
export interface CachedXorb {
  hash: XetHash;
  hex: string;
  chunks: { hash: XetHash; size: number }[];
  serializedBytes: number;
  /** A shard naming it was uploaded; otherwise the next shard lists it in its CAS info. */
  registered: boolean;
}

/** Past this size the record starts over (it only saves re-uploads; losing it is harmless). */
const MAX_RECORD_BYTES = 64 << 20;

/**
 * A small on-disk record of the xorbs this machine uploaded to one CAS, one NDJSON line per
 * accepted xorb and one per uploaded shard. A re-run (after a crash, or of an edited file)
 * deduplicates against it, so accepted xorbs are not sent again (hub-docs deduplication.md,
 * "Level 2: cached metadata"). Lines are appended after each accepted upload; a torn last
 * line (a crash mid-write) is ignored.
 */
export class XorbCache {
  readonly xorbs = new Map<string, CachedXorb>();

  private constructor(private readonly file: string | undefined) {}

  /** An empty cache that writes nothing. */
  static disabled(): XorbCache {
    return new XorbCache(undefined);
  }

  static async open(dir: string, casUrl: string): Promise<XorbCache> {
    const id = createHash("sha256").update(casUrl).digest("hex").slice(0, 16);
    const file = join(dir, `xorbs-${id}.ndjson`);
    await mkdir(dir, { recursive: true });
    const cache = new XorbCache(file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return cache;
      throw error;
    }
    if (text.length > MAX_RECORD_BYTES) {
      await rm(file, { force: true });
      return cache;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let entry: { t?: string; h?: string; b?: number; c?: [string, number][]; x?: string[] };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      try {
        if (entry.t === "xorb" && entry.h && Array.isArray(entry.c)) {
          cache.xorbs.set(entry.h, {
            hash: hexToHash(entry.h),
            hex: entry.h,
            chunks: entry.c.map(([h, size]) => ({ hash: hexToHash(h), size })),
            serializedBytes: entry.b ?? 0,
            registered: false,
          });
        } else if (entry.t === "shard" && Array.isArray(entry.x)) {
          for (const hex of entry.x) {
            const xorb = cache.xorbs.get(hex);
            if (xorb) xorb.registered = true;
          }
        }
      } catch {
        // A line from another version, or damaged: skip it.
      }
    }
    return cache;
  }

  async recordXorb(xorb: {
    hash: XetHash;
    chunks: { hash: XetHash; size: number }[];
    serializedBytes: number;
  }) {
    const hex = hashToHex(xorb.hash);
    this.xorbs.set(hex, { ...xorb, hex, registered: false });
    await this.append({
      t: "xorb",
      h: hex,
      b: xorb.serializedBytes,
      c: xorb.chunks.map((c) => [hashToHex(c.hash), c.size]),
    });
  }

  async recordShard(xorbHexes: readonly string[]) {
    for (const hex of xorbHexes) {
      const xorb = this.xorbs.get(hex);
      if (xorb) xorb.registered = true;
    }
    if (xorbHexes.length > 0) await this.append({ t: "shard", x: xorbHexes });
  }

  /** Forgets a xorb the CAS no longer has (a reset emulator, an expired upload). */
  forget(hex: string): void {
    this.xorbs.delete(hex);
  }

  private async append(entry: unknown): Promise<void> {
    if (this.file) await appendFile(this.file, `${JSON.stringify(entry)}\n`);
  }
}
