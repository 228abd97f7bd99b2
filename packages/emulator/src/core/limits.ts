/**
 * What one request may cost the emulator (issue 10: no single request may exhaust its memory
 * or time, and a server shared by several clients must keep serving them). Each bound is the
 * Hub's where the Hub documents one, else the emulator's own rule, documented in the README.
 */
export const LIMITS = {
  /** Hard limit per file (hub-docs `storage-limits.md`, 500 GB since Nov 2025; hub-protocol.md 6.4). */
  lfsObjectBytes: 500 * 1000 ** 3,
  /**
   * Objects per LFS batch request. Clients send at most 256 (huggingface_hub
   * `UPLOAD_BATCH_MAX_NUM_FILES`) or 100 (huggingface.js); more is a 413, the Git LFS batch
   * API's status for "too many objects".
   */
  lfsBatchObjects: 1000,
  /**
   * Parts per multipart object: S3's limit. Larger objects get a larger `chunk_size` so that
   * the part count never exceeds it (the client reads `chunk_size` from the answer).
   */
  multipartParts: 10_000,
  /** Part URLs signed by one batch answer, all objects together (the answer stays a few MB). */
  lfsBatchParts: 50_000,
  /** Operations (lines after the header) in one commit: the Hub's "about 25k files" per call. */
  commitOperations: 25_000,
  /**
   * One NDJSON line: a 10 MiB regular file base64-encoded (13.4 MiB) plus its JSON. The Hub
   * refuses regular files over 10 MiB anyway.
   */
  ndjsonLineBytes: 16 * 1024 * 1024,
  /** A whole commit body (NDJSON or the legacy JSON form): the Hub's 1 GB per call. */
  commitBodyBytes: 1024 * 1024 * 1024,
  /** Any other JSON body (a README for validate-yaml is at most a 10 MiB regular file). */
  jsonBodyBytes: 32 * 1024 * 1024,
  /**
   * README front matter (YAML), in UTF-16 code units. The `yaml` parser needs seconds and
   * hundreds of MB for a few MiB of YAML, so the emulator draws the line here.
   */
  yamlChars: 512 * 1024,
  /** Nesting of YAML collections (a real card's `model-index` nests about 6 deep). */
  yamlDepth: 100,
  /** YAML alias expansions (the `yaml` package's own guard against alias bombs). */
  yamlAliases: 100,
} as const;
