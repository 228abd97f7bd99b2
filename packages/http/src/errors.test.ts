import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createHubClient } from "./client.js";
import {
  ConflictError,
  EntryNotFoundError,
  GatedRepoError,
  HubError,
  InvalidResponseError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  RepoNotFoundError,
  RevisionNotFoundError,
  UnauthorizedError,
} from "./errors.js";

const { server } = useMswServer();
const TOKEN = "hf_SuperSecretTokenValue123";

function client() {
  return createHubClient({ endpoint: HUB, token: TOKEN, retry: false });
}

async function failure(
  status: number,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<HubError> {
  server.use(
    http.get(`${HUB}/api/thing`, () =>
      body === undefined
        ? new HttpResponse(null, { status, headers })
        : typeof body === "string"
          ? new HttpResponse(body, { status, headers })
          : HttpResponse.json(body, { status, headers }),
    ),
  );
  return rejection(client().request({ schema: z.unknown(), path: "/api/thing" }));
}

describe("error classification", () => {
  it.each([
    ["RepoNotFound", RepoNotFoundError, "REPO_NOT_FOUND"],
    ["RevisionNotFound", RevisionNotFoundError, "REVISION_NOT_FOUND"],
    ["EntryNotFound", EntryNotFoundError, "ENTRY_NOT_FOUND"],
  ] as const)("maps X-Error-Code %s to %s", async (xCode, cls, code) => {
    const error = await failure(404, { "x-error-code": xCode, "x-request-id": "req-1" });
    expect(cls.isInstance(error)).toBe(true);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, status: 404, requestId: "req-1", retryable: false });
  });

  it("uses X-Error-Code before the status (gated repos answer 403)", async () => {
    const error = await failure(403, {
      "x-error-code": "GatedRepo",
      "x-error-message": "Access to model a/b is restricted.",
    });
    expect(GatedRepoError.isInstance(error)).toBe(true);
    expect(error.serverMessage).toBe("Access to model a/b is restricted.");
    expect(error.message).toContain("Request access");
  });

  it.each([
    [401, UnauthorizedError, "UNAUTHORIZED"],
    [409, ConflictError, "CONFLICT"],
    [412, PreconditionFailedError, "PRECONDITION_FAILED"],
    [404, NotFoundError, "NOT_FOUND"],
  ] as const)("falls back to the status: %i", async (status, cls, code) => {
    const error = await failure(status);
    expect(cls.isInstance(error)).toBe(true);
    expect(error.code).toBe(code);
  });

  it("falls back to the body when there is no error code", async () => {
    const error = await failure(
      404,
      {},
      { error: "Repository Not Found for url: https://hub.test/api/thing." },
    );
    expect(RepoNotFoundError.isInstance(error)).toBe(true);
  });

  it("reads the server message from JSON error, message, errors[] and text", async () => {
    expect((await failure(400, {}, { error: "bad name" })).serverMessage).toBe("bad name");
    expect((await failure(400, {}, { error: ["a", "b"] })).serverMessage).toBe("a; b");
    expect((await failure(400, {}, { message: "from message" })).serverMessage).toBe("from message");
    expect((await failure(400, {}, { errors: [{ message: "x" }] })).serverMessage).toBe("x");
    expect((await failure(500, { "content-type": "text/plain" }, "plain text")).serverMessage).toBe(
      "plain text",
    );
    expect(
      (await failure(502, { "content-type": "text/html" }, "<html>bad gateway</html>")).serverMessage,
    ).toBeUndefined();
  });

  it("marks rate limits retryable and carries the wait", async () => {
    const error = await failure(429, { "retry-after": "120" });
    expect(RateLimitedError.isInstance(error)).toBe(true);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Try again in 120s");
  });

  it("tells whether a token was sent in the 401 hint", async () => {
    server.use(http.get(`${HUB}/api/thing`, () => new HttpResponse(null, { status: 401 })));
    const anonymous = await rejection(
      createHubClient({ endpoint: HUB, token: false, retry: false }).request({
        schema: z.unknown(),
        path: "/api/thing",
      }),
    );
    expect(anonymous.message).toContain("No token was sent");
    const withToken = await failure(401);
    expect(withToken.message).toContain("rejected the token");
  });

  it("ends the server's message with a stop before the hint, so the two read as sentences", async () => {
    const repo = await failure(
      404,
      { "x-error-code": "RepoNotFound", "x-request-id": "req-2" },
      {
        error: "Repository not found",
      },
    );
    expect(repo.message).toBe(
      `Repository not found (404 on GET ${HUB}/api/thing): Repository not found. Check the repo id and its type (datasets are "datasets/owner/name"), and that this token can read it. Request id: req-2.`,
    );
    // A message that has its own stop keeps it; no message at all gets one after the status.
    expect((await failure(409, {}, { error: "Already exists." })).message).toBe(
      `Conflict (409 on GET ${HUB}/api/thing): Already exists.`,
    );
    expect((await failure(401)).message).toMatch(/^Unauthorized \(401 on GET \S+\)\. The Hub rejected/);
    // A question or an exclamation is a sentence already.
    expect((await failure(400, {}, { error: "Did you mean main?" })).message).toMatch(
      /: Did you mean main\?$/,
    );
  });

  it("wraps malformed JSON and schema mismatches as InvalidResponseError", async () => {
    server.use(
      http.get(
        `${HUB}/api/bad`,
        () => new HttpResponse("{not json", { headers: { "content-type": "application/json" } }),
      ),
    );
    await expect(client().request({ schema: z.unknown(), path: "/api/bad" })).rejects.toSatisfy((e) =>
      InvalidResponseError.isInstance(e),
    );
    server.use(http.get(`${HUB}/api/shape`, () => HttpResponse.json({ id: 3 })));
    const error = await rejection(
      client().request({ path: "/api/shape", schema: z.object({ id: z.string() }) }),
    );
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/id: .*string/);
  });

  it("wraps network failures as retryable NETWORK_ERROR", async () => {
    server.use(http.get(`${HUB}/api/down`, () => HttpResponse.error()));
    const error = await rejection(client().request({ schema: z.unknown(), path: "/api/down" }));
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(true);
  });

  it("reports retryable by the client's retry settings: one list of statuses", async () => {
    server.use(http.get(`${HUB}/api/limited`, () => new HttpResponse(null, { status: 429 })));
    server.use(http.get(`${HUB}/api/broken`, () => new HttpResponse(null, { status: 500 })));
    const only500 = createHubClient({
      endpoint: HUB,
      token: TOKEN,
      retry: { statuses: [500], maxAttempts: 1 },
    });
    const limited = await rejection(only500.request({ schema: z.unknown(), path: "/api/limited" }));
    expect(limited).toMatchObject({ code: "RATE_LIMITED", retryable: false });
    const broken = await rejection(only500.request({ schema: z.unknown(), path: "/api/broken" }));
    expect(broken).toMatchObject({ code: "SERVER_ERROR", retryable: true });
    // With retries off, the default list still tells a caller what is worth repeating.
    expect((await rejection(client().request({ schema: z.unknown(), path: "/api/limited" }))).retryable).toBe(
      true,
    );
  });

  it("lets each subclass fix its own code: none can be given, none restated", () => {
    // @ts-expect-error a subclass takes no code: its class fixes it
    const forced = new InvalidResponseError("bad shape", { code: "CONFLICT" });
    expect(forced.code).toBe("INVALID_RESPONSE");
    expect(new ConflictError("exists", { status: 409 })).toMatchObject({ code: "CONFLICT", status: 409 });
    expect(new RepoNotFoundError("gone").code).toBe("REPO_NOT_FOUND");
    // @ts-expect-error a code that has a class of its own is not given to HubError either
    expect(new HubError("x", { code: "CONFLICT" }).code).toBe("CONFLICT");
    expect(new HubError("x", { code: "FORBIDDEN", status: 403 })).toMatchObject({ code: "FORBIDDEN" });
  });

  it("recognises errors from another copy of the package by brand", () => {
    const foreign = Object.assign(Object.create(Error.prototype), {
      [Symbol.for("hfkit.error.HubError")]: true,
      [Symbol.for("hfkit.error.NotFoundError")]: true,
    });
    expect(HubError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(RepoNotFoundError.isInstance(foreign)).toBe(false);
    expect(HubError.isInstance(new Error("x"))).toBe(false);
  });
});

describe("redaction", () => {
  it("never puts the token in an error, even when the server echoes it", async () => {
    const error = await failure(
      400,
      {},
      { error: `token ${TOKEN} is malformed; Authorization: Bearer ${TOKEN}` },
    );
    const everything = [
      error.message,
      error.serverMessage,
      String(error),
      JSON.stringify(error),
      error.stack,
    ].join("\n");
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain("SuperSecret");
  });

  it("removes signatures and credentials from URLs in errors", async () => {
    server.use(http.put(`${STORAGE}/bucket/obj`, () => new HttpResponse("denied", { status: 403 })));
    const error = await rejection(
      client().request({
        schema: z.unknown(),
        method: "PUT",
        url: `${STORAGE}/bucket/obj?X-Amz-Credential=AKIA123&X-Amz-Signature=deadbeef&partNumber=2`,
        body: { binary: new Uint8Array([1]) },
      }),
    );
    expect(error.url).toContain("partNumber=2");
    expect(error.message).not.toContain("deadbeef");
    expect(error.message).not.toContain("AKIA123");
  });
});
