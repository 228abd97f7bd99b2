// Issue 14, "Add": collections and gated downloads through the official @huggingface/hub client
// (2.17.5, unchanged) over loopback HTTP; likes and auth-check over plain HTTP.

import { useEmulatorServer } from "@hfkit/testing/emulator";
import * as hfjs from "@huggingface/hub";
import { beforeAll, describe, expect, it } from "vitest";
import { startEmulatorServer } from "../src/index.js";

const OWNER = "hf_js_owner";
const OTHER = "hf_js_other";
const fixture = useEmulatorServer({
  start: () =>
    startEmulatorServer({
      port: 0,
      users: [
        { token: OWNER, user: "alice", role: "write" },
        { token: OTHER, user: "bob", role: "write" },
      ],
    }),
});
let hubUrl: string;
beforeAll(() => {
  hubUrl = fixture.server.url;
});

describe("collections, official client", () => {
  // @huggingface/hub 2.17.5 exports createCollection, listCollections and deleteCollection; the
  // items routes are driven over HTTP here and through huggingface_hub in community-python.test.ts.
  it("createCollection, listCollections by owner and item, deleteCollection", async () => {
    await hfjs.createRepo({ repo: "alice/in-collection", accessToken: OWNER, hubUrl });
    const { slug } = await hfjs.createCollection({
      collection: { title: "JS picks", namespace: "alice", description: "from the JS client" },
      accessToken: OWNER,
      hubUrl,
    });
    expect(slug).toMatch(/^alice\/js-picks-[0-9a-f]{24}$/);
    await expect(
      hfjs.createCollection({
        collection: { title: "Not mine", namespace: "alice" },
        accessToken: OTHER,
        hubUrl,
      }),
    ).rejects.toMatchObject({ statusCode: 403 });
    const added = await fetch(`${hubUrl}/api/collections/${slug}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${OWNER}`, "content-type": "application/json" },
      body: JSON.stringify({ item: { type: "model", id: "alice/in-collection" }, note: "a note" }),
    });
    expect(added.status).toBe(200);
    const listed = [];
    for await (const c of hfjs.listCollections({
      search: { owner: ["alice"], item: ["models/alice/in-collection"] },
      hubUrl,
    }))
      listed.push(c);
    expect(listed).toEqual([
      expect.objectContaining({
        slug,
        title: "JS picks",
        description: "from the JS client",
        owner: expect.objectContaining({ name: "alice" }),
        private: false,
        items: [
          expect.objectContaining({
            type: "model",
            id: "alice/in-collection",
            position: 0,
            note: expect.objectContaining({ text: "a note" }),
          }),
        ],
      }),
    ]);
    // A collection as an item, added by its 24-hex id as huggingface.js's addCollectionItem
    // does (not exported by 2.17.5, so its request is sent here): the Hub answers that id as
    // the item's `id` and the nested collection's slug as `slug`.
    const nested = await hfjs.createCollection({
      collection: { title: "Nested", namespace: "alice" },
      accessToken: OWNER,
      hubUrl,
    });
    const nestedId = nested.slug.slice(-24);
    const addNested = await fetch(`${hubUrl}/api/collections/${slug}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${OWNER}`, "content-type": "application/json" },
      body: JSON.stringify({ item: { type: "collection", id: nestedId }, note: "This is a test item" }),
    });
    expect(addNested.status).toBe(200);
    const info = (await (await fetch(`${hubUrl}/api/collections/${slug}`)).json()) as { items: unknown[] };
    expect(info.items[1]).toMatchObject({
      type: "collection",
      id: nestedId,
      slug: nested.slug,
      note: { text: "This is a test item", html: "This is a test item" },
    });
    await hfjs.deleteCollection({ slug: nested.slug, accessToken: OWNER, hubUrl });
    await hfjs.deleteCollection({ slug, accessToken: OWNER, hubUrl });
    const after = [];
    for await (const c of hfjs.listCollections({ search: { owner: ["alice"] }, hubUrl })) after.push(c);
    expect(after).toEqual([]);
    await expect(hfjs.deleteCollection({ slug, accessToken: OWNER, hubUrl })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe("gated repos, official client", () => {
  it("downloads with access only: 403 GatedRepo for others until the owner grants access", async () => {
    const repo = "alice/gated-js";
    await hfjs.createRepo({ repo, accessToken: OWNER, hubUrl });
    await hfjs.uploadFile({
      repo,
      accessToken: OWNER,
      hubUrl,
      file: { path: "weights.bin", content: new Blob([new Uint8Array(5000).fill(3)]) },
    });
    const settings = await fetch(`${hubUrl}/api/models/${repo}/settings`, {
      method: "PUT",
      headers: { authorization: `Bearer ${OWNER}`, "content-type": "application/json" },
      body: JSON.stringify({ gated: "auto" }),
    });
    expect(settings.status).toBe(200);
    const download = (accessToken?: string) =>
      hfjs.downloadFile({ repo, path: "weights.bin", hubUrl, ...(accessToken ? { accessToken } : {}) });
    expect((await (await download(OWNER))!.arrayBuffer()).byteLength).toBe(5000);
    await expect(download(OTHER)).rejects.toMatchObject({ statusCode: 403 });
    await expect(download()).rejects.toMatchObject({ statusCode: 401 });
    // The repo itself stays visible, as on the Hub.
    expect((await hfjs.modelInfo({ name: repo, hubUrl, accessToken: OTHER })).gated).toBe("auto");
    const check = await fetch(`${hubUrl}/api/models/${repo}/auth-check`, {
      headers: { authorization: `Bearer ${OTHER}` },
    });
    expect([check.status, check.headers.get("x-error-code")]).toEqual([403, "GatedRepo"]);
    // Every other way to the bytes is gated too: the Xet read token and the LFS batch download.
    const xetRead = await fetch(`${hubUrl}/api/models/${repo}/xet-read-token/main`, {
      headers: { authorization: `Bearer ${OTHER}` },
    });
    expect([xetRead.status, xetRead.headers.get("x-error-code")]).toEqual([403, "GatedRepo"]);
    const batch = await fetch(`${hubUrl}/${repo}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${OTHER}`, "content-type": "application/vnd.git-lfs+json" },
      body: JSON.stringify({ operation: "download", objects: [{ oid: "0".repeat(64), size: 1 }] }),
    });
    expect([batch.status, batch.headers.get("x-error-code")]).toEqual([403, "GatedRepo"]);
    // `gated: "auto"`: asking is enough.
    const ask = await fetch(`${hubUrl}/${repo}/ask-access`, {
      method: "POST",
      headers: { authorization: `Bearer ${OTHER}` },
    });
    expect(await ask.json()).toEqual({ status: "accepted" });
    expect((await (await download(OTHER))!.arrayBuffer()).byteLength).toBe(5000);
  });
});

describe("likes over HTTP", () => {
  it("counts likes in repo info and lists likers", async () => {
    await hfjs.createRepo({ repo: "alice/liked-js", accessToken: OWNER, hubUrl });
    for (const token of [OWNER, OTHER, OTHER]) {
      const res = await fetch(`${hubUrl}/api/models/alice/liked-js/like`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }
    const info = (await (await fetch(`${hubUrl}/api/models/alice/liked-js`)).json()) as { likes: number };
    expect(info.likes).toBe(2);
    const likers = (await (await fetch(`${hubUrl}/api/models/alice/liked-js/likers`)).json()) as Array<{
      user: string;
    }>;
    expect(likers.map((l) => l.user)).toEqual(["alice", "bob"]);
  });
});
