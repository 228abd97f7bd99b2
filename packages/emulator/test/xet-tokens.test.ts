// The token exchange and the Xet switches: who gets which CAS token (hub-docs docs/xet/auth.md,
// hub-protocol.md 10.2), what the LFS batch offers, and the server and per-repo off switches.
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { call, callJson, commitLfs, createRepo, lfsBatch, TOKEN } from "./helpers.js";
import { type CasAccess, cas, sha256, xetToken } from "./xet/client.js";

const users = [
  { token: TOKEN, user: "local", role: "write" as const },
  { token: "hf_reader", user: "reader", role: "read" as const },
  { token: "hf_other", user: "other", role: "write" as const },
];

let hub: Emulator;
beforeEach(async () => {
  hub = createEmulator({ users, now: () => Date.UTC(2026, 0, 1) });
  await createRepo(hub, "xet");
});

describe("xet-read-token / xet-write-token", () => {
  it("answer the JSON body and the same values as X-Xet-* headers", async () => {
    const res = await xetToken(hub, "local/xet", "write");
    expect(res.status).toBe(200);
    const exp = Date.UTC(2026, 0, 1) / 1000 + 3600;
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^xet_/),
      exp,
      casUrl: hub.storageBaseUrl,
    });
    expect(res.headers.get("x-xet-access-token")).toBe(res.body.accessToken);
    expect(res.headers.get("x-xet-token-expiration")).toBe(String(exp));
    expect(res.headers.get("x-xet-cas-url")).toBe(hub.storageBaseUrl);
  });

  it("answer 401, 403 and 404 as the Hub does", async () => {
    await createRepo(hub, "secret", { private: true });
    const cases: Array<[Promise<{ status: number }>, number]> = [
      [xetToken(hub, "local/xet", "write", "main", { token: "hf_unknown" }), 401],
      [xetToken(hub, "local/xet", "write", "main", { token: null }), 401],
      [xetToken(hub, "local/xet", "write", "main", { token: "hf_reader" }), 403],
      [xetToken(hub, "local/xet", "write", "main", { token: "hf_other" }), 403],
      [xetToken(hub, "local/secret", "read", "main", { token: "hf_other" }), 404],
      [xetToken(hub, "local/nope", "read"), 404],
      [xetToken(hub, "local/xet", "read", "no-such-branch"), 404],
      [xetToken(hub, "local/xet", "write", "None"), 404],
    ];
    for (const [res, status] of cases) expect((await res).status).toBe(status);
  });

  it("give a read token to anyone who can read the repo, anonymous callers of a public one included", async () => {
    expect((await xetToken(hub, "local/xet", "read", "main", { token: null })).status).toBe(200);
    expect((await xetToken(hub, "local/xet", "read", "main", { token: "hf_reader" })).status).toBe(200);
  });

  it("accept the literal None revision with create_pr=1, for any signed-in user's write token (PR uploads)", async () => {
    for (const token of [TOKEN, "hf_other"]) {
      const res = await xetToken(hub, "local/xet", "write", "None", { token, query: "?create_pr=1" });
      expect(res.status).toBe(200);
    }
    // A read token "can only be used to provide read access" (hub-docs security-tokens.md).
    const reader = await xetToken(hub, "local/xet", "write", "None", {
      token: "hf_reader",
      query: "?create_pr=1",
    });
    expect(reader.status).toBe(403);
  });
});

