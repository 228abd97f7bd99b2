import { describe, expect, it } from "vitest";
import { createEmulator } from "../src/index.js";
import { call, callJson, commitFiles, createRepo } from "./helpers.js";

const users = [
  { token: "hf_alice", user: "alice", role: "write" as const, orgs: ["acme"] },
  { token: "hf_alice_ro", user: "alice", role: "read" as const },
  { token: "hf_bob", user: "bob", role: "write" as const },
];

describe("identity", () => {
  it("whoami-v2 answers for configured users and 401s unknown tokens and anonymous callers", async () => {
    const hub = createEmulator({ users });
    const me = await callJson<{
      name: string;
      orgs: Array<{ name: string }>;
      auth: { accessToken: { role: string } };
    }>(hub, "GET", "/api/whoami-v2", { token: "hf_alice_ro" });
    expect(me.body.name).toBe("alice");
    expect(me.body.auth.accessToken.role).toBe("read");
    expect((await call(hub, "GET", "/api/whoami-v2", { token: "hf_someone_else" })).status).toBe(401);
    expect((await call(hub, "GET", "/api/whoami-v2", { token: null })).status).toBe(401);
  });
});

describe("private repos and permissions", () => {
  it("are invisible to other users (404) and to anonymous callers (401, as the Hub), everywhere", async () => {
    const hub = createEmulator({ users });
    await createRepo(hub, "secret", { private: true }, "hf_alice");
    await commitFiles(hub, "alice/secret", { "a.txt": "x" }, { token: "hf_alice" });
    for (const [token, status] of [
      ["hf_bob", 404],
      [null, 401],
    ] as const) {
      for (const path of [
        "/api/models/alice/secret",
        "/alice/secret/resolve/main/a.txt",
        "/api/models/alice/secret/tree/main",
        "/api/models/alice/missing",
      ]) {
        const res = await call(hub, "GET", path, { token });
        expect(res.status).toBe(status);
        expect(res.headers.get("x-error-code")).toBe("RepoNotFound");
      }
      const list = await callJson<Array<{ id: string }>>(hub, "GET", "/api/models", { token });
      expect(list.body.map((r) => r.id)).not.toContain("alice/secret");
    }
    const other = await commitFiles(hub, "alice/secret", { "b.txt": "y" }, { token: "hf_bob" });
    expect(other.status).toBe(404);
    expect((await call(hub, "GET", "/api/models/alice/secret", { token: "hf_alice_ro" })).status).toBe(200);
  });

  it("need a write token of the owner (or one of their orgs) to write", async () => {
    const hub = createEmulator({ users });
    await createRepo(hub, "open", {}, "hf_alice");
    expect((await commitFiles(hub, "alice/open", { a: "1" }, { token: "hf_alice_ro" })).status).toBe(403);
    expect((await commitFiles(hub, "alice/open", { a: "1" }, { token: "hf_bob" })).status).toBe(403);
    expect((await commitFiles(hub, "alice/open", { a: "1" }, { token: "hf_alice" })).status).toBe(200);
    // Anyone signed in may open a PR.
    expect(
      (await commitFiles(hub, "alice/open", { a: "2" }, { token: "hf_bob", query: "?create_pr=1" })).status,
    ).toBe(200);
    const inOrg = await callJson(hub, "POST", "/api/repos/create", {
      json: { name: "tool", organization: "acme" },
      token: "hf_alice",
    });
    expect(inOrg.status).toBe(200);
    const notMine = await callJson(hub, "POST", "/api/repos/create", {
      json: { name: "x", organization: "acme" },
      token: "hf_bob",
    });
    expect(notMine.status).toBe(403);
  });
});

