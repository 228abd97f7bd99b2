/** What one uploaded file became: its Xet hash (for downloads) and what the git side needs. */
export interface XetUploadedFile {
  /** The file's label (its path, or the `name` given). */
  name: string;
  /** The Xet file hash, string form: the id of its reconstruction. */
  xetHash: string;
  /** SHA-256 of the content, hex: the oid of the LFS pointer a commit adds. */
  sha256: string;
  size: number;
}

export interface UploadXetResult {
  files: XetUploadedFile[];
  /** Xorbs sent in this run, and their serialized bytes. */
  xorbsUploaded: number;
  bytesUploaded: number;
  /** Chunks not sent because the upload, the local record or the CAS already had them. */
  chunksDeduplicated: number;
  /** Bytes (uncompressed) those chunks stand for. */
  bytesDeduplicated: number;
  shardsUploaded: number;
}

/** Progress of an upload; `*-progress` events are coalesced when the consumer is slow. */
export type XetUploadEvent =
  | { type: "xet-file-progress"; file: string; bytesRead: number; totalBytes: number | undefined }
  | { type: "xet-file-hashed"; file: string; xetHash: string; sha256: string; size: number }
  | { type: "xet-xorb-upload-progress"; xorb: string; bytesSent: number; totalBytes: number }
  | { type: "xet-xorb-uploaded"; xorb: string; bytes: number; chunks: number; inserted: boolean }
  | { type: "xet-shard-uploaded"; bytes: number; files: number; xorbs: number };

/** Concurrency of an upload's phases. */
export interface XetUploadConcurrency {
  /** Xorbs sent at once. Default 4. */
  xorbUploads: number;
}
