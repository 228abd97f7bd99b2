import { channel } from "node:diagnostics_channel";
import { uploadFolder } from "@hfkit/commit";
import { createEmulator } from "@hfkit/emulator";
import { createHubClient, type HubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { hubXetTokenSource, uploadXet } from "@hfkit/xet";
import { describe, expect, it } from "vitest";
import { HFKIT_CHANNELS } from "./channels.js";
import { logHfkitEvents } from "./log-events.js";
import { createLogger, formatRecord, parseLogLevel } from "./logger.js";
import { redactValue } from "./redact.js";
import { noise, tempFolder } from "./test-utils/index.js";

const MiB = 1 << 20;
const TOKEN = "hf_LoggerSecretTokenTheTestChose";

/** A Xet upload of `bytes` random bytes; returns the CAS token it was given, for the tests to look for. */
async function uploadXetKeepingToken(
  hub: HubClient,
  repo: string,
  bytes: number,
  seed: number,
): Promise<string> {
  let casToken = "";
  const casSource = hubXetTokenSource(hub, { repo, scope: "write" });
  await uploadXet(hub, {
    repo,
    files: [{ content: noise(bytes, seed) }],
    cacheDir: false,
    tokenSource: async (signal) => {
      const connection = await casSource(signal);
      casToken = connection.accessToken;
      return connection;
    },
  });
  return casToken;
}

describe("createLogger", () => {
  it("writes human and JSON lines at or above its level, and drops the rest unformatted", () => {
    const lines: string[] = [];
    const time = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    const json = createLogger({ level: "info", format: "json", sink: (l) => lines.push(l), now: () => time });
    json.debug("hidden", { a: 1 });
    json.info("shown", { a: 1, nested: { b: "two" } });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-01-02T03:04:05.006Z", level: "info", msg: "shown", a: 1, nested: { b: "two" } },
    ]);
    expect(json.enabled("debug")).toBe(false);
    expect(json.enabled("warn")).toBe(true);
    expect(
      formatRecord(
        { time, level: "warn", msg: "retrying", fields: { delayMs: 250, url: "a b", none: undefined } },
        "human",
      ),
    ).toMatch(/^\d\d:\d\d:05\.006 WARN {2}retrying delayMs=250 url="a b"$/);
  });

  it("redacts tokens it holds, hf_ tokens, Bearer values, credential keys and URL signatures", () => {
    const lines: string[] = [];
    const log = createLogger({
      level: "trace",
      format: "json",
      sink: (l) => lines.push(l),
      secrets: () => ["cas-secret-123456"],
    });
    log.info(`token ${TOKEN} in a message`, {
      header: "Bearer abc.def.ghi",
      authorization: "anything at all",
      accessToken: "cas-secret-123456",
      url: "https://s3.test/o?X-Amz-Signature=deadbeef&part=2",
      text: "the CAS token is cas-secret-123456",
    });
    const dump = lines.join("\n");
    for (const secret of [TOKEN, "abc.def.ghi", "anything at all", "cas-secret-123456", "deadbeef"])
      expect(dump).not.toContain(secret);
    expect(JSON.parse(lines[0]!).url).toBe("https://s3.test/o?X-Amz-Signature=%5BREDACTED%5D&part=2");
    expect(redactValue(new Error(`bad ${TOKEN}`))).toEqual({ name: "Error", message: "bad hf_[REDACTED]" });
  });

  it("names the accepted levels when given a wrong one", () => {
    expect(parseLogLevel(" DEBUG ")).toBe("debug");
    expect(() => parseLogLevel("verbose")).toThrow(
      /level: "verbose" is not a log level; use one of silent, error/,
    );
  });
});

