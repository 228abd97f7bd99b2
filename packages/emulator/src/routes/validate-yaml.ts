import { z } from "zod";
import { type Ctx, json } from "../core/context.js";
import { EmulatorHttpError } from "../core/errors.js";
import { parseBody } from "../core/validate.js";
import { cardMetadata } from "../model/card-metadata.js";

const Body = z.object({ content: z.string(), repoType: z.enum(["model", "dataset", "space"]).optional() });

/** The Hub's warning for a card without metadata (huggingface_hub turns it into a UserWarning). */
const EMPTY_WARNING = "Empty or missing yaml metadata in repo card";

/**
 * `POST /api/validate-yaml` with `{ content, repoType }`: what huggingface_hub calls before
 * committing a README.md. 200 `{ errors: [], warnings: [] }` when acceptable (a card without
 * metadata gets a `warnings[]` entry), else 400 with `errors: [{ message }]` (the shape
 * `HfApi._validate_yaml` reads).
 */
export async function validateYaml(ctx: Ctx): Promise<Response> {
  const body = parseBody(Body, await ctx.body.json(), "validate-yaml body");
  const { errors, empty } = cardMetadata(body.content);
  const warnings = empty ? [{ message: EMPTY_WARNING }] : [];
  if (errors.length > 0) {
    throw new EmulatorHttpError(400, "InvalidMetadata", errors.join("; "), {
      errors: errors.map((message) => ({ message })),
      warnings,
    });
  }
  return json({ errors: [], warnings });
}
