import * as z from "@hfkit/http/zod";
import { PIPELINE_TAGS } from "../hub-lists/tasks.js";
import { language, license, oneOf, repoIds, stringOrList, strings, text } from "./checks.js";

// Model card metadata, as the Hub documents it: hub-docs `modelcard.md` (the annotated spec) and
// `docs/hub/model-cards.md`; eval results as huggingface_hub `EvalResult` reads `model-index`
// (task.type, dataset.type, dataset.name, metric.type and metric.value are required there).
// Objects are loose: keys we do not know are the card author's business.

const metric = z.looseObject({
  type: z.string(),
  value: z
    .unknown()
    .refine((value) => value !== undefined && value !== null, { params: { code: "model-index/required" } }),
  name: z.string().optional(),
  config: z.string().optional(),
  args: z.unknown().optional(),
  verifyToken: z.string().optional(),
  verified: z.boolean().optional(),
});

const evalResult = z.looseObject({
  task: z.looseObject({ type: z.string(), name: z.string().optional() }),
  dataset: z.looseObject({
    type: z.string(),
    name: z.string(),
    config: z.string().optional(),
    split: z.string().optional(),
    revision: z.string().optional(),
    args: z.unknown().optional(),
  }),
  metrics: z.array(metric).min(1),
  source: z.looseObject({ url: z.string(), name: z.string().optional() }).optional(),
});

const modelIndexSchema = z.array(z.looseObject({ name: z.string(), results: z.array(evalResult) }));

// An example needs an input the widget can show (huggingface.js `packages/tasks/src/widget-example.ts`).
const WIDGET_INPUTS = ["text", "src", "messages", "structured_data", "table", "source_sentence", "context"];

const widgetExample = z
  .looseObject({ example_title: z.string().optional(), output: z.unknown().optional() })
  .superRefine((example, ctx) => {
    if (WIDGET_INPUTS.some((key) => key in example)) return;
    ctx.addIssue({
      code: "custom",
      message: `a widget example needs an input (${WIDGET_INPUTS.join(", ")})`,
      params: {
        code: "widget/input",
        severity: "warning",
        fix: "add e.g. `text: …` or `src: …` to the example",
      },
    });
  });

export const modelCardSchema = z.looseObject({
  language: language.optional(),
  license: license.optional(),
  license_name: text("license_name").optional(),
  license_link: text("license_link").optional(),
  library_name: text("library_name").optional(),
  tags: strings("tags").optional(),
  datasets: repoIds("datasets", "a dataset").optional(),
  metrics: strings("metrics").optional(),
  base_model: repoIds("base_model", "a model").optional(),
  base_model_relation: stringOrList(
    "base_model_relation",
    oneOf("base_model_relation", ["adapter", "merge", "quantized", "finetune"], {
      severity: "error",
      source: "the Hub's relations",
      fix: "leave it out to let the Hub infer it, or use adapter, merge, quantized or finetune",
    }),
  ).optional(),
  pipeline_tag: stringOrList(
    "pipeline_tag",
    oneOf("pipeline_tag", PIPELINE_TAGS, {
      severity: "error",
      source: "the Hub's tasks",
      fix: "pick the task the model does from the Hub's list (huggingface.js packages/tasks pipelines.ts)",
    }),
  ).optional(),
  widget: z.array(widgetExample).optional(),
  "model-index": modelIndexSchema.optional(),
});