describe("the LFS batch", () => {
  const batch = (transfers: string[], ref: string | null = "main") =>
    callJson<{
      transfer: string;
      objects: Array<{ actions?: { upload: { href: string; header: Record<string, string> } } }>;
    }>(hub, "POST", "/local/xet.git/info/lfs/objects/batch", {
      json: {
        operation: "upload",
        transfers,
        hash_algo: "sha_256",
        ...(ref ? { ref: { name: ref } } : {}),
        objects: [{ oid: "a".repeat(64), size: 10 }],
      },
    });

  it("answers transfer xet when offered: the write-token URL and a CAS token in X-Xet-* headers", async () => {
    const res = await batch(["basic", "multipart", "xet"]);
    expect(res.body.transfer).toBe("xet");
    const upload = res.body.objects[0]!.actions!.upload;
    expect(upload.href).toBe(`${hub.baseUrl}/api/models/local/xet/xet-write-token/main`);
    expect(upload.header).toMatchObject({
      "x-xet-cas-url": hub.storageBaseUrl,
      "x-xet-access-token": expect.stringMatching(/^xet_/),
      "x-xet-token-expiration": String(Date.UTC(2026, 0, 1) / 1000 + 3600),
      "x-xet-session-id": expect.any(String),
    });
    // The token works on the CAS.
    const token = upload.header["x-xet-access-token"]!;
    expect((await cas(hub, "GET", `/v1/chunks/default/${"a".repeat(64)}`, { token })).status).toBe(404);
    // Without a ref (a PR upload), the refresh URL asks for a PR token.
    const pr = await batch(["basic", "xet"], null);
    expect(pr.body.objects[0]!.actions!.upload.href).toBe(
      `${hub.baseUrl}/api/models/local/xet/xet-write-token/None?create_pr=1`,
    );
  });

  it("answers basic or multipart when xet is not offered", async () => {
    expect((await batch(["basic", "multipart"])).body.transfer).toBe("basic");
  });
});

describe("switching Xet off", () => {
  async function lfsFile(emulator: Emulator) {
    const bytes = new Uint8Array(randomBytes(100));
    await commitLfs(emulator, "local/xet", "w.bin", bytes);
    return bytes;
  }

  it("server-wide (xet: false): no token routes, no CAS, LFS only, xetEnabled false", async () => {
    const off = createEmulator({ xet: false });
    await createRepo(off, "xet");
    expect((await xetToken(off, "local/xet", "write")).status).toBe(404);
    expect((await cas(off, "GET", `/v2/reconstructions/${"a".repeat(64)}`, { token: "xet_x" })).status).toBe(
      404,
    );
    const res = await lfsBatch(off, "local/xet", [{ oid: "b".repeat(64), size: 5 }]);
    expect(res.body.transfer).toBe("basic");
    const offered = await callJson<{ transfer: string }>(
      off,
      "POST",
      "/local/xet.git/info/lfs/objects/batch",
      {
        json: {
          operation: "upload",
          transfers: ["basic", "xet"],
          objects: [{ oid: "b".repeat(64), size: 5 }],
        },
      },
    );
    expect(offered.body.transfer).toBe("basic");
    expect(
      (await callJson<{ xetEnabled: boolean }>(off, "GET", "/api/models/local/xet")).body.xetEnabled,
    ).toBe(false);
  });

  it("per repo (settings xetEnabled: false): tokens 403, the batch answers basic, downloads carry no Xet headers", async () => {
    const bytes = await lfsFile(hub);
    const settings = await callJson<{ xetEnabled: boolean }>(hub, "PUT", "/api/models/local/xet/settings", {
      json: { xetEnabled: false },
    });
    expect(settings.body.xetEnabled).toBe(false);
    expect(
      (await callJson<{ xetEnabled: boolean }>(hub, "GET", "/api/models/local/xet")).body.xetEnabled,
    ).toBe(false);
    expect((await xetToken(hub, "local/xet", "write")).status).toBe(403);
    const offered = await callJson<{ transfer: string }>(
      hub,
      "POST",
      "/local/xet.git/info/lfs/objects/batch",
      {
        json: {
          operation: "upload",
          transfers: ["basic", "xet"],
          ref: { name: "main" },
          objects: [{ oid: "c".repeat(64), size: 5 }],
        },
      },
    );
    expect(offered.body.transfer).toBe("basic");
    const got = await call(hub, "GET", "/local/xet/resolve/main/w.bin");
    expect(got.headers.get("x-xet-hash")).toBeNull();
    expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("a token issued while Xet was on stops working when the repo turns it off", async () => {
    const { accessToken } = (await xetToken(hub, "local/xet", "read")).body as CasAccess;
    await call(hub, "PUT", "/api/models/local/xet/settings", { json: { xetEnabled: false } });
    expect(
      (await cas(hub, "GET", `/v1/chunks/default/${"a".repeat(64)}`, { token: accessToken })).status,
    ).toBe(403);
  });
});
