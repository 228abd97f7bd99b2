import type { RepoDesignation } from "@hfkit/http";

/** Bytes held in memory: text (sent as UTF-8), bytes, or a Blob/File. */
export type InMemoryContent = string | Uint8Array | ArrayBuffer | Blob;

/** A stream factory of known size. Called once per pass (sample, hash, each upload attempt). */
export type StreamFactory = () => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * An LFS object already in the Hub's storage, as `preuploadFiles` returns it: committed by
 * reference, so the commit sends no bytes. Plain data (it crosses worker threads and JSON).
 */
export interface UploadedObject {
  /** SHA-256 of the content, 64 lowercase hex characters. */
  oid: string;
  size: number;
  /**
   * The first 512 bytes, base64: sent with the commit's preupload question, so that the Hub
   * sorts the path into LFS or regular storage as it did when the object was uploaded.
   */
  sample: string;
}

/**
 * Node only: a local file whose SHA-256 the caller already computed (for instance while it
 * wrote the file), so that it is not read once more to hash it before the upload. Only the
 * digest's form is checked: a wrong one would name the wrong object, so give it only when it was
 * computed from the file's bytes (the emulator, which checks each upload's SHA-256, refuses it).
 */
export interface HashedLocalFile {
  /** The local path. */
  path: string;
  /** SHA-256 of the file's bytes, 64 lowercase hex characters. */
  sha256: string;
  /**
   * Its Xet chunks, when computed already (`XetFileHasher` of `@hfkit/xet`, while the file was
   * written): an Xet upload cuts the file at their sizes instead of chunking and hashing it.
   */
  chunks?: readonly { hash: string; size: number }[];
}

/**
 * Adds or replaces a file. Give exactly one source: `content` (in memory), `file` (a local
 * path, read in 4 MiB chunks and never held whole; or, in Node, `{ path, sha256 }` when its
 * SHA-256 is known), `stream` with its `size`, or `uploaded` (an object `preuploadFiles`
 * already sent).
 */
export type CommitAdd = { type: "add"; path: string } & (
  | { content: InMemoryContent; file?: never; stream?: never; uploaded?: never }
  | { file: string | HashedLocalFile; content?: never; stream?: never; uploaded?: never }
  | { stream: StreamFactory; size: number; content?: never; file?: never; uploaded?: never }
  | { uploaded: UploadedObject; content?: never; file?: never; stream?: never }
);

/** Deletes one file. */
export interface CommitDeleteFile {
  type: "delete";
  path: string;
}

/** Deletes a folder and everything under it. */
export interface CommitDeleteFolder {
  type: "delete-folder";
  path: string;
}

/**
 * Points `path` at an LFS object the repo already stores, without uploading it again:
 * either by its SHA-256 (`oid`) or by the path of an existing file (`from`, at the commit's
 * revision; a regular file is downloaded and re-sent inline, an LFS file is referenced).
 */
export type CommitCopy = { type: "copy"; path: string } & (
  | { oid: string; size?: number; from?: never }
  | { from: string; oid?: never; size?: never }
);

export type CommitOperation = CommitAdd | CommitDeleteFile | CommitDeleteFolder | CommitCopy;

/** How many of each thing run at once, per phase. Every field can be overridden. */
export interface CommitConcurrency {
  /** Files hashed at once (on the main thread, or on worker threads, see `hashWorkers`). */
  hashing: number;
  /** Worker threads to hash large files on when several are waiting; 0 hashes on the main thread. */
  hashWorkers: number;
  /** Preupload requests in flight. */
  preupload: number;
  /** LFS batch requests in flight. */
  lfsBatch: number;
  /** LFS objects uploading at once. */
  lfsUploads: number;
  /** Parts of one multipart object uploading at once. */
  parts: number;
}

