import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnEmulator } from "@hfkit/testing/emulator";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIO } from "../io.js";
import { main } from "../main.js";

// turbo builds the CLI before its tests (apps/cli/turbo.json), so the real binary is here.
const BIN = join(import.meta.dirname, "..", "..", "bin", "hfkit.js");
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Spawns `hfkit emulator serve ...` and resolves with its first stdout line (the base URL). */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, url } = await spawnEmulator(BIN, args);
  children.push(child);
  return { child, url };
}

const whoami = (url: string, token: string) =>
  fetch(`${url}/api/whoami-v2`, { headers: { authorization: `Bearer ${token}` } });

describe("hfkit emulator serve", () => {
  it("prints its URL first, accepts any hf_ token by default, and stops on SIGTERM", async () => {
    const { child, url } = await serve(["--port", "0"]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await whoami(url, "hf_anything");
    expect(((await me.json()) as { name: string }).name).toBe("local");
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("with --token accepts only those tokens, with their user and role", async () => {
    const { child, url } = await serve([
      "--token",
      "hf_alice:alice:write",
      "--token",
      "hf_bob:bob:read",
      "--page-size",
      "1",
    ]);
    expect(((await (await whoami(url, "hf_alice")).json()) as { name: string }).name).toBe("alice");
    expect((await whoami(url, "hf_other")).status).toBe(401);
    const create = (token: string, name: string) =>
      fetch(`${url}/api/repos/create`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
    expect((await create("hf_bob", "nope")).status).toBe(403);
    expect((await create("hf_alice", "one")).status).toBe(200);
    expect((await create("hf_alice", "two")).status).toBe(200);
    const page = await fetch(`${url}/api/models`);
    expect(((await page.json()) as unknown[]).length).toBe(1);
    expect(page.headers.get("link")).toContain(`${url}/api/models?cursor=`);
    child.kill("SIGINT");
    expect((await once(child, "exit"))[0]).toBe(0);
  });

  it("serves Xet by default, and not with --no-xet", async () => {
    const tokenStatus = async (url: string) => {
      await fetch(`${url}/api/repos/create`, {
        method: "POST",
        headers: { authorization: "Bearer hf_x", "content-type": "application/json" },
        body: JSON.stringify({ name: "xet" }),
      });
      const res = await fetch(`${url}/api/models/local/xet/xet-write-token/main`, {
        headers: { authorization: "Bearer hf_x" },
      });
      return res.status;
    };
    const on = await serve([]);
    expect(await tokenStatus(on.url)).toBe(200);
    const off = await serve(["--no-xet"]);
    expect(await tokenStatus(off.url)).toBe(404);
    for (const { child } of [on, off]) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("keeps repos in --dir across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-cli-emulator-"));
    try {
      const first = await serve(["--dir", dir]);
      await fetch(`${first.url}/api/repos/create`, {
        method: "POST",
        headers: { authorization: "Bearer hf_x", "content-type": "application/json" },
        body: JSON.stringify({ name: "kept", type: "dataset" }),
      });
      first.child.kill("SIGTERM");
      await once(first.child, "exit");
      const second = await serve(["--dir", dir]);
      expect((await fetch(`${second.url}/api/datasets/local/kept`)).status).toBe(200);
      second.child.kill("SIGTERM");
      await once(second.child, "exit");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs in-process until interrupted, and rejects bad options as usage errors", async () => {
    const out: string[] = [];
    const err: string[] = [];
    let interrupt: ((signal: "SIGINT") => void) | undefined;
    const stop = () => interrupt?.("SIGINT");
    const io: CliIO = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
      onInterrupt: (listener) => {
        interrupt = listener;
        return () => {};
      },
    };
    const running = main(["emulator", "serve", "--chunk-size", "1MiB"], io);
    while (!out.length) await new Promise((r) => setTimeout(r, 10));
    const url = out[0]!.trim();
    expect((await whoami(url, "hf_x")).status).toBe(200);
    stop();
    expect(await running).toBe(0);
    expect(err.join("")).toContain("stopped");

    const bad = io;
    expect(await main(["emulator", "serve", "--token", "hf_x:alice:admin"], bad)).toBe(2);
    expect(await main(["emulator", "serve", "--chunk-size", "lots"], bad)).toBe(2);
    expect(await main(["emulator", "serve", "--org", "acme"], bad)).toBe(2);
    expect(err.join("")).toContain("expected NAME:USER,USER");
  });

  it("--faults, --request-log, --seed and --org, with the admin route on loopback", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-cli-emulator-tool-"));
    try {
      const faults = join(dir, "faults.json");
      await writeFile(
        faults,
        JSON.stringify([{ path: "/api/whoami-v2", status: 429, headers: { "retry-after": "2" } }]),
      );
      const log = join(dir, "requests.jsonl");
      await mkdir(join(dir, "seed", "models", "acme", "tiny"), { recursive: true });
      await writeFile(join(dir, "seed", "models", "acme", "tiny", "config.json"), "{}\n");
      const { child, url } = await serve([
        "--faults",
        faults,
        "--request-log",
        log,
        "--seed",
        join(dir, "seed"),
        "--token",
        "hf_alice:alice:write",
        "--org",
        "acme:alice,bob",
      ]);
      const limited = await whoami(url, "hf_alice");
      expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "2"]);
      const me = (await (await whoami(url, "hf_alice")).json()) as { orgs: Array<{ name: string }> };
      expect(me.orgs.map((o) => o.name)).toEqual(["acme"]);
      const members = await fetch(`${url}/api/organizations/acme/members`);
      expect(((await members.json()) as Array<{ user: string }>).map((m) => m.user)).toEqual([
        "alice",
        "bob",
      ]);
      const config = await fetch(`${url}/acme/tiny/resolve/main/config.json`);
      expect(await config.text()).toBe("{}\n");
      // alice may write in acme's namespace: she is a member.
      const created = await fetch(`${url}/api/repos/create`, {
        method: "POST",
        headers: { authorization: "Bearer hf_alice", "content-type": "application/json" },
        body: JSON.stringify({ name: "by-member", organization: "acme" }),
      });
      expect(created.status).toBe(200);
      const added = await fetch(`${url}/_emulator/faults`, {
        method: "POST",
        body: JSON.stringify({ path: "/api/models/acme/tiny", status: 500 }),
      });
      expect(await added.json()).toEqual({ added: 1, pending: 1 });
      expect((await fetch(`${url}/api/models/acme/tiny`)).status).toBe(500);
      const admin = (await (await fetch(`${url}/_emulator/requests`)).json()) as { total: number };
      expect(admin.total).toBe(6);
      child.kill("SIGTERM");
      await once(child, "exit");
      const lines = (await readFile(log, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.method, l.path, l.status, l.authorization])).toEqual([
        ["GET", "/api/whoami-v2", 429, true],
        ["GET", "/api/whoami-v2", 200, true],
        ["GET", "/api/organizations/acme/members", 200, false],
        ["GET", "/acme/tiny/resolve/main/config.json", 200, false],
        ["POST", "/api/repos/create", 200, true],
        ["GET", "/api/models/acme/tiny", 500, false],
      ]);
      expect(await readFile(log, "utf8")).not.toContain("hf_alice");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a --dir that is a file and a --seed that is no folder (exit 2), before anything listens", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-cli-emulator-dir-"));
    try {
      const file = join(dir, "state.json");
      await writeFile(file, "{}");
      const missing = join(dir, "fixtures");
      for (const [args, message] of [
        [["--dir", file], `--dir: ${file} is a file; give a folder.`],
        [
          ["--seed", missing],
          `--seed: ${missing} is not a folder; give one laid out as DIR/{models,datasets,spaces}/NAMESPACE/NAME/files.`,
        ],
      ] as const) {
        const out: string[] = [];
        const err: string[] = [];
        const io: CliIO = {
          stdout: { write: (s: string) => out.push(s) },
          stderr: { write: (s: string) => err.push(s) },
          env: {},
          onInterrupt: () => () => {},
        };
        expect(await main(["emulator", "serve", ...args], io)).toBe(2);
        expect(out).toEqual([]);
        expect(err.join("")).toBe(`error: ${message}\n`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a --faults file with a bad rule, naming the file, rule and field (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hfkit-cli-emulator-faults-"));
    try {
      const faults = join(dir, "faults.json");
      await writeFile(faults, JSON.stringify([{ path: "/api/whoami-v2", status: 429, times: 0 }]));
      const err: string[] = [];
      const io: CliIO = {
        stdout: { write: () => {} },
        stderr: { write: (s: string) => err.push(s) },
        env: {},
        onInterrupt: () => () => {},
      };
      expect(await main(["emulator", "serve", "--faults", faults], io)).toBe(2);
      expect(err.join("")).toContain(`--faults: ${faults}[0].times: `);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
