import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createRepo } from "@hfkit/repo";
import { expect, it, vi } from "vitest";

// The README's example (examples/trace-an-upload.ts, shown verbatim in the README and checked
// by tooling/scripts/check-readme-examples.mjs) runs as written, against the emulator.
const TOKEN = "hf_ReadmeExampleTokenTheTestChose";

it("runs the trace-an-upload example: the user's span holds commit > phases > requests", async () => {
  const server = await startEmulatorServer({
    port: 0,
    xet: false,
    users: [{ token: TOKEN, user: "me", role: "write" }],
  });
  const cwd = process.cwd();
  const dir = await mkdtemp(join(tmpdir(), "hfkit-otel-example-"));
  await writeFile(join(dir, "model.safetensors"), Buffer.alloc(30_000, 1));
  await createRepo(createHubClient({ endpoint: server.url, token: TOKEN, env: {} }), { repo: "me/my-model" });
  // ConsoleSpanExporter prints each finished span with console.dir.
  const dir_ = vi.spyOn(console, "dir").mockImplementation(() => {});
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  vi.stubEnv("HF_ENDPOINT", server.url);
  vi.stubEnv("HF_TOKEN", TOKEN);
  process.chdir(dir);
  let lines: string[] = [];
  try {
    await import("../examples/trace-an-upload.js");
  } finally {
    process.chdir(cwd);
    vi.unstubAllEnvs();
    lines = stderr.mock.calls.map((c) => String(c[0]));
    stderr.mockRestore();
    await server.close();
  }
  type Exported = { name: string; id: string; traceId: string; parentSpanContext?: { spanId: string } };
  const spans = [...dir_.mock.calls, ...log.mock.calls].map((c) => c[0] as Exported);
  const named = (name: string) => spans.find((s) => s.name === name)!;
  const parentOf = (span: Exported) => spans.find((s) => s.id === span.parentSpanContext?.spanId)?.name;
  expect(named("publish weights").parentSpanContext).toBeUndefined();
  expect(parentOf(named("commit"))).toBe("publish weights");
  expect(parentOf(named("commit.preupload"))).toBe("commit");
  expect(parentOf(named("POST preupload"))).toBe("commit.preupload");
  expect(parentOf(named("POST createCommit"))).toBe("commit.create");
  expect(parentOf(named("PUT lfsUpload"))).toBe("commit.lfs-upload");
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  // Every request was also logged as a JSON line on stderr, without the token.
  const requests = lines
    .map((l) => JSON.parse(l) as { event?: string })
    .filter((r) => r.event === "http.request");
  expect(requests.length).toBe(spans.filter((s) => /^(GET|POST|PUT) /.test(s.name)).length);
  expect(lines.join("")).not.toContain(TOKEN);
});
