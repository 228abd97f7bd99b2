import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { rejection } from "@hfkit/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireCacheLock, acquireFileLock } from "./lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A live process other than this one, to stand as a lock's holder. */
async function otherProcess<T>(use: (pid: number) => Promise<T>): Promise<T> {
  const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  try {
    return await use(holder.pid!);
  } finally {
    holder.kill();
  }
}

describe("acquireFileLock", () => {
  it("holds the file while held, and removes it on release", async () => {
    const path = join(dir, "sub", "x.lock");
    const lock = await acquireFileLock(path);
    expect(lock.exclusive).toBe(true);
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ tool: "hfkit", pid: process.pid });
    await lock.release();
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a lock whose holder died (also one written by an earlier hfkit as { pid, host })", async () => {
    const path = join(dir, "x.lock");
    await writeFile(path, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }));
    const lock = await acquireFileLock(path, { timeoutMs: 500 });
    expect(lock.exclusive).toBe(true);
    await lock.release();
  });

  it("waits for a live holder, says so once, and gives up after timeoutMs naming it", async () => {
    const path = join(dir, "x.lock");
    await otherProcess(async (pid) => {
      await writeFile(path, JSON.stringify({ pid, host: hostname() }));
      const waits: unknown[] = [];
      const error = await rejection(
        acquireFileLock(path, { timeoutMs: 200, pollMs: 20, onWait: (h) => waits.push(h) }),
      );
      expect(error.message).toBe(`${path} is held by process ${pid}; gave up after 200 ms.`);
      expect(waits).toEqual([{ pid, host: hostname() }]);
    });
  });

  it("stops waiting as soon as the signal aborts", async () => {
    const path = join(dir, "x.lock");
    await otherProcess(async (pid) => {
      await writeFile(path, JSON.stringify({ pid, host: hostname() }));
      const controller = new AbortController();
      const waiting = acquireFileLock(path, {
        signal: controller.signal,
        pollMs: 60_000,
        onWait: () => {
          controller.abort(new Error("interrupted"));
        },
      });
      expect((await rejection(waiting)).message).toBe("interrupted");
      expect(existsSync(path)).toBe(true); // the holder's file is left alone
    });
  });

  it("waits for a file another tool wrote, unless told to share it (the hub cache's rule)", async () => {
    const path = join(dir, "x.lock");
    await writeFile(path, ""); // huggingface_hub's filelock leaves empty files behind
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import("node:fs/promises");
    await utimes(path, old, old);
    expect((await rejection(acquireFileLock(path, { timeoutMs: 100, pollMs: 10 }))).message).toMatch(
      /is held by another program/,
    );
    const shared = await acquireCacheLock(path);
    expect(shared.exclusive).toBe(false);
    await shared.release();
    expect(await readFile(path, "utf8")).toBe("");
  });
});