describe("logHfkitEvents", () => {
  it("logs every request of an upload (with its retry) as one JSON line, with no token, CAS token or signature", async () => {
    const emulator = createEmulator({ multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });
    const hub = createHubClient({
      endpoint: emulator.baseUrl,
      fetch: emulator.fetch,
      token: TOKEN,
      env: {},
      retry: { initialDelayMs: 1, random: () => 1 },
    });
    await createRepo(hub, { repo: "local/logged" });
    const dir = await tempFolder({ "a.txt": "hello\n", "big.bin": noise(5 * MiB, 9) });
    emulator.faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/1$/, status: 500, times: 1 });
    emulator.clearRequestLog();
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", format: "json", sink: (l) => lines.push(l) });
    const stop = logHfkitEvents(logger);
    let casToken = "";
    try {
      // Git LFS here (its part PUT fails once); the Xet upload follows.
      await uploadFolder(hub, { repo: "local/logged", folder: dir, useXet: false });
      casToken = await uploadXetKeepingToken(hub, "local/logged", 200_000, 10);
    } finally {
      stop();
    }
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = records.filter((r) => r.event === "http.request");
    const served = emulator.requestLog;
    expect(requests.length).toBe(served.length);
    for (const r of requests) {
      expect(r).toMatchObject({ level: "debug", method: expect.any(String), status: expect.any(Number) });
      expect(r.durationMs).toBeTypeOf("number");
      expect(r.attempt).toBeTypeOf("number");
    }
    const retry = records.find((r) => r.event === "http.retry")!;
    expect(retry).toMatchObject({ level: "warn", reason: "500", delayMs: 1, attempt: 1, method: "PUT" });
    expect(records.some((r) => r.event === "span.end" && r.span === "commit")).toBe(true);
    expect(records.some((r) => r.event === "commit.commit-created")).toBe(true);
    expect(casToken.length).toBeGreaterThan(8);
    const dump = lines.join("\n");
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(casToken);
    expect(dump).toContain("X-Amz-Signature=%5BREDACTED%5D");
    expect(dump).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)/);
    expect(Object.values(HFKIT_CHANNELS).filter((name) => channel(name).hasSubscribers)).toEqual([]);
  });

  it("with details (-vv): redacted headers and the preupload, LFS batch, commit and Xet token answers, no secret", async () => {
    const emulator = createEmulator({ multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });
    const hub = createHubClient({ endpoint: emulator.baseUrl, fetch: emulator.fetch, token: TOKEN, env: {} });
    await createRepo(hub, { repo: "local/detailed" });
    const dir = await tempFolder({ "a.txt": "hello\n", "big.bin": noise(5 * MiB, 11) });
    const json: string[] = [];
    const human: string[] = [];
    const stops = [
      logHfkitEvents(createLogger({ level: "debug", format: "json", sink: (l) => json.push(l) }), {
        details: true,
      }),
      logHfkitEvents(createLogger({ level: "debug", format: "human", sink: (l) => human.push(l) }), {
        details: true,
      }),
    ];
    let casToken = "";
    try {
      await uploadFolder(hub, { repo: "local/detailed", folder: dir, useXet: false });
      casToken = await uploadXetKeepingToken(hub, "local/detailed", 100_000, 12);
    } finally {
      for (const stop of stops) stop();
    }
    const requests = json
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.event === "http.request");
    const byOperation = (op: string) => requests.find((r) => r.operation === op)!;
    for (const op of ["preupload", "lfsBatch", "createCommit", "getXetToken"]) {
      expect(byOperation(op).responseBody, op).toBeTypeOf("object");
    }
    expect(byOperation("preupload").responseBody).toMatchObject({ files: expect.any(Array) });
    expect(byOperation("createCommit").responseBody).toMatchObject({ commitOid: expect.any(String) });
    expect(byOperation("getXetToken").responseBody).toMatchObject({ accessToken: "[REDACTED]" });
    const batch = byOperation("lfsBatch").responseBody as {
      objects: { actions: { upload: { header: Record<string, string> } } }[];
    };
    const parts = Object.entries(batch.objects[0]!.actions.upload.header).filter(([k]) => /^\d+$/.test(k));
    expect(parts.length).toBeGreaterThan(1);
    for (const [, url] of parts) expect(url).toContain("X-Amz-Signature=%5BREDACTED%5D");
    for (const r of requests) {
      expect((r.requestHeaders as Record<string, string>)["user-agent"]).toBeTypeOf("string");
      expect(r.responseHeaders).toBeTypeOf("object");
    }
    expect(requests.find((r) => r.operation === "preupload")!.requestHeaders).toMatchObject({
      authorization: "[REDACTED]",
    });
    expect(
      requests.filter((r) => r.operation === "lfsUpload").every((r) => r.responseBody === undefined),
    ).toBe(true);
    // Human: the request line, then one line each for the headers and the answer.
    const preupload = human.findIndex((l) =>
      / POST \/api\/models\/local\/detailed\/preupload\/main 200 /.test(l),
    );
    expect(human[preupload + 1]).toMatch(/DEBUG\s+> request headers headers=/);
    expect(human[preupload + 2]).toMatch(/DEBUG\s+< response headers headers=/);
    expect(human[preupload + 3]).toMatch(/DEBUG\s+< preupload answer body=/);
    expect(casToken.length).toBeGreaterThan(8);
    const dump = [...json, ...human].join("\n");
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(casToken);
    expect(dump).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)/);
    expect(Object.values(HFKIT_CHANNELS).filter((name) => channel(name).hasSubscribers)).toEqual([]);
  });
});
