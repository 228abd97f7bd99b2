import { describe, expect, it } from "vitest";
import * as z from "zod";
import { DEFAULT_RETRY } from "./middleware/retry.js";
import { appendQuery, normaliseEndpoint, prepareRequest } from "./prepare.js";

// Preparing a request is pure: these tests need no server.
const settings = { endpoint: "https://hub.test", retry: DEFAULT_RETRY, signal: undefined };

describe("prepareRequest", () => {
  it("resolves the path on the endpoint, repeats array query keys and drops empty ones", () => {
    const prepared = prepareRequest(
      {
        path: "/api/models",
        query: { expand: ["sha", "siblings"], search: "bert", limit: 5, cursor: undefined, full: null },
        schema: z.unknown(),
      },
      settings,
    );
    expect(prepared.url.href).toBe(
      "https://hub.test/api/models?expand=sha&expand=siblings&search=bert&limit=5",
    );
    expect(prepared).toMatchObject({ method: "GET", idempotent: true, redirect: "follow", auth: true });
  });

  it("asks for JSON only when it will read JSON, and types the body it sends", () => {
    const json = prepareRequest(
      { method: "POST", path: "/api/x", body: { json: { a: 1 } }, schema: z.unknown() },
      settings,
    );
    expect(json.headers.get("accept")).toBe("application/json");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(json.contentLength).toBe(7);
    expect(json.idempotent).toBe(false);
    const raw = prepareRequest({ path: "/a/resolve/main/x", responseType: "stream" }, settings);
    expect(raw.headers.has("accept")).toBe(false);
    expect(raw.body).toBeNull();
  });

  it("merges per-request retry settings over the client's, and `false` on either side wins", () => {
    const merged = prepareRequest({ path: "/x", responseType: "none", retry: { maxAttempts: 2 } }, settings);
    expect(merged.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 });
    expect(prepareRequest({ path: "/x", responseType: "none", retry: false }, settings).retry).toBe(false);
    expect(prepareRequest({ path: "/x", responseType: "none" }, { ...settings, retry: false }).retry).toBe(
      false,
    );
  });

  it("aborts with either the request's signal or the client's", () => {
    const client = new AbortController();
    const request = new AbortController();
    const prepared = prepareRequest(
      { path: "/x", responseType: "none", signal: request.signal },
      { ...settings, signal: client.signal },
    );
    expect(prepared.signal?.aborted).toBe(false);
    client.abort(new Error("interrupted"));
    expect(prepared.signal?.aborted).toBe(true);
    expect(prepared.signal?.reason).toEqual(new Error("interrupted"));
    const alone = prepareRequest(
      { path: "/x", responseType: "none" },
      { ...settings, signal: client.signal },
    );
    expect(alone.signal).toBe(client.signal);
  });

  it("refuses an unknown method and a relative path before any I/O, naming the field", () => {
    expect(() =>
      prepareRequest({ path: "/x", responseType: "none", method: "TRACE" as "GET" }, settings),
    ).toThrow(/^method: "TRACE"/);
    expect(() => prepareRequest({ path: "x", responseType: "none" }, settings)).toThrow(/^path: /);
  });
});

describe("endpoint and query helpers", () => {
  it("normalises an endpoint and refuses what is not an http(s) URL", () => {
    expect(normaliseEndpoint("https://hub.test/mirror///")).toBe("https://hub.test/mirror");
    expect(() => normaliseEndpoint("ftp://hub.test")).toThrow(/^endpoint: /);
    expect(() => normaliseEndpoint("hub.test")).toThrow(/is not a URL/);
  });

  it("encodes query values", () => {
    const url = new URL("https://hub.test/api");
    appendQuery(url, { q: "a b&c", flag: true });
    expect(url.search).toBe("?q=a+b%26c&flag=true");
  });
});
