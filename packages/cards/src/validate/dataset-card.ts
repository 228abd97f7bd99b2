import * as z from "@hfkit/http/zod";
import { SIZE_CATEGORIES } from "../hub-lists/sizes.js";
import { PIPELINE_TAGS, TASK_IDS } from "../hub-lists/tasks.js";
import { byShape, language, license, oneOf, report, stringOrList, strings, text } from "./checks.js";

// Dataset card metadata: hub-docs `datasetcard.md`, and `configs` / `dataset_info` as `datasets`
// reads them (shared/datasets-format.md §4).

// Split names must match `^\w+(\.\w+)*$` (datasets `naming.py` `_split_re`): no dashes.
const SPLIT_NAME = /^\w+(\.\w+)*$/u;

const splitName = z.string().superRefine((name, ctx) => {
  if (SPLIT_NAME.test(name)) return;
  report(ctx, [], `split name "${name}" is not valid: datasets only accepts letters, digits, "_" and "."`, {
    code: "configs/split-name",
    fix: `rename it, e.g. "${name.replace(/[^\w.]+/gu, "_")}"`,
  });
});

const splitFiles = z.looseObject({
  split: splitName,
  path: byShape((path) => (Array.isArray(path) ? z.array(z.string()) : z.string())),
});

// `data_files` is a glob, a list of globs, or a list of `{split, path}`.
const dataFiles = byShape((input) => {
  if (typeof input === "string") return z.string();
  if (Array.isArray(input) && input.every((item) => typeof item === "string")) return z.array(z.string());
  return z.array(splitFiles);
});

const configEntry = z.looseObject({
  config_name: z.string(),
  data_files: dataFiles.optional(),
  data_dir: z.string().optional(),
  default: z.boolean().optional(),
});

const split = z.looseObject({
  name: splitName,
  num_bytes: z.number().nonnegative().optional(),
  num_examples: z.number().int().nonnegative().optional(),
});

const infoEntry = z.looseObject({
  config_name: z.string().optional(),
  features: z.unknown().optional(),
  splits: z.array(split).optional(),
  download_size: z.number().nonnegative().optional(),
  dataset_size: z.number().nonnegative().optional(),
});

export const datasetCardSchema = z.looseObject({
  language: language.optional(),
  license: license.optional(),
  license_name: text("license_name").optional(),
  license_link: text("license_link").optional(),
  pretty_name: text("pretty_name").optional(),
  tags: strings("tags").optional(),
  task_categories: stringOrList(
    "task_categories",
    oneOf("task_categories", PIPELINE_TAGS, {
      severity: "warning",
      source: "the Hub's tasks",
      fix: "use a task from the Hub's list so the dataset shows under that task",
    }),
  ).optional(),
  task_ids: stringOrList(
    "task_ids",
    oneOf("task_ids", TASK_IDS, {
      severity: "warning",
      source: "the Hub's subtasks",
      fix: "use a subtask from the Hub's list, or move it to `tags`",
    }),
  ).optional(),
  size_categories: stringOrList(
    "size_categories",
    oneOf("size_categories", SIZE_CATEGORIES, {
      severity: "warning",
      source: "the Hub's size buckets",
      fix: "pick the bucket of the dataset's row count, e.g. 1K<n<10K",
    }),
  ).optional(),
  configs: z.array(configEntry).optional(),
  dataset_info: byShape((input) => (Array.isArray(input) ? z.array(infoEntry) : infoEntry)).optional(),
});
