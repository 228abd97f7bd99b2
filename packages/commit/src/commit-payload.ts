import { base64Of } from "@hfkit/http";
import type { PlannedAdd, PlannedOp } from "./plan.js";

export interface CommitHeader {
  summary: string;
  description?: string | undefined;
  parentCommit?: string | undefined;
  /**
   * The commit's lines, when made ahead of the commit (`commitLines` of this header and the
   * same operations): a folder upload makes the next part's while the Hub answers a commit.
   */
  lines?: AsyncIterable<unknown>;
}

/** Regular files read ahead of the line being sent: small files overlap their reads. */
const READ_AHEAD_FILES = 16;
const READ_AHEAD_BYTES = 8 << 20;

function inline(op: PlannedOp): PlannedAdd | undefined {
  return op.kind === "add" && !op.ignored && !op.unchanged && op.mode !== "lfs" ? op : undefined;
}

/**
 * Reads the regular files of `ops` a few at a time ahead of use (at most 16 files and 8 MiB
 * beyond the one being sent), in order.
 */
function readAhead(ops: readonly PlannedOp[]) {
  const reads = new Map<number, { bytes: Promise<Uint8Array>; size: number }>();
  let next = 0;
  let buffered = 0;
  return (index: number): Promise<Uint8Array> => {
    next = Math.max(next, index);
    while (next < ops.length && reads.size < READ_AHEAD_FILES) {
      const add = inline(ops[next]!);
      if (add) {
        const size = add.source.size;
        if (reads.size > 0 && buffered + size > READ_AHEAD_BYTES) break;
        const bytes = add.source.all();
        bytes.catch(() => {}); // surfaced when awaited, in order
        reads.set(next, { bytes, size });
        buffered += size;
      }
      next++;
    }
    const read = reads.get(index);
    if (!read) return inline(ops[index]!)!.source.all();
    reads.delete(index);
    buffered -= read.size;
    return read.bytes;
  };
}

/**
 * The NDJSON lines of a commit (hub-protocol.md 6.3): the header, then one line per
 * operation in the caller's order. A generator, so the body is streamed: regular files are
 * read (and base64-encoded) as the request goes out, a few ahead, never all at once.
 * Regular content is always sent as base64, as both official clients do.
 */
export async function* commitLines(header: CommitHeader, ops: readonly PlannedOp[]): AsyncGenerator<unknown> {
  yield {
    key: "header",
    value: {
      summary: header.summary,
      ...(header.description !== undefined ? { description: header.description } : {}),
      ...(header.parentCommit !== undefined ? { parentCommit: header.parentCommit } : {}),
    },
  };
  const contentOf = readAhead(ops);
  for (const [index, op] of ops.entries()) {
    switch (op.kind) {
      case "add": {
        if (op.ignored || op.unchanged) continue;
        if (op.mode === "lfs") {
          yield {
            key: "lfsFile",
            value: { path: op.path, algo: "sha256", oid: op.sha256, size: op.source.size },
          };
          continue;
        }
        yield {
          key: "file",
          value: { content: base64Of(await contentOf(index)), path: op.path, encoding: "base64" },
        };
        continue;
      }
      case "delete":
        yield { key: op.folder ? "deletedFolder" : "deletedFile", value: { path: op.path } };
        continue;
      case "copy":
        if (op.content !== undefined) {
          yield {
            key: "file",
            value: { content: base64Of(op.content), path: op.path, encoding: "base64" },
          };
        } else {
          // A same-repo LFS copy is an lfsFile line naming the existing object (huggingface_hub
          // CommitOperationCopy); the size is added when known, as the JS client always does.
          yield {
            key: "lfsFile",
            value: {
              path: op.path,
              algo: "sha256",
              oid: op.oid,
              ...(op.size !== undefined ? { size: op.size } : {}),
            },
          };
        }
    }
  }
}
