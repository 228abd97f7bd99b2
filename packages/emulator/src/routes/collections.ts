import { randomBytes } from "node:crypto";
import { z } from "zod";
import { canRead, ownsNamespace, type Principal, requireSignedIn } from "../core/auth.js";
import { type Ctx, json, pageSizeFor, paginate } from "../core/context.js";
import { badRequest, conflict, EmulatorHttpError, forbidden, notFound } from "../core/errors.js";
import { DEFAULTS } from "../core/options.js";
import { parseBody } from "../core/validate.js";
import type { CollectionItemRecord, CollectionRecord, Frozen, RepoType } from "../model/types.js";

// Collections, as huggingface_hub 1.33 calls them (`hf_api.py`, `*_collection*`):
// `GET|POST /api/collections`, `GET|PATCH|DELETE /api/collections/{slug}`,
// `POST /api/collections/{slug}/items`, `PATCH|DELETE /api/collections/{slug}/items/{itemId}`.
// A slug is `{owner}/{title slugified}-{24-hex id}`; only the id identifies the collection
// (a renamed collection's old slug still finds it, as the Hub's does).

type Collection = Frozen<CollectionRecord>;

const newId = () => randomBytes(12).toString("hex");

function slugOf(c: Collection): string {
  const words = c.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${c.owner}/${words ? `${words}-` : ""}${c.objectId}`;
}

function visible(c: Collection, principal: Principal | undefined): boolean {
  return !c.private || ownsNamespace(principal, c.owner);
}

function find(ctx: Ctx, slug: string): Collection {
  const id = /-?([0-9a-f]{24})$/.exec(slug)?.[1];
  const found = ctx.hub.state.collections.find((c) => c.objectId === id);
  if (!found || !visible(found, ctx.principal)) throw notFound("Collection not found", "CollectionNotFound");
  return found;
}

function editable(ctx: Ctx, slug: string): Collection {
  const c = find(ctx, slug);
  const who = requireSignedIn(ctx.principal);
  if (!ownsNamespace(who, c.owner) || who.role !== "write")
    throw forbidden(`You don't have the rights to edit the collection ${slugOf(c)}`);
  return c;
}

const REPO_TYPES: Record<string, RepoType> = { model: "model", dataset: "dataset", space: "space" };

function itemJson(ctx: Ctx, item: Frozen<CollectionItemRecord>) {
  const base = {
    _id: item.objectId,
    id: item.id,
    type: item.type,
    position: item.position,
    ...(item.note !== undefined ? { note: { text: item.note, html: item.note } } : {}),
  };
  const type = REPO_TYPES[item.type];
  if (type) {
    const [ns = "", name = ""] = item.id.split("/");
    const repo = ctx.hub.findRepo(type, ns, name);
    if (repo)
      return {
        ...base,
        author: repo.namespace,
        private: repo.private,
        gated: repo.gated,
        likes: repo.likes?.length ?? 0,
        downloads: 0,
        lastModified: repo.lastModified,
        repoType: type,
      };
  }
  if (item.type === "collection") {
    // The Hub answers a nested collection's 24-hex id as `id` (the official JS client's
    // add-collection-item.spec checks it) and its current slug as `slug`, which
    // huggingface_hub's `CollectionItem` takes as `item_id`. Items stored before held the slug.
    const objectId = /([0-9a-f]{24})$/.exec(item.id)?.[1] ?? item.id;
    const nested = ctx.hub.state.collections.find((c) => c.objectId === objectId);
    return {
      ...base,
      id: objectId,
      slug: nested ? slugOf(nested) : item.id,
      ...(nested ? { title: nested.title } : {}),
    };
  }
  return base;
}

function collectionJson(ctx: Ctx, c: Collection) {
  return {
    slug: slugOf(c),
    title: c.title,
    ...(c.description !== undefined ? { description: c.description } : {}),
    owner: { name: c.owner, type: ctx.options.orgs.some((o) => o.name === c.owner) ? "org" : "user" },
    items: [...c.items].sort((a, b) => a.position - b.position).map((item) => itemJson(ctx, item)),
    lastUpdated: c.lastUpdated,
    position: c.position,
    private: c.private,
    theme: c.theme,
    upvotes: 0,
    isUpvotedByUser: false,
    gating: false,
  };
}

