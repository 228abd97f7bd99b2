export {
  type CasClient,
  type CasClientOptions,
  type CasRequest,
  createCasClient,
  type HubTokenSourceOptions,
  hubXetTokenSource,
  type XetTokenSource,
} from "./cas-client.js";
export { Chunker, chunkStream } from "./chunker.js";
export {
  MAX_CHUNK_SIZE,
  MAX_XORB_BYTES,
  MAX_XORB_CHUNKS,
  MIN_CHUNK_SIZE,
  TARGET_CHUNK_SIZE,
} from "./constants.js";
export {
  type FetchXorbRangesOptions,
  fetchXorbRanges,
  type XorbRangeReceiver,
  type XorbRangeRequest,
} from "./fetch-xorb-ranges.js";
export {
  type GetReconstructionOptions,
  getReconstruction,
  type Reconstruction,
  type ReconstructionTerm,
  type XorbByteRange,
  type XorbFetch,
} from "./get-reconstruction.js";
export { type GetXetTokenOptions, getXetToken, type XetConnection } from "./get-xet-token.js";
export {
  type HashedRange,
  hashToHex,
  hexToHash,
  isGlobalDedupEligible,
  loadXetHashes,
  type XetHash,
  type XetHashes,
} from "./hash.js";
export { hashXetFile, type XetChunk, type XetFileHash, XetFileHasher } from "./hash-file.js";
export { type QueryDedupOptions, queryDedup } from "./query-dedup.js";
export { readPieces } from "./read-pieces.js";
export { type ReadXetFileOptions, readXetFile } from "./read-xet-file.js";
export {
  parseShard,
  type Shard,
  type ShardFile,
  type ShardFooter,
  ShardFormatError,
  type ShardTerm,
  type ShardXorb,
  type ShardXorbChunk,
  serializeShard,
} from "./shard.js";
export { checkXetChunks, type XetSource } from "./source.js";
export type { UploadXetResult, XetUploadConcurrency, XetUploadEvent, XetUploadedFile } from "./types.js";
export { type UploadShardOptions, uploadShard } from "./upload-shard.js";
export {
  preloadXetWasm,
  type UploadXetOptions,
  uploadXet,
  uploadXetIter,
  XET_CHANNELS,
} from "./upload-xet.js";
export { type UploadXorbOptions, uploadXorb } from "./upload-xorb.js";
export {
  type CompressionChoice,
  type CompressionScheme,
  decodeXorbChunks,
  serializeChunk,
  XorbFormatError,
} from "./xorb.js";
export { type XorbExistsOptions, xorbExists } from "./xorb-exists.js";