/** Options shared by `commit`, `uploadFile` and `uploadFolder`. */
export interface CommitTargetOptions {
  /** `"owner/name"` (a model), `"datasets/owner/name"`, `"spaces/owner/name"` or `{ type, name }`. */
  repo: RepoDesignation;
  /** Branch to commit to (or to open the pull request against). Default `main`. */
  revision?: string;
  /** Open a pull request with the changes instead of committing to `revision`. */
  createPr?: boolean;
  /** Fail with `PreconditionFailedError` if `revision` no longer points at this commit. */
  parentCommit?: string;
  /** Optional longer description under the title. */
  description?: string;
  signal?: AbortSignal;
  /** Overrides of {@link DEFAULT_COMMIT_CONCURRENCY}. */
  concurrency?: Partial<CommitConcurrency>;
  /**
   * Upload large files through Xet storage when the Hub offers it for the repo (chunk-level
   * deduplication: only chunks the Hub lacks are sent), as the official clients do; they are
   * still committed as LFS pointers. `false` uses Git LFS only. Default: true, unless
   * `HF_HUB_DISABLE_XET` is set.
   */
  useXet?: boolean;
}

export interface CommitOptions extends CommitTargetOptions {
  operations: readonly CommitOperation[];
  /** The commit title. */
  message: string;
}

/** What a finished commit (or upload) returns. */
export interface CommitResult {
  /** Id of the new commit; when nothing changed, the current head of `revision`. */
  commitOid: string;
  commitUrl: string;
  /** With `createPr`, the pull request's URL. */
  pullRequestUrl?: string;
  /** False when every file already had this content and no commit was made. */
  created: boolean;
}

export type CommitProgressEvent =
  /**
   * Bytes of a file hashed so far (SHA-256 for LFS files, the git blob id for regular ones). For a
   * new local file read once through Xet: bytes read, hashed and chunked (xorbs leave meanwhile).
   */
  | { type: "file-hash-progress"; path: string; bytesHashed: number; totalBytes: number }
  /** The Hub said how each file is stored. */
  | { type: "preupload-done"; files: number; lfsFiles: number; regularFiles: number; ignoredFiles: number }
  /** A file left out of the commit: the remote already has this content, or `.gitignore` matches it. */
  | { type: "file-skipped"; path: string; reason: "unchanged" | "ignored" }
  /** A folder upload left out a symbolic link that leads out of the folder (to `target`). */
  | { type: "file-skipped"; path: string; reason: "external-symlink"; target: string }
  /** The Hub already stores this LFS object (an earlier upload, another file): nothing to send. */
  | { type: "lfs-object-skipped"; path: string; oid: string; size: number }
  /**
   * Bytes of an LFS object sent so far (restarts a part's share when that part is retried).
   * Through Xet: bytes of the file chunked and deduplicated so far (new chunks go out as they fill xorbs).
   */
  | { type: "lfs-upload-progress"; path: string; oid: string; bytesUploaded: number; totalBytes: number }
  | {
      type: "lfs-object-uploaded";
      path: string;
      oid: string;
      size: number;
      /** `xet`: stored through Xet storage, only the chunks the Hub lacked were sent. */
      transfer: "basic" | "multipart" | "xet";
    }
  /**
   * The files of one LFS batch went through Xet: xorbs and bytes sent, and the chunks (and
   * their uncompressed bytes) not sent because the Hub or this machine already had them.
   */
  | {
      type: "xet-upload-done";
      files: number;
      xorbsUploaded: number;
      bytesUploaded: number;
      chunksDeduplicated: number;
      bytesDeduplicated: number;
    }
  /** `uploadFolder` splits large folders: this part of the upload starts. */
  | { type: "commit-part-started"; part: number; parts: number; files: number }
  | { type: "commit-created"; commitOid: string; commitUrl: string; pullRequestUrl?: string }
  /** Nothing changed: no commit was sent. */
  | { type: "commit-skipped"; commitOid: string }
  /** `verify: true` found every file at the expected oid and size. */
  | { type: "verify-done"; files: number };