/** Replaces one collection (or removes it, with `undefined`) and saves the list. */
function save(ctx: Ctx, old: Collection, next: CollectionRecord | undefined): void {
  const list = ctx.hub.state.collections.filter((c) => c !== old) as CollectionRecord[];
  ctx.hub.setCollections(next ? [...list, next] : list);
}

/** A mutable copy of a collection, with its items renumbered 0..n-1 in order. */
function copy(
  ctx: Ctx,
  c: Collection,
  items: readonly Frozen<CollectionItemRecord>[] = c.items,
): CollectionRecord {
  return {
    ...(c as CollectionRecord),
    lastUpdated: ctx.hub.now(),
    items: items.map((item, position) => ({ ...(item as CollectionItemRecord), position })),
  };
}

/** `GET /api/collections?owner=&item={type}s/{id}&sort=&limit=`. */
export async function listCollections(ctx: Ctx): Promise<Response> {
  const q = ctx.url.searchParams;
  const owners = q.getAll("owner").map((o) => o.toLowerCase());
  const items = q.getAll("item");
  const all = ctx.hub.state.collections.filter(
    (c) =>
      visible(c, ctx.principal) &&
      (!owners.length || owners.includes(c.owner.toLowerCase())) &&
      items.every((wanted) => c.items.some((i) => `${i.type}s/${i.id}` === wanted)),
  );
  const sorted = [...all].sort((a, b) => (a.lastUpdated < b.lastUpdated ? 1 : -1));
  const { page, headers } = paginate(ctx, sorted, pageSizeFor(ctx, DEFAULTS.treePageSize));
  // huggingface_hub numbers listed collections itself (`Collection(position=…, **item)`), so
  // a listed collection carries no `position`.
  return json(
    page.map((c) => {
      const { position: _position, ...listed } = collectionJson(ctx, c);
      return listed;
    }),
    { headers },
  );
}

export async function getCollection(ctx: Ctx, slug: string): Promise<Response> {
  return json(collectionJson(ctx, find(ctx, slug)));
}

const CreateBody = z.object({
  title: z.string().min(1).max(60),
  namespace: z.string().min(1),
  description: z.string().max(150).nullish(),
  private: z.boolean().nullish(),
});

/** `POST /api/collections`: 409 with the existing `slug` when the owner has one of that title. */
export async function createCollection(ctx: Ctx): Promise<Response> {
  const who = requireSignedIn(ctx.principal);
  const body = parseBody(CreateBody, await ctx.body.json(), "collection");
  if (!ownsNamespace(who, body.namespace) || who.role !== "write")
    throw forbidden(`You don't have the rights to create a collection in ${body.namespace}`);
  const same = ctx.hub.state.collections.find(
    (c) => c.owner.toLowerCase() === body.namespace.toLowerCase() && c.title === body.title,
  );
  if (same) throw conflict("You already have a collection with this title", { slug: slugOf(same) });
  const record: CollectionRecord = {
    objectId: newId(),
    owner: body.namespace,
    title: body.title,
    ...(body.description ? { description: body.description } : {}),
    private: body.private ?? false,
    theme: "default",
    position: ctx.hub.state.collections.filter((c) => c.owner === body.namespace).length,
    lastUpdated: ctx.hub.now(),
    items: [],
  };
  ctx.hub.setCollections([...(ctx.hub.state.collections as CollectionRecord[]), record]);
  return json(collectionJson(ctx, record));
}

const UpdateBody = z.object({
  title: z.string().min(1).max(60).nullish(),
  description: z.string().max(150).nullish(),
  position: z.number().int().min(0).nullish(),
  private: z.boolean().nullish(),
  theme: z.enum(["default", "orange", "blue", "green", "purple", "pink", "indigo"]).nullish(),
});

