export { type Card, parseCard, stringifyCard, type YamlSyntaxProblem } from "./card.js";
export {
  type DataFiles,
  type DatasetConfig,
  type DatasetInfo,
  type DatasetInfoRead,
  getDatasetConfigs,
  getDatasetInfos,
  removeConfigsEntry,
  removeDatasetConfig,
  removeDatasetInfoEntry,
  type SplitInfo,
  setConfigsEntry,
  setDatasetConfig,
  setDatasetInfoEntry,
} from "./dataset-config.js";
export {
  insertMetadataItem,
  type KeyPath,
  parseKeyPath,
  parseYamlValue,
  removeMetadata,
  setMetadata,
} from "./edit.js";
export { CardError, type CardErrorReason } from "./errors.js";
export {
  type Feature,
  type Features,
  featuresFromYaml,
  featuresToYaml,
  type NamedFeature,
} from "./features.js";
export { LICENSES } from "./hub-lists/licenses.js";
export { SIZE_CATEGORIES, sizeCategory } from "./hub-lists/sizes.js";
export { PIPELINE_TAGS, TASK_IDS } from "./hub-lists/tasks.js";
export {
  type DatasetCardTemplateOptions,
  datasetCardTemplate,
  type ModelCardTemplateOptions,
  modelCardTemplate,
} from "./templates.js";
export type { CardProblem, Severity } from "./validate/problem.js";
export { type CardKind, guessCardKind, type ValidateCardOptions, validateCard } from "./validate/validate.js";
export { CARD_LIMITS, type ParseCardOptions } from "./yaml/bounds.js";
export { formatPath, type MetadataPath } from "./yaml/nodes.js";
export type { YamlValue } from "./yaml/render.js";
export { parseYamlFile, type YamlFile } from "./yaml-file.js";
