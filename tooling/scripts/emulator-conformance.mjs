// The emulator's conformance suite (the official @huggingface/hub client's flows, unchanged)
// run against `hfkit emulator serve`, the way users start it: the built CLI in its own
// process, over real loopback HTTP. Part of `npm test`, after the build.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { root } from "./pnpm.mjs";

/** Runs the suite against `hfkit emulator serve` started with `extra` flags; returns its exit code. */
async function run(label, extra, env) {
  const server = spawn(
    process.execPath,
    [
      join(root, "apps/cli/bin/hfkit.js"),
      "emulator",
      "serve",
      "--port",
      "0",
      // Small pages and parts, so that listings paginate and a 1.5 MB file is a multipart upload.
      "--page-size",
      "3",
      "--chunk-size",
      "256KiB",
      "--multipart-threshold",
      "1MiB",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const [url] = await Promise.race([
      once(createInterface({ input: server.stdout }), "line"),
      once(server, "exit").then(([code]) => {
        throw new Error(`hfkit emulator serve exited with ${code} before printing its URL`);
      }),
    ]);
    console.error(`hfkit emulator serve (${label}): ${url}`);
    const result = spawnSync(
      process.execPath,
      [join(root, "node_modules/vitest/vitest.mjs"), "run", "test/conformance.test.ts"],
      {
        cwd: join(root, "packages/emulator"),
        env: { ...process.env, HFKIT_EMULATOR_URL: url, ...env },
        stdio: "inherit",
      },
    );
    return result.status ?? 1;
  } finally {
    server.kill("SIGTERM");
  }
}

// The default (Xet served: the official client uploads through it), then Xet off (--no-xet:
// the client falls back to the LFS protocol), so both paths stay tested.
const withXet = await run("Xet on", [], {});
const withoutXet = await run("--no-xet", ["--no-xet"], { HFKIT_EMULATOR_XET: "0" });
process.exitCode = withXet || withoutXet;
