export { datasetConfigFor, datasetInfoFor } from "./card-data.js";
export type { Row } from "./encode/batch.js";
export { inferFeatures } from "./encode/infer.js";
export { type DataLocation, DatasetError, type DatasetErrorCode } from "./errors.js";
export { DATASETS_CHANNELS } from "./events.js";
export { featuresFromArrowSchema, featuresToArrowSchema, HUGGINGFACE_KEY } from "./features/arrow.js";
export { featuresFromHuggingfaceJson, featuresToHuggingfaceJson } from "./features/hf-json.js";
export {
  Array2D,
  Array3D,
  Array4D,
  Array5D,
  Audio,
  ClassLabel,
  type Feature,
  type Features,
  type FeaturesInput,
  Image,
  Json,
  LargeList,
  List,
  type NamedFeature,
  Sequence,
  Struct,
  toFeatureList,
  Value,
} from "./features/model.js";
export type { CsvOptions } from "./inputs/csv.js";
export {
  commitDatasetPush,
  commitDatasetPushIter,
  UPLOADS_MAX_NUMBER_PER_COMMIT,
} from "./push/commit-push.js";
export {
  type DeleteDatasetConfigOptions,
  type DeleteDatasetConfigResult,
  deleteDatasetConfig,
} from "./push/delete-dataset-config.js";
export { type LoadDatasetOptions, loadDataset } from "./push/load-dataset.js";
export { MAX_SHARDS_ON_DISK, prepareDatasetPush, prepareDatasetPushIter } from "./push/prepare-push.js";
export { pushDataset, pushDatasetIter } from "./push/push-dataset.js";
export type {
  CommitDatasetPushOptions,
  PrepareDatasetPushOptions,
  PreparedDatasetPush,
  PrepareUploadTarget,
  PushDatasetOptions,
  PushDatasetResult,
  PushedSplit,
  PushProgressEvent,
} from "./push/types.js";
export {
  type DatasetLayout,
  datasetLayoutFromFiles,
  type ReadDatasetOptions,
  readDataset,
  readDatasetLayout,
} from "./read/read-dataset.js";
export { type ParquetInput, type ReadParquetOptions, readParquetRows } from "./read/read-parquet.js";
export {
  checkSplitName,
  DEFAULT_MAX_SHARD_SIZE,
  parseSize,
  shardCountFor,
  shardPath,
  shardRowCounts,
} from "./sharding.js";
export type {
  DatasetInput,
  DatasetProgressEvent,
  FileInput,
  WriteShardsOptions,
  WriteShardsResult,
  WrittenShard,
} from "./types.js";
export { DEFAULT_ROW_GROUP_BYTES, writeShards, writeShardsIter } from "./write-shards.js";
