import { rejection } from "@hfkit/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as z from "zod";
import type { HubClient } from "./client.js";
import { ConflictError, InvalidResponseError, RateLimitedError } from "./errors.js";
import { DEFAULT_RETRY } from "./middleware/retry.js";
import { prepareRequest } from "./prepare.js";
import { checkResponse, readResponse } from "./response.js";

// Reading a response works on plain `Response` objects: no server needed.
const url = new URL("https://hub.test/api/x?X-Amz-Signature=secret");
const settings = { endpoint: "https://hub.test", retry: DEFAULT_RETRY, signal: undefined };
const json = (body: unknown, init?: ResponseInit) =>
  new Response(JSON.stringify(body), { ...init, headers: { "content-type": "application/json" } });

describe("readResponse", () => {
  it("gives each responseType its own result", async () => {
    const text = () => new Response("héllo");
    expect(await readResponse({ path: "/x", responseType: "text" }, text(), url, [])).toBe("héllo");
    expect(await readResponse({ path: "/x", responseType: "bytes" }, text(), url, [])).toEqual(
      new TextEncoder().encode("héllo"),
    );
    expect(await readResponse({ path: "/x", responseType: "stream" }, text(), url, [])).toBeInstanceOf(
      ReadableStream,
    );
    const raw = text();
    expect(await readResponse({ path: "/x", responseType: "response" }, raw, url, [])).toBe(raw);
    expect(await readResponse({ path: "/x", responseType: "none" }, text(), url, [])).toBeUndefined();
  });

  it("validates JSON with the schema, naming the first issues, without the URL's signature", async () => {
    const schema = z.object({ id: z.string() });
    expect(await readResponse({ path: "/x", schema }, json({ id: "a" }), url, [])).toEqual({ id: "a" });
    const error = await rejection(readResponse({ path: "/x", schema }, json({ id: 3 }), url, []));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^Unexpected response from the Hub \(200 on .*\): id: /);
    expect(error.message).not.toContain("secret");
    const garbled = await rejection(readResponse({ path: "/x", schema }, new Response("{nope"), url, []));
    expect(garbled.message).toMatch(/not JSON/);
  });

  it("checks that a page of a list is an array before its schema", async () => {
    const page = readResponse(
      { path: "/x", schema: z.array(z.unknown()) },
      json({ not: "a list" }),
      url,
      [],
      {
        list: true,
      },
    );
    expect((await rejection(page)).message).toMatch(/expected a JSON array/);
  });
});

describe("checkResponse", () => {
  const prepared = (extra = {}) => prepareRequest({ path: "/x", responseType: "none", ...extra }, settings);

  it("passes 2xx, asked-for redirects and okStatuses; classifies the rest", async () => {
    await checkResponse(new Response(null, { status: 204 }), prepared(), undefined, []);
    await checkResponse(new Response(null, { status: 302 }), prepared({ redirect: "manual" }), undefined, []);
    await checkResponse(new Response(null, { status: 404 }), prepared(), [404], []);
    const conflict = await rejection(
      checkResponse(json({ error: "exists" }, { status: 409 }), prepared(), undefined, []),
    );
    expect(ConflictError.isInstance(conflict)).toBe(true);
    expect(conflict.serverMessage).toBe("exists");
  });

  it("marks an error retryable only when the request's retry settings repeat its status", async () => {
    const limited = () => new Response(null, { status: 429 });
    const defaults = await rejection(checkResponse(limited(), prepared(), undefined, []));
    expect(RateLimitedError.isInstance(defaults) && defaults.retryable).toBe(true);
    const only500 = await rejection(
      checkResponse(limited(), prepared({ retry: { statuses: [500] } }), undefined, []),
    );
    expect(only500.retryable).toBe(false);
  });
});

describe("result types", () => {
  it("follow responseType, and a JSON answer without a schema does not compile", () => {
    const hub = {} as HubClient;
    const call = () => {
      expectTypeOf(hub.request({ path: "/x", responseType: "text" }))
        .resolves.toHaveProperty("data")
        .toBeString();
      expectTypeOf(hub.request({ path: "/x", responseType: "none" }))
        .resolves.toHaveProperty("data")
        .toBeUndefined();
      expectTypeOf(hub.request({ path: "/x", responseType: "bytes" }))
        .resolves.toHaveProperty("data")
        .toEqualTypeOf<Uint8Array>();
      expectTypeOf(hub.request({ path: "/x", schema: z.object({ n: z.number() }) }))
        .resolves.toHaveProperty("data")
        .toEqualTypeOf<{ n: number }>();
      // @ts-expect-error a JSON answer needs a schema
      void hub.request({ path: "/x" });
      // @ts-expect-error a list needs its schema too
      void hub.paginate({ path: "/api/models" });
    };
    expect(call).toBeTypeOf("function"); // the checks above are for the type checker only
  });
});