describe("repo admin", () => {
  it("create answers 409 with the existing repo's url", async () => {
    const hub = createEmulator();
    await createRepo(hub, "dup");
    const again = await callJson<{ error: string; url: string }>(hub, "POST", "/api/repos/create", {
      json: { name: "dup" },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: "You already created this model repo",
      url: `${hub.baseUrl}/local/dup`,
    });
  });

  it("settings accept both private and visibility", async () => {
    const hub = createEmulator();
    await createRepo(hub, "vis");
    const info = async () =>
      (await callJson<{ private: boolean }>(hub, "GET", "/api/models/local/vis")).body.private;
    await call(hub, "PUT", "/api/models/local/vis/settings", { json: { private: true } });
    expect(await info()).toBe(true);
    await call(hub, "PUT", "/api/models/local/vis/settings", { json: { visibility: "public" } });
    expect(await info()).toBe(false);
    const res = await callJson<{ visibility: string; gated: string }>(
      hub,
      "PUT",
      "/api/models/local/vis/settings",
      {
        json: { visibility: "private", gated: "manual" },
      },
    );
    expect(res.body).toMatchObject({ visibility: "private", gated: "manual" });
    expect((await call(hub, "GET", "/api/models/local/vis", { token: null })).status).toBe(401);
  });

  it("move renames a repo; old resolve URLs redirect to the new name", async () => {
    const hub = createEmulator();
    await createRepo(hub, "old", { type: "dataset" });
    await call(hub, "POST", "/api/datasets/local/old/commit/main", {
      body: '{"key":"header","value":{"summary":"x"}}\n{"key":"file","value":{"path":"a.txt","content":"moved!"}}',
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(
      (
        await call(hub, "POST", "/api/repos/move", {
          json: { fromRepo: "local/old", toRepo: "local/new", type: "dataset" },
        })
      ).status,
    ).toBe(200);
    expect((await call(hub, "GET", "/api/datasets/local/old")).status).toBe(404);
    expect((await call(hub, "GET", "/api/datasets/local/new")).status).toBe(200);
    const redirect = await call(hub, "GET", "/datasets/local/old/resolve/main/a.txt", {});
    expect(redirect.url).toBe(`${hub.baseUrl}/datasets/local/new/resolve/main/a.txt`);
    expect(await redirect.text()).toBe("moved!");
  });

  it("repo info at a revision, HEAD, and expand", async () => {
    const hub = createEmulator();
    await createRepo(hub, "info");
    const c1 = (await commitFiles(hub, "local/info", { "a.txt": "1" })).body.commitOid;
    await commitFiles(hub, "local/info", { "b.txt": "2" });
    const at = await callJson<{ sha: string; siblings: Array<{ rfilename: string }> }>(
      hub,
      "GET",
      `/api/models/local/info/revision/${c1}`,
    );
    expect(at.body.sha).toBe(c1);
    expect(at.body.siblings.map((s) => s.rfilename).sort()).toEqual([".gitattributes", "a.txt"]);
    const head = await callJson<Record<string, unknown>>(
      hub,
      "GET",
      "/api/models/local/info/revision/HEAD?expand=sha&expand=private",
    );
    expect(Object.keys(head.body).sort()).toEqual(["_id", "id", "private", "sha"]);
    expect((await call(hub, "GET", "/api/models/local/info/revision/nope")).status).toBe(404);
  });

  it("lists models / datasets / spaces with search, author, limit and Link paging", async () => {
    const hub = createEmulator({ users, pageSize: 2 });
    for (const name of ["bert-a", "bert-b", "gpt-c"]) await createRepo(hub, name, {}, "hf_alice");
    await createRepo(hub, "bert-bob", {}, "hf_bob");
    await createRepo(hub, "space", { type: "space", sdk: "static" }, "hf_bob");
    const first = await callJson<Array<{ id: string }>>(hub, "GET", "/api/models?search=bert", {
      token: null,
    });
    expect(first.body.map((r) => r.id)).toEqual(["alice/bert-a", "alice/bert-b"]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link")!)![1]!;
    const second = await callJson<Array<{ id: string }>>(hub, "GET", next, { token: null });
    expect(second.body.map((r) => r.id)).toEqual(["bob/bert-bob"]);
    const byAuthor = await callJson<Array<{ id: string }>>(hub, "GET", "/api/models?author=alice&limit=1", {
      token: null,
    });
    expect(byAuthor.body.map((r) => r.id)).toEqual(["alice/bert-a"]);
    const spaces = await callJson<Array<{ id: string; sdk: string }>>(hub, "GET", "/api/spaces", {
      token: null,
    });
    expect(spaces.body).toMatchObject([{ id: "bob/space", sdk: "static" }]);
    expect(
      (
        await callJson(hub, "POST", "/api/repos/create", {
          json: { name: "nosdk", type: "space" },
          token: "hf_bob",
        })
      ).status,
    ).toBe(400);
  });

  it("delete removes the repo; deleting again is 404", async () => {
    const hub = createEmulator();
    await createRepo(hub, "gone");
    expect(
      (await call(hub, "DELETE", "/api/repos/delete", { json: { name: "gone", type: "model" } })).status,
    ).toBe(200);
    expect((await call(hub, "GET", "/api/models/local/gone")).status).toBe(404);
    expect((await call(hub, "DELETE", "/api/repos/delete", { json: { name: "gone" } })).status).toBe(404);
  });
});
