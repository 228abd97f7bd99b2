import { randomBytes } from "node:crypto";
import { z } from "zod";
import { requireSignedIn } from "../core/auth.js";
import { type Ctx, json } from "../core/context.js";
import { notFound } from "../core/errors.js";
import { parseBody } from "../core/validate.js";
import type { Frozen, WebhookRecord } from "../model/types.js";

// Webhooks, as huggingface_hub 1.33 manages them (`hf_api.py`, `*_webhook*`):
// `GET|POST /api/settings/webhooks`, `GET|POST|DELETE /api/settings/webhooks/{id}`,
// `POST /api/settings/webhooks/{id}/{enable|disable}`; single answers are `{webhook: {...}}`,
// the list a bare array. Each user sees their own. The emulator stores them and never calls
// the URL (no events are delivered).

type Webhook = Frozen<WebhookRecord>;

const Watched = z
  .array(
    z.object({
      type: z.enum(["dataset", "model", "org", "space", "user"]),
      name: z.string().min(1),
    }),
  )
  .min(1);
const Domains = z.array(z.enum(["repo", "discussion"])).min(1);

const CreateBody = z.object({
  watched: Watched,
  url: z.string().url(),
  domains: Domains.nullish(),
  secret: z.string().nullish(),
});

const UpdateBody = z.object({
  watched: Watched,
  url: z.string().url().nullish(),
  domains: Domains.nullish(),
  secret: z.string().nullish(),
});

function webhookJson(w: Webhook) {
  return {
    id: w.id,
    url: w.url,
    watched: w.watched,
    domains: w.domains,
    ...(w.secret !== undefined ? { secret: w.secret } : {}),
    disabled: w.disabled,
  };
}

function own(ctx: Ctx): Webhook[] {
  const who = requireSignedIn(ctx.principal);
  return ctx.hub.state.webhooks.filter((w) => w.owner === who.user);
}

function find(ctx: Ctx, id: string): Webhook {
  const found = own(ctx).find((w) => w.id === id);
  if (!found) throw notFound(`Webhook ${id} not found`, "WebhookNotFound");
  return found;
}

function replace(ctx: Ctx, old: Webhook, next: WebhookRecord | undefined): void {
  const rest = ctx.hub.state.webhooks.filter((w) => w !== old) as WebhookRecord[];
  ctx.hub.setWebhooks(next ? [...rest, next] : rest);
}

export async function listWebhooks(ctx: Ctx): Promise<Response> {
  return json(own(ctx).map(webhookJson));
}

export async function getWebhook(ctx: Ctx, id: string): Promise<Response> {
  return json({ webhook: webhookJson(find(ctx, id)) });
}

export async function createWebhook(ctx: Ctx): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const body = parseBody(CreateBody, await ctx.body.json(), "webhook");
  const record: WebhookRecord = {
    id: randomBytes(12).toString("hex"),
    owner: who.user,
    url: body.url,
    watched: body.watched,
    domains: body.domains ?? ["repo", "discussion"],
    ...(body.secret ? { secret: body.secret } : {}),
    disabled: false,
  };
  ctx.hub.setWebhooks([...(ctx.hub.state.webhooks as WebhookRecord[]), record]);
  return json({ webhook: webhookJson(record) });
}

export async function updateWebhook(ctx: Ctx, id: string): Promise<Response> {
  const old = find(ctx, id);
  const body = parseBody(UpdateBody, await ctx.body.json(), "webhook update");
  const next: WebhookRecord = {
    ...(old as WebhookRecord),
    watched: body.watched,
    ...(body.url ? { url: body.url } : {}),
    ...(body.domains ? { domains: body.domains } : {}),
    ...(body.secret ? { secret: body.secret } : {}),
  };
  replace(ctx, old, next);
  return json({ webhook: webhookJson(next) });
}

export async function setWebhookDisabled(ctx: Ctx, id: string, disabled: boolean): Promise<Response> {
  const old = find(ctx, id);
  const next = { ...(old as WebhookRecord), disabled };
  replace(ctx, old, next);
  return json({ webhook: webhookJson(next) });
}

export async function deleteWebhook(ctx: Ctx, id: string): Promise<Response> {
  replace(ctx, find(ctx, id), undefined);
  return json({});
}
