import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../src/index.js";

// A page on another origin talks to both emulator origins as it would to the Hub and its
// storage: the browser sends a preflight, then reads only the headers the answer exposes.
const PAGE = "http://localhost:5173";
let server: EmulatorServer;
beforeAll(async () => {
  server = await startEmulatorServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

const exposed = (response: Response) =>
  (response.headers.get("access-control-expose-headers") ?? "").split(/,\s*/).map((h) => h.toLowerCase());

describe("CORS, as the Hub answers it", () => {
  it("answers a preflight on the Hub origin with the method and headers the page asked for", async () => {
    const response = await fetch(`${server.url}/api/repos/create`, {
      method: "OPTIONS",
      headers: {
        origin: PAGE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
    // A preflight is never a call: nothing was created.
    const repos = await fetch(`${server.url}/api/models?author=me`);
    expect(await repos.json()).toEqual([]);
  });

  it("answers a preflight on the storage origin for a presigned PUT", async () => {
    const response = await fetch(`${server.storageUrl}/lfs/${"a".repeat(64)}`, {
      method: "OPTIONS",
      headers: {
        origin: PAGE,
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(response.headers.get("access-control-allow-methods")).toContain("PUT");
  });

  it("lets the page read the Hub's headers on answers and on errors", async () => {
    const ok = await fetch(`${server.url}/api/whoami-v2`, {
      headers: { origin: PAGE, authorization: "Bearer hf_page" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(PAGE);
    for (const header of [
      "x-repo-commit",
      "x-linked-size",
      "x-linked-etag",
      "etag",
      "link",
      "content-range",
      "x-request-id",
      "x-error-message",
      "x-total-count",
    ]) {
      expect(exposed(ok)).toContain(header);
    }
    const missing = await fetch(`${server.url}/api/models/nobody/nothing`, { headers: { origin: PAGE } });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(exposed(missing)).toContain("x-error-message");
    const storage = await fetch(`${server.storageUrl}/lfs/${"0".repeat(64)}`, { headers: { origin: PAGE } });
    expect(storage.status).toBeGreaterThanOrEqual(400);
    expect(storage.headers.get("access-control-allow-origin")).toBe(PAGE);
  });

  it("adds nothing for a caller that sends no Origin (Node clients, curl)", async () => {
    const response = await fetch(`${server.url}/api/whoami-v2`, {
      headers: { authorization: "Bearer hf_x" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-expose-headers")).toBeNull();
  });
});
