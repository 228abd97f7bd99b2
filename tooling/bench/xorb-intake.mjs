// The emulator's CPU for the Xet intake of the 2 M-row dataset push alone, for two emulator
// builds: the xorbs that push sends (captured once from a disk emulator, kept in
// HFKIT_BENCH_DIR) are POSTed to a fresh emulator process (emulator-serve.mjs: memory storage),
// 4 in flight in 1 MiB writes as the CLI sends them, and the emulator's user + system CPU
// (/proc, every thread: compiler and GC included) is read before and after. Each round runs
// both builds, alternating which goes first. Less noise than push-emulators.mjs, which adds
// the rest of the push.
//   node xorb-intake.mjs <emulator-dist-a> <emulator-dist-b> [rounds]
// datasets-push.mjs must have written its JSONL file once; the CLI must be built.
// HFKIT_BENCH_XORB_FILE=<file> takes the xorbs of that one file's upload by hfkit instead
// (client-once.mjs; e.g. the 1 GiB of random bytes xet-upload-cpu.mjs writes).
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { cpuOf, median } from "./lib.mjs";
import { pushEnv, pushInput } from "./push-lib.mjs";

const here = import.meta.dirname;
const [a, b, rounds = "5"] = process.argv.slice(2);
if (!a || !b) throw new Error("usage: node xorb-intake.mjs <emulator-dist-a> <emulator-dist-b> [rounds]");
const cli = process.env.HFKIT_BENCH_CLI ?? join(here, "..", "..", "apps", "cli", "bin", "hfkit.js");
const TOKEN = "hf_bench_token_not_secret";

/** The push's xorbs, from one push to a disk emulator of this checkout (once). */
async function capturedXorbs() {
  const file = process.env.HFKIT_BENCH_XORB_FILE;
  const input = file ?? pushInput();
  const dir = file
    ? join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), `hfkit-xorb-intake-${basename(file)}`)
    : join(input, "..", "xorbs");
  if (!existsSync(dir)) {
    const { startEmulatorServer } = await import("@hfkit/emulator");
    const work = mkdtempSync(join(tmpdir(), "hfkit-xorb-intake-"));
    const server = await startEmulatorServer({ port: 0, verifyLfsSha256: false, storage: { dir: work } });
    try {
      if (file) {
        await post(
          `${server.url}/api/repos/create`,
          { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          Buffer.from(JSON.stringify({ name: "capture", type: "model" })),
        );
        await promisify(execFile)(
          process.execPath,
          [join(here, "client-once.mjs"), "hfkit", "file", server.url, file, "local/capture"],
          { env: { ...process.env, HF_HOME: join(work, "home"), HFKIT_BENCH_XET: "1" } },
        );
      } else
        await promisify(execFile)(
          process.execPath,
          [cli, "datasets", "push", "datasets/local/capture", input],
          {
            env: pushEnv(server.url, work, "xet"),
          },
        );
    } finally {
      await server.close();
    }
    renameSync(join(work, "objects", "xorb"), dir);
    rmSync(work, { recursive: true, force: true });
  }
  return readdirSync(dir).flatMap((sub) =>
    readdirSync(join(dir, sub)).map((hash) => ({ hash, bytes: readFileSync(join(dir, sub, hash)) })),
  );
}

function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "content-length": body.length } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () =>
          res.statusCode < 300 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    let at = 0;
    const write = () => {
      while (at < body.length) {
        const ok = req.write(body.subarray(at, at + (1 << 20)));
        at += 1 << 20;
        if (!ok) return req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

/** One intake by a fresh emulator of build `dist`: its CPU seconds. */
async function intake(dist, xorbs, repo) {
  // HFKIT_BENCH_PIN=1 pins the emulator (every thread) to CPU 1, as `pnpm bench` does.
  const command = [process.execPath, join(here, "emulator-serve.mjs")];
  if (process.env.HFKIT_BENCH_PIN === "1") command.unshift("taskset", "-c", "1");
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, HFKIT_BENCH_EMULATOR: dist },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await new Promise((resolve) =>
      child.stdout.once("data", (d) => resolve(d.toString().trim())),
    );
    const auth = { authorization: `Bearer ${TOKEN}` };
    await post(
      `${url}/api/repos/create`,
      { ...auth, "content-type": "application/json" },
      Buffer.from(JSON.stringify({ name: repo, type: "dataset", organization: "local" })),
    );
    const access = await (
      await fetch(`${url}/api/datasets/local/${repo}/xet-write-token/main`, { headers: auth })
    ).json();
    // As in a push, the emulator has been up a while (its start-up compiles are done) when xorbs come.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = cpuOf(child.pid);
    const queue = [...xorbs];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let xorb = queue.shift(); xorb; xorb = queue.shift())
          await post(
            `${access.casUrl}/v1/xorbs/default/${xorb.hash}`,
            { authorization: `Bearer ${access.accessToken}` },
            xorb.bytes,
          );
      }),
    );
    // The compiler's and GC's threads finish what the intake started.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return cpuOf(child.pid) - before;
  } finally {
    child.kill();
  }
}

const xorbs = await capturedXorbs();
const megabytes = xorbs.reduce((n, x) => n + x.bytes.length, 0) / 1e6;
console.log(`${xorbs.length} xorbs, ${megabytes.toFixed(1)} MB`);
const cpu = { a: [], b: [] };
for (let round = 0; round < Number(rounds); round++) {
  for (const which of round % 2 ? ["b", "a"] : ["a", "b"]) {
    const seconds = await intake(which === "a" ? a : b, xorbs, `intake-${which}-${round}`);
    cpu[which].push(seconds);
    console.log(
      JSON.stringify({
        build: which,
        round,
        emulatorCpu: Math.round(seconds * 100) / 100,
        load: Math.round(loadavg()[0] * 10) / 10,
      }),
    );
  }
}
const ma = median(cpu.a);
const mb = median(cpu.b);
console.log(
  `median emulator CPU: a ${ma.toFixed(2)} s (${((ma * 1000) / megabytes).toFixed(2)} ms/MB), b ${mb.toFixed(2)} s (${((mb * 1000) / megabytes).toFixed(2)} ms/MB), b/a ${(mb / ma).toFixed(2)}`,
);
