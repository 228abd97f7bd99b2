import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import { capture } from "./test-utils.js";

// `hfkit --verbose --log-format json upload …` against the emulator over loopback HTTP.
const TOKEN = "hf_CliLogSecretTheTestChose";
const fixture = useEmulatorServer({
  // Git LFS, whose phases the trace test names (Xet's are traced in packages/xet).
  start: () => startEmulatorServer({ port: 0, xet: false }),
  tempDir: "hfkit-cli-log-",
  tempDirPer: "test",
});

describe("log options", () => {
  it("--verbose --log-format json: every request as one JSON line on stderr, no token in any", async () => {
    const home = fixture.dir;
    const file = join(home, "weights.bin");
    await writeFile(file, Buffer.alloc(20_000, 7));
    const env = { HF_ENDPOINT: fixture.server.url, HF_HOME: home, HF_TOKEN: TOKEN };
    expect(await main(["repo", "create", "local/logged"], capture(env).io)).toBe(0);
    fixture.server.emulator.clearRequestLog();
    const run = capture(env);
    const code = await main(["--verbose", "--log-format", "json", "upload", "local/logged", file], run.io);
    if (code !== 0) throw new Error(run.stderr().slice(-900));
    // Every line of stderr is a JSON object: log records, progress events, notes.
    const records = run
      .stderr()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = records.filter((r) => r.event === "http.request");
    expect(records.some((r) => r.type === "lfs-object-uploaded")).toBe(true);
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(
      fixture.server.emulator.requestLog.map((r) => `${r.method} ${r.status}`),
    );
    expect(requests.every((r) => typeof r.durationMs === "number" && r.attempt === 1)).toBe(true);
    expect(run.stderr()).not.toContain(TOKEN);
    expect(run.stderr()).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)/);
    expect(run.stdout()).not.toContain('"event"');
  });

  it("-vv --log-format json: each request line also holds its redacted headers and the preupload, LFS batch and commit answers", async () => {
    const home = fixture.dir;
    const file = join(home, "weights.bin");
    await writeFile(file, Buffer.alloc(30_000, 5));
    const env = { HF_ENDPOINT: fixture.server.url, HF_HOME: home, HF_TOKEN: TOKEN };
    expect(await main(["repo", "create", "local/detailed"], capture(env).io)).toBe(0);
    const run = capture(env);
    const code = await main(["-vv", "--log-format", "json", "upload", "local/detailed", file], run.io);
    if (code !== 0) throw new Error(run.stderr().slice(-900));
    const requests = run
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.event === "http.request");
    expect(requests.map((r) => r.operation)).toEqual(
      expect.arrayContaining(["preupload", "lfsBatch", "lfsUpload", "createCommit"]),
    );
    for (const r of requests) {
      expect(r.requestHeaders, String(r.operation)).toMatchObject({ "user-agent": expect.any(String) });
      expect(r.responseHeaders, String(r.operation)).toBeTypeOf("object");
      const answer = ["preupload", "lfsBatch", "createCommit"].includes(String(r.operation));
      expect(r.responseBody !== undefined, String(r.operation)).toBe(answer);
    }
    const preupload = requests.find((r) => r.operation === "preupload")!;
    expect(preupload.requestHeaders).toMatchObject({ authorization: "[REDACTED]" });
    const batch = requests.find((r) => r.operation === "lfsBatch")!.responseBody as {
      objects: { actions: { upload: { href: string } } }[];
    };
    expect(batch.objects[0]!.actions.upload.href).toContain("X-Amz-Signature=%5BREDACTED%5D");
    expect(run.stderr()).not.toContain(TOKEN);
    expect(run.stderr()).not.toMatch(/X-Amz-Signature=(?!%5BREDACTED%5D)/);
  });

  it("HF_DEBUG=1 is -vv: a Xet upload's headers and answers, one line each, with no Hub or CAS token", async () => {
    const xet = await startEmulatorServer({ port: 0 });
    try {
      const home = fixture.dir;
      const file = join(home, "weights.bin");
      await writeFile(file, Buffer.alloc(40_000, 9));
      const env = { HF_ENDPOINT: xet.url, HF_HOME: home, HF_TOKEN: TOKEN };
      expect(await main(["repo", "create", "local/xet-debug"], capture(env).io)).toBe(0);
      const run = capture({ ...env, HF_DEBUG: "1" });
      const code = await main(["upload", "local/xet-debug", file], run.io);
      if (code !== 0) throw new Error(run.stderr().slice(-900));
      const lines = run.stderr().split("\n");
      const preupload = lines.findIndex((l) =>
        / POST \/api\/models\/local\/xet-debug\/preupload\/main 200 /.test(l),
      );
      expect(
        lines.slice(preupload + 1, preupload + 4).map((l) => l.replace(/^\S+ DEBUG\s+/, "").slice(0, 20)),
      ).toEqual(["> request headers he", "< response headers h", "< preupload answer b"]);
      // The LFS batch answer hands out the CAS token in X-Xet-* headers; the CAS requests send it.
      expect(run.stderr()).toMatch(/< lfsBatch answer body=.*"x-xet-access-token":"\[REDACTED\]"/);
      expect(run.stderr()).toMatch(/POST \/v1\/shards 200 /);
      expect(run.stderr()).not.toMatch(/"authorization":"(?!\[REDACTED\])/i);
      expect(run.stderr()).not.toMatch(/Bearer (?!\[REDACTED\])/);
      expect(run.stderr()).not.toContain(TOKEN);
    } finally {
      await xet.close();
    }
  });

  it("stays quiet without --verbose, and HFKIT_LOG=debug or HF_DEBUG=1 turn request lines on", async () => {
    const home = fixture.dir;
    const base = { HF_ENDPOINT: fixture.server.url, HF_HOME: home, HF_TOKEN: TOKEN };
    const quiet = capture(base);
    expect(await main(["whoami"], quiet.io)).toBe(0);
    expect(quiet.stderr()).toBe("");
    for (const extra of [{ HFKIT_LOG: "debug" }, { HF_DEBUG: "1" }] as Record<string, string>[]) {
      const loud = capture({ ...base, ...extra });
      expect(await main(["whoami"], loud.io)).toBe(0);
      expect(loud.stderr()).toMatch(/DEBUG GET \/api\/whoami-v2 200 /);
    }
    const wrong = capture({ ...base, HFKIT_LOG: "chatty" });
    expect(await main(["whoami"], wrong.io)).toBe(2);
    expect(wrong.stderr()).toMatch(/"chatty" is not a log level; use one of silent, error/);
  });

  it("--trace-file writes the run's spans as OTLP JSON: a push nested commit > phases > requests", async () => {
    const home = fixture.dir;
    const folder = join(home, "model");
    await mkdir(folder);
    await writeFile(join(folder, "config.json"), '{"a":1}');
    await writeFile(join(folder, "weights.bin"), Buffer.alloc(50_000, 3));
    const env = { HF_ENDPOINT: fixture.server.url, HF_HOME: home, HF_TOKEN: TOKEN };
    expect(await main(["repo", "create", "local/traced"], capture(env).io)).toBe(0);
    const traceFile = join(home, "trace.json");
    const run = capture({
      ...env,
      OTEL_SERVICE_NAME: "nightly-publish",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=ci,team=ml%20infra,broken",
    });
    const code = await main(["--trace-file", traceFile, "upload", "local/traced", folder], run.io);
    if (code !== 0) throw new Error(run.stderr());
    const text = await readFile(traceFile, "utf8");
    expect(text).not.toContain(TOKEN);
    type Span = { name: string; spanId: string; parentSpanId?: string; traceId: string; kind: number };
    const document = JSON.parse(text) as {
      resourceSpans: { resource: { attributes: { key: string }[] }; scopeSpans: { spans: Span[] }[] }[];
    };
    const [resource] = document.resourceSpans;
    // The standard OTEL_* resource variables apply (OTEL_SERVICE_NAME wins).
    const attributes = Object.fromEntries(
      (resource!.resource.attributes as unknown as { key: string; value: { stringValue: string } }[]).map(
        (a) => [a.key, a.value.stringValue],
      ),
    );
    expect(attributes).toMatchObject({
      "service.name": "nightly-publish",
      "deployment.environment": "ci",
      team: "ml infra",
      "service.version": expect.any(String),
    });
    const spans = resource!.scopeSpans.flatMap((s) => s.spans);
    const commit = spans.find((s) => s.name === "commit")!;
    expect(commit.parentSpanId).toBeUndefined();
    const childrenOf = (parent: Span) => spans.filter((s) => s.parentSpanId === parent.spanId);
    const phases = childrenOf(commit).map((s) => s.name);
    expect(phases).toEqual(
      expect.arrayContaining(["commit.preupload", "commit.lfs-upload", "commit.create"]),
    );
    const upload = childrenOf(commit).find((s) => s.name === "commit.lfs-upload")!;
    expect(childrenOf(upload).map((s) => [s.name, s.kind])).toEqual([["PUT lfsUpload", 3]]); // SPAN_KIND_CLIENT
    const create = childrenOf(commit).find((s) => s.name === "commit.create")!;
    expect(childrenOf(create).map((s) => s.name)).toEqual(["POST createCommit"]);
    expect(new Set([commit, ...childrenOf(commit)].map((s) => s.traceId)).size).toBe(1);
  });

  it("--trace-file of datasets push: one datasets.push span holding the shard writes, the commit and their requests", async () => {
    const home = fixture.dir;
    const data = join(home, "train.jsonl");
    await writeFile(
      data,
      Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i, text: `row ${i}` })).join("\n"),
    );
    const env = { HF_ENDPOINT: fixture.server.url, HF_HOME: home, HF_TOKEN: TOKEN };
    const traceFile = join(home, "push-trace.json");
    const run = capture(env);
    const code = await main(
      ["--trace-file", traceFile, "datasets", "push", "local/traced-push", data, "--num-shards", "2"],
      run.io,
    );
    if (code !== 0) throw new Error(run.stderr());
    const text = await readFile(traceFile, "utf8");
    expect(text).not.toContain(TOKEN);
    type Span = { name: string; spanId: string; parentSpanId?: string; traceId: string; kind: number };
    const document = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
    const spans = document.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const childrenOf = (parent: Span) => spans.filter((s) => s.parentSpanId === parent.spanId);
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots.map((s) => s.name)).toEqual(["datasets.push"]);
    const push = roots[0]!;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const children = childrenOf(push);
    expect(children.map((s) => s.name)).toEqual(
      expect.arrayContaining(["datasets.write-shards", "commit", "GET getRepoInfo"]),
    );
    const write = children.find((s) => s.name === "datasets.write-shards")!;
    const shards = childrenOf(write);
    expect(shards.map((s) => s.name)).toEqual(["datasets.shard", "datasets.shard"]);
    // Each shard is uploaded as soon as it is written (its upload outlives the shard's span but
    // stays under it); the repo is checked and created by the push itself, once the input was
    // read through, while the last shard closes.
    for (const shard of shards) expect(childrenOf(shard).map((s) => s.name)).toContain("commit");
    expect(children.map((s) => s.name)).toContain("POST createRepo");
    const commit = children.find((s) => s.name === "commit")!;
    const create = childrenOf(commit).find((s) => s.name === "commit.create")!;
    expect(childrenOf(create).map((s) => [s.name, s.kind])).toEqual([["POST createCommit", 3]]);
    const uploads = spans.filter((s) => /^(PUT lfsUpload|POST uploadXorb)$/.test(s.name));
    expect(uploads.length).toBeGreaterThan(0);
  });
});