/** `PATCH /api/collections/{slug}`: answers `{success, data: collection}` (the new slug if renamed). */
export async function updateCollection(ctx: Ctx, slug: string): Promise<Response> {
  const c = editable(ctx, slug);
  const body = parseBody(UpdateBody, await ctx.body.json(), "collection update");
  const next = copy(ctx, c);
  if (body.title != null) next.title = body.title;
  if (body.description != null) next.description = body.description;
  if (body.position != null) next.position = body.position;
  if (body.private != null) next.private = body.private;
  if (body.theme != null) next.theme = body.theme;
  save(ctx, c, next);
  return json({ success: true, data: collectionJson(ctx, next) });
}

export async function deleteCollection(ctx: Ctx, slug: string): Promise<Response> {
  const c = editable(ctx, slug);
  save(ctx, c, undefined);
  return json({});
}

const AddItemBody = z.object({
  item: z.object({
    id: z.string().min(1),
    type: z.enum(["model", "dataset", "space", "paper", "collection"]),
  }),
  note: z.string().max(500).nullish(),
});

/** `POST /api/collections/{slug}/items`: 409 if already there, 404 if the item does not exist. */
export async function addCollectionItem(ctx: Ctx, slug: string): Promise<Response> {
  const c = editable(ctx, slug);
  const { item, note } = parseBody(AddItemBody, await ctx.body.json(), "collection item");
  const repoType = REPO_TYPES[item.type];
  let id = item.id;
  if (repoType) {
    const [ns = "", name = "", ...extra] = item.id.split("/");
    const repo = extra.length ? undefined : ctx.hub.findRepo(repoType, ns, name);
    if (!repo || !canRead(repo, ctx.principal))
      throw notFound(`${item.type} ${item.id} not found`, "CollectionItemNotFound");
    id = `${repo.namespace}/${repo.name}`;
  } else if (item.type === "collection") {
    id = find(ctx, item.id).objectId;
  } else if (!/^\d{4}\.\d{4,5}$/.test(item.id)) {
    throw badRequest(`Invalid paper id ${item.id}: use an arXiv id such as 2307.09288`);
  }
  if (c.items.some((i) => i.type === item.type && i.id === id))
    throw new EmulatorHttpError(409, "Conflict", "Item already exists in this collection");
  const added: CollectionItemRecord = {
    objectId: newId(),
    type: item.type,
    id,
    position: c.items.length,
    ...(note ? { note } : {}),
  };
  const next = copy(ctx, c, [...[...c.items].sort((a, b) => a.position - b.position), added]);
  save(ctx, c, next);
  return json(collectionJson(ctx, next));
}

const UpdateItemBody = z.object({
  position: z.number().int().min(0).nullish(),
  note: z.string().max(500).nullish(),
});

/** `PATCH /api/collections/{slug}/items/{itemId}`: a new position moves the item there. */
export async function updateCollectionItem(ctx: Ctx, slug: string, itemId: string): Promise<Response> {
  const c = editable(ctx, slug);
  const body = parseBody(UpdateItemBody, await ctx.body.json(), "collection item update");
  const items = [...c.items].sort((a, b) => a.position - b.position);
  const index = items.findIndex((i) => i.objectId === itemId);
  if (index === -1) throw notFound("Item not found in this collection", "CollectionItemNotFound");
  let item = items[index]!;
  if (body.note != null) item = { ...item, note: body.note };
  items.splice(index, 1);
  const position = body.position != null ? Math.min(body.position, items.length) : index;
  items.splice(position, 0, item);
  save(ctx, c, copy(ctx, c, items));
  return json({ success: true });
}

export async function deleteCollectionItem(ctx: Ctx, slug: string, itemId: string): Promise<Response> {
  const c = editable(ctx, slug);
  const items = [...c.items].sort((a, b) => a.position - b.position);
  if (!items.some((i) => i.objectId === itemId))
    throw notFound("Item not found in this collection", "CollectionItemNotFound");
  save(
    ctx,
    c,
    copy(
      ctx,
      c,
      items.filter((i) => i.objectId !== itemId),
    ),
  );
  return json({});
}
