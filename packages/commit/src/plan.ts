import { InvalidInputError } from "@hfkit/http";
import { localFile } from "./file-source.js";
import { SAMPLE_BYTES } from "./preupload.js";
import { blobSource, bytesSource, type ContentSource, streamSource, uploadedSource } from "./source.js";
import type { CommitOperation } from "./types.js";
import { checkFolderInRepo, checkNonNegativeInteger, checkPathInRepo } from "./validate.js";

/** An added file as it moves through the phases; each phase fills in what it learns. */
export interface PlannedAdd {
  kind: "add";
  path: string;
  source: ContentSource;
  /** Names the operation in errors (`operations[3]`). */
  field: string;
  /** From preupload. */
  mode?: "regular" | "lfs";
  ignored?: boolean;
  /** What the revision holds at this path now (git blob id, or SHA-256 for LFS files). */
  remoteOid?: string;
  sha256?: string;
  gitOid?: string;
  /** The revision already holds this content: left out of the commit. */
  unchanged?: boolean;
  /** An object sent earlier (`uploaded`): committed by its SHA-256, never uploaded here. */
  uploaded?: boolean;
}

export type PlannedOp =
  | PlannedAdd
  | { kind: "delete"; path: string; folder: boolean }
  | {
      kind: "copy";
      path: string;
      field: string;
      oid?: string;
      size?: number;
      from?: string;
      /** A regular source file's bytes, sent inline. */
      content?: Uint8Array;
    };

const encoder = new TextEncoder();

/** `operations[0]` + `file` → `operations[0].file`; top-level options (`uploadFile`) have no prefix. */
const sub = (field: string, key: string) => (field ? `${field}.${key}` : key);

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function uploaded(raw: unknown, field: string): { source: ContentSource; oid: string } {
  const at = sub(field, "uploaded");
  const object = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof object.oid !== "string" || !/^[0-9a-f]{64}$/.test(object.oid)) {
    throw new InvalidInputError(
      `${at}.oid: give the object's SHA-256 as 64 lowercase hex characters, as preuploadFiles returns it.`,
      { field: `${at}.oid` },
    );
  }
  const size = checkNonNegativeInteger(object.size, `${at}.size`);
  // atob, not Buffer: this module is in the browser build too (ADR 0017).
  const sample = typeof object.sample === "string" ? fromBase64(object.sample) : undefined;
  if (!sample || sample.byteLength > SAMPLE_BYTES || sample.byteLength > size) {
    throw new InvalidInputError(
      `${at}.sample: give the first ${SAMPLE_BYTES} bytes of the file in base64, as preuploadFiles returns it.`,
      { field: `${at}.sample` },
    );
  }
  return { source: uploadedSource(sample, size, at), oid: object.oid };
}

function addSource(op: Record<string, unknown>, field: string): ContentSource | Promise<ContentSource> {
  const given = ["content", "file", "stream", "uploaded"].filter((key) => op[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidInputError(
      `${field || "options"}: give exactly one of content, file, stream or uploaded (got ${given.join(", ") || "none"}).`,
      { field: field || "options" },
    );
  }
  const { content, file, stream } = op;
  if (file !== undefined) return localFile(file, sub(field, "file"));
  if (stream !== undefined) {
    if (typeof stream !== "function") {
      throw new InvalidInputError(`${sub(field, "stream")}: give a function that returns a fresh stream.`, {
        field: sub(field, "stream"),
      });
    }
    const size = checkNonNegativeInteger(op.size, sub(field, "size"));
    return streamSource(stream as () => AsyncIterable<Uint8Array>, size, sub(field, "stream"));
  }
  if (typeof content === "string") return bytesSource(encoder.encode(content));
  if (content instanceof Uint8Array) return bytesSource(content);
  if (content instanceof ArrayBuffer) return bytesSource(new Uint8Array(content));
  if (typeof Blob !== "undefined" && content instanceof Blob) return blobSource(content);
  throw new InvalidInputError(
    `${sub(field, "content")}: give a string, a Uint8Array, an ArrayBuffer or a Blob.`,
    {
      field: sub(field, "content"),
    },
  );
}

/** One added file, checked: `raw` holds `content`, `file` or `stream` + `size`. */
export async function planAdd(
  path: string,
  raw: Record<string, unknown>,
  field: string,
): Promise<PlannedAdd> {
  if (raw.uploaded !== undefined && ["content", "file", "stream"].every((key) => raw[key] === undefined)) {
    const { source, oid } = uploaded(raw.uploaded, field);
    return { kind: "add", path, source, field: field || "file", sha256: oid, uploaded: true };
  }
  return { kind: "add", path, source: await addSource(raw, field), field: field || "file" };
}

async function planOne(op: CommitOperation, field: string): Promise<PlannedOp> {
  const raw = op as unknown as Record<string, unknown>;
  switch (op?.type) {
    case "add": {
      return planAdd(checkPathInRepo(op.path, `${field}.path`), raw, field);
    }
    case "delete":
      // A file already on the Hub: it may predate the path rule, and deleting it must stay possible.
      return { kind: "delete", path: checkPathInRepo(op.path, `${field}.path`, "existing"), folder: false };
    case "delete-folder":
      return { kind: "delete", path: checkFolderInRepo(op.path, `${field}.path`, "existing"), folder: true };
    case "copy": {
      const path = checkPathInRepo(op.path, `${field}.path`);
      if ((raw.oid === undefined) === (raw.from === undefined)) {
        throw new InvalidInputError(
          `${field}: a copy needs exactly one of oid (a SHA-256) or from (a path).`,
          {
            field,
          },
        );
      }
      if (raw.from !== undefined)
        return { kind: "copy", path, field, from: checkPathInRepo(raw.from, `${field}.from`, "existing") };
      if (typeof raw.oid !== "string" || !/^[0-9a-f]{64}$/.test(raw.oid)) {
        throw new InvalidInputError(
          `${field}.oid: give the LFS object's SHA-256 as 64 lowercase hex characters.`,
          {
            field: `${field}.oid`,
          },
        );
      }
      const size = raw.size === undefined ? undefined : checkNonNegativeInteger(raw.size, `${field}.size`);
      return { kind: "copy", path, field, oid: raw.oid, ...(size !== undefined ? { size } : {}) };
    }
    default:
      throw new InvalidInputError(
        `${field}.type: "${String((op as { type?: unknown })?.type)}" is not an operation; use add, delete, delete-folder or copy.`,
        { field: `${field}.type` },
      );
  }
}

/** Checks every operation (and stats every local file) before anything is sent. */
export async function planOperations(operations: readonly CommitOperation[]): Promise<PlannedOp[]> {
  if (!Array.isArray(operations)) {
    throw new InvalidInputError("operations: give an array of operations.", { field: "operations" });
  }
  const planned = await Promise.all(operations.map((op, i) => planOne(op, `operations[${i}]`)));
  const targets = new Map<string, number>();
  planned.forEach((op, i) => {
    if (op.kind === "delete") return;
    const first = targets.get(op.path);
    if (first !== undefined) {
      throw new InvalidInputError(
        `operations[${i}].path: "${op.path}" is already written by operations[${first}]; keep one of them.`,
        { field: `operations[${i}].path` },
      );
    }
    targets.set(op.path, i);
  });
  return planned;
}
