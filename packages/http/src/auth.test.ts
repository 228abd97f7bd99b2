import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HUB, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import { InvalidInputError } from "./errors.js";

const { server, seen } = useMswServer();

function echoAuth() {
  server.use(http.get(`${HUB}/api/whoami-v2`, () => HttpResponse.json({ name: "alice" })));
}

async function sentAuthorization(options: Parameters<typeof createHubClient>[0]) {
  echoAuth();
  await createHubClient({ endpoint: HUB, ...options }).request({
    schema: z.unknown(),
    path: "/api/whoami-v2",
  });
  return seen.at(-1)?.headers.get("authorization") ?? null;
}

async function tokenFile(content: string, name = "token") {
  const dir = await mkdtemp(join(tmpdir(), "hfkit-token-"));
  await writeFile(join(dir, name), content);
  return dir;
}

describe("token precedence", () => {
  it("sends an explicit token even when the environment has another", async () => {
    expect(await sentAuthorization({ token: "hf_option", env: { HF_TOKEN: "hf_env" } })).toBe(
      "Bearer hf_option",
    );
  });

  it("sends no token with token: false", async () => {
    expect(await sentAuthorization({ token: false, env: { HF_TOKEN: "hf_env" } })).toBeNull();
  });

  it("asks the token provider on every request", async () => {
    let n = 0;
    const client = createHubClient({ endpoint: HUB, env: {}, tokenProvider: () => `hf_rotating${++n}` });
    echoAuth();
    await client.request({ schema: z.unknown(), path: "/api/whoami-v2" });
    await client.request({ schema: z.unknown(), path: "/api/whoami-v2" });
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer hf_rotating1",
      "Bearer hf_rotating2",
    ]);
  });

  it("rejects token and tokenProvider together before any request", () => {
    expect(() => createHubClient({ endpoint: HUB, token: "hf_a", tokenProvider: () => "hf_b" })).toThrow(
      InvalidInputError,
    );
  });

  it("uses HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the token file", async () => {
    const home = await tokenFile("hf_from_file\n");
    expect(
      await sentAuthorization({ env: { HF_HOME: home, HF_TOKEN: "hf_a", HUGGING_FACE_HUB_TOKEN: "hf_b" } }),
    ).toBe("Bearer hf_a");
    expect(await sentAuthorization({ env: { HF_HOME: home, HUGGING_FACE_HUB_TOKEN: "hf_b" } })).toBe(
      "Bearer hf_b",
    );
    expect(await sentAuthorization({ env: { HF_HOME: home } })).toBe("Bearer hf_from_file");
  });

  it("reads the token file at HF_TOKEN_PATH before $HF_HOME/token", async () => {
    const home = await tokenFile("hf_home_file");
    const other = await tokenFile("hf_path_file", "custom-token");
    expect(
      await sentAuthorization({ env: { HF_HOME: home, HF_TOKEN_PATH: join(other, "custom-token") } }),
    ).toBe("Bearer hf_path_file");
  });

  it("sends nothing when no token is configured anywhere", async () => {
    const home = await mkdtemp(join(tmpdir(), "hfkit-empty-"));
    expect(await sentAuthorization({ env: { HF_HOME: home } })).toBeNull();
  });

  it("honours HF_HUB_DISABLE_IMPLICIT_TOKEN but not over an explicit token", async () => {
    expect(
      await sentAuthorization({ env: { HF_TOKEN: "hf_env", HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" } }),
    ).toBeNull();
    expect(await sentAuthorization({ token: "hf_x", env: { HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" } })).toBe(
      "Bearer hf_x",
    );
  });

  it("reports where the token comes from without revealing it", async () => {
    const client = createHubClient({ endpoint: HUB, env: { HF_TOKEN: "hf_secret_value" } });
    expect(await client.tokenOrigin()).toBe("HF_TOKEN");
  });
});

describe("the token stays on the Hub's origin", () => {
  it("is not sent to another origin (presigned storage, part URLs)", async () => {
    server.use(
      http.put(
        `${STORAGE}/upload/abc`,
        () => new HttpResponse(null, { status: 200, headers: { etag: '"x"' } }),
      ),
    );
    const client = createHubClient({ endpoint: HUB, token: "hf_secret" });
    await client.request({
      method: "PUT",
      url: `${STORAGE}/upload/abc?X-Amz-Signature=sig`,
      body: { binary: new Uint8Array([1, 2, 3]) },
      responseType: "none",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.has("authorization")).toBe(false);
  });

  it("is not sent on a Hub URL marked auth: false (signed multipart completion)", async () => {
    server.use(http.post(`${HUB}/api/complete_multipart`, () => HttpResponse.json({})));
    const client = createHubClient({ endpoint: HUB, token: "hf_secret" });
    await client.request({
      schema: z.unknown(),
      method: "POST",
      url: `${HUB}/api/complete_multipart?uploadId=u1&sig=x`,
      body: { json: { oid: "a", parts: [] } },
      auth: false,
    });
    await client.request({
      schema: z.unknown(),
      method: "POST",
      path: "/api/complete_multipart",
      body: { json: {} },
    });
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([null, "Bearer hf_secret"]);
  });

  it("is not sent to the same host on another port or scheme", async () => {
    server.use(http.get("http://hub.test/x", () => HttpResponse.json({})));
    await createHubClient({ endpoint: HUB, token: "hf_secret" }).request({
      schema: z.unknown(),
      url: "http://hub.test/x",
    });
    expect(seen[0]!.headers.has("authorization")).toBe(false);
  });

  it("is dropped when a redirect leaves the Hub, and kept on same-origin hops", async () => {
    server.use(
      http.get(`${HUB}/acme/model/resolve/main/a.bin`, () =>
        HttpResponse.redirect(`${HUB}/api/resolve-cache/acme/model/a.bin`, 307),
      ),
      http.get(`${HUB}/api/resolve-cache/acme/model/a.bin`, () =>
        HttpResponse.redirect(`${STORAGE}/cdn/sha?sig=1`, 302),
      ),
      http.get(`${STORAGE}/cdn/sha`, () => HttpResponse.text("content")),
    );
    const client = createHubClient({ endpoint: HUB, token: "hf_secret" });
    const { data } = await client.request({ path: "/acme/model/resolve/main/a.bin", responseType: "text" });
    expect(data).toBe("content");
    expect(seen.map((r) => [r.url.origin, r.headers.get("authorization")])).toEqual([
      [HUB, "Bearer hf_secret"],
      [HUB, "Bearer hf_secret"],
      [STORAGE, null],
    ]);
  });

  it("does not re-add the token when a redirect comes back to the Hub", async () => {
    server.use(
      http.get(`${HUB}/start`, () => HttpResponse.redirect(`${STORAGE}/bounce`, 302)),
      http.get(`${STORAGE}/bounce`, () => HttpResponse.redirect(`${HUB}/end`, 302)),
      http.get(`${HUB}/end`, () => HttpResponse.json({ ok: true })),
    );
    await createHubClient({ endpoint: HUB, token: "hf_secret" }).request({
      schema: z.unknown(),
      path: "/start",
    });
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual(["Bearer hf_secret", null, null]);
  });

  it("returns the redirect itself with redirect: manual", async () => {
    server.use(http.get(`${HUB}/r`, () => HttpResponse.redirect(`${STORAGE}/x`, 302)));
    const res = await createHubClient({ endpoint: HUB, token: "hf_s" }).request({
      path: "/r",
      redirect: "manual",
      responseType: "none",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${STORAGE}/x`);
    expect(seen).toHaveLength(1);
  });
});

describe("user agent", () => {
  it("names hfkit, the runtime and what the caller adds", async () => {
    echoAuth();
    await createHubClient({ endpoint: HUB, env: {}, token: false, userAgent: "my-app/1.2" }).request({
      schema: z.unknown(),
      path: "/api/whoami-v2",
    });
    expect(seen[0]!.headers.get("user-agent")).toMatch(/^hfkit\/\S+; node\/\d+\.\d+\.\d+; my-app\/1\.2$/);
  });
});
