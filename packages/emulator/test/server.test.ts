import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../src/index.js";

let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startEmulatorServer origins", () => {
  // huggingface_hub decides that a redirect left the Hub by host NAME (not port); if storage
  // shared the Hub's name it would follow the LFS redirect with the token and miss the
  // metadata headers on the 302.
  it("advertises storage under another host name than the Hub, and both answer", async () => {
    server = await startEmulatorServer({ port: 0 });
    const hub = new URL(server.url);
    const storage = new URL(server.storageUrl);
    expect(hub.hostname).toBe("127.0.0.1");
    expect(storage.hostname).toBe("localhost");
    expect(
      (await fetch(`${server.url}/api/whoami-v2`, { headers: { authorization: "Bearer hf_x" } })).status,
    ).toBe(200);
    // The storage origin answers (404 for an unknown object), on its advertised name.
    expect((await fetch(`${server.storageUrl}/lfs/${"0".repeat(64)}`)).status).toBeGreaterThanOrEqual(400);
  });

  it("lets the caller choose the storage host name", async () => {
    server = await startEmulatorServer({ port: 0, storageHost: "127.0.0.1" });
    expect(new URL(server.storageUrl).hostname).toBe("127.0.0.1");
  });
});

describe("startEmulatorServer answers and request log", () => {
  // JSON answers are written from their text (not read back through the Response's stream),
  // and a full request log drops its oldest entry per request: both speed-ups of `pnpm bench`'s
  // emulator-rps case, which must not change what a client or a test reading the log sees.
  it("writes JSON answers byte for byte (HEAD without a body) and keeps the last requestLogLimit entries", async () => {
    server = await startEmulatorServer({ port: 0, requestLogLimit: 3 });
    const auth = { authorization: "Bearer hf_x" };
    const get = await fetch(`${server.url}/api/whoami-v2`, { headers: auth });
    expect(get.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await get.text();
    expect(JSON.parse(text)).toMatchObject({ type: "user" });
    // A HEAD answered with a JSON error: its status and headers, no body.
    const head = await fetch(`${server.url}/api/whoami-v2`, { method: "HEAD", headers: auth });
    expect(head.status).toBe(404);
    expect(head.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await head.text()).toBe("");
    const missing = await fetch(`${server.url}/api/models/nobody/nothing`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(JSON.parse(await missing.text())).toHaveProperty("error");
    for (const path of ["/api/whoami-v2?n=1", "/api/whoami-v2?n=2"]) {
      await (await fetch(`${server.url}${path}`, { headers: auth })).text();
    }
    const log = server.emulator.requestLog;
    expect(log.map((e) => [e.method, new URL(e.url).pathname + new URL(e.url).search])).toEqual([
      ["GET", "/api/models/nobody/nothing"],
      ["GET", "/api/whoami-v2?n=1"],
      ["GET", "/api/whoami-v2?n=2"],
    ]);
  });
});
