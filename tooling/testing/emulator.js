// A listening emulator for a test file: started before its tests, with a hub client pointed
// at it and a temp folder, all torn down after. Plain JS like the rest of @hfkit/testing. The
// emulator and the client are passed in as factories, so this package depends on no @hfkit
// package (the emulator imports none, and @hfkit/http's own tests use @hfkit/testing).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

/**
 * `start` runs once before the file's tests (`startEmulatorServer({ port: 0, … })` in-process,
 * or `spawnEmulator(bin, args)` for `hfkit emulator serve`); `client(url)` makes the hub client;
 * `tempDir` is the prefix of a folder made for the file (with `tempDirPer: "test"`, a fresh one
 * for each test, and the file's one in its `beforeAll` hooks). The server is closed and the
 * folders removed after.
 */
export function useEmulatorServer({ start, client, tempDir, tempDirPer = "file" }) {
  let server;
  let hub;
  let fileDir;
  let dir;
  const makeDir = () => mkdtemp(join(tmpdir(), tempDir));
  const remove = (path) => (path ? rm(path, { recursive: true, force: true }) : undefined);
  beforeAll(async () => {
    server = await start();
    if (client) hub = client(server.url);
    // With folders per test, `beforeAll` hooks of the file still get one (never an unset path).
    if (tempDir) dir = fileDir = await makeDir();
  });
  afterAll(async () => {
    await hub?.close?.(); // a client with a connection pool of its own (undici) lets it go
    await server?.close();
    await remove(fileDir);
  });
  if (tempDir && tempDirPer === "test") {
    beforeEach(async () => {
      dir = await makeDir();
    });
    afterEach(async () => {
      await remove(dir);
      dir = fileDir;
    });
  }
  return {
    get server() {
      return server;
    },
    get hub() {
      return hub;
    },
    get dir() {
      return dir;
    },
  };
}

/**
 * Spawns `hfkit emulator serve …args` from the CLI's `bin` and resolves once it prints its URL
 * (its first stdout line). `close()` stops it with SIGTERM and waits for it to exit.
 */
export async function spawnEmulator(bin, args = []) {
  const child = spawn(process.execPath, [bin, "emulator", "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout });
  // An emulator that exits before printing its URL fails the test with what it said, not a hang.
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`hfkit emulator serve exited (${code}) before printing its URL: ${stderr}`);
  });
  const [url] = await Promise.race([once(lines, "line"), exited]);
  exited.catch(() => {});
  return {
    url,
    child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The emulator's request log as `{ call: "METHOD HUB|STORAGE /path", status, auth }`, for
 * asserting the exact requests a flow made and that the storage origin never saw the token.
 */
export function requestCalls(server) {
  return server.emulator.requestLog.map((r) => {
    const url = new URL(r.url);
    const origin = url.origin === server.storageUrl ? "STORAGE" : "HUB";
    return { call: `${r.method} ${origin} ${url.pathname}`, status: r.status, auth: r.hasAuthorization };
  });
}

const MiB = 1 << 20;

/**
 * Emulator options for whole-flow tests of the Git LFS path: no Xet (so uploads go through the
 * LFS batch API), and multipart from 4 MiB in parts of 2 MiB, so a 5 MiB file takes 3 parts.
 */
export const LFS_SMALL_PARTS = Object.freeze({
  multipartThreshold: 4 * MiB,
  multipartChunkSize: 2 * MiB,
  xet: false,
});
