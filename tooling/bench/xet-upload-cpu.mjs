// The CPU of both sides of a Xet upload, interleaved before/after: `node xet-upload-cpu.mjs
// <fileMiB> <rounds> <contenders> [profileDir]`. Each sample uploads one file of random bytes
// (made once, kept in $TMPDIR) to a fresh `hfkit emulator serve` (the bench's settings) on
// CPU 1, the client on CPU 0 under GNU time, and prints one JSON line: wall seconds, load
// average, the client's user/system CPU, peak RSS and minor page faults, the emulator's CPU
// (process.cpuUsage, from its start to the end of the upload; `intakeCpu`: /proc, from the
// client's start to its end, so without the emulator's own start-up) and its busy tenths per 250 ms
// (`busy`: "9" a full slot, "0" idle), and for JS clients `firstXorb`: seconds from the commit's
// start to the first xorb sent and accepted (first-xorb-probe.mjs). Contenders, comma-separated, rotated each round:
//   hfkit        this checkout's client and emulator
//   py           huggingface_hub + hf_xet from the @hfkit/testing/python venv
//   X@base       contender X against the emulator of $HFKIT_BASE (a built checkout, e.g. main)
//   base         the client of $HFKIT_BASE (against this checkout's emulator unless @base)
// With profileDir, both processes write --cpu-prof profiles there (500 µs sampling).
// HFKIT_BENCH_XET=0 uploads through Git LFS instead (multipart above the emulator's 16 MiB
// chunk size).
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePython } from "@hfkit/testing/python";
import { TOKEN } from "./cases/context.mjs";
import { cpuOf } from "./lib.mjs";

const [mib, rounds, list, profileDir] = process.argv.slice(2);
if (!mib || !rounds || !list)
  throw new Error("usage: xet-upload-cpu.mjs <fileMiB> <rounds> <contenders> [profileDir]");
const HERE = join(import.meta.dirname, "../..");
const BASE = process.env.HFKIT_BASE;
const LFS = process.env.HFKIT_BENCH_XET === "0";
const prof = (name) =>
  profileDir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${profileDir}`,
        `--cpu-prof-name=${name}.cpuprofile`,
        "--cpu-prof-interval=500",
      ]
    : [];

const file = join(tmpdir(), `hfkit-xet-upload-cpu-${mib}MiB.bin`);
if (!existsSync(file)) {
  const fd = openSync(file, "w");
  const block = Buffer.alloc(8 << 20);
  for (let left = Number(mib) * 2 ** 20; left > 0; left -= block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(left, block.length));
  }
  closeSync(fd);
}

const EMULATOR = `
const { startEmulatorServer } = await import(process.argv[1]);
const server = await startEmulatorServer({ port: 0, verifyLfsSha256: false });
const busy = [];
let last = process.cpuUsage();
setInterval(() => {
  const c = process.cpuUsage(last);
  last = process.cpuUsage();
  busy.push(Math.min(9, Math.round((c.user + c.system) / 25e3)));
}, 250).unref();
process.stdout.write(server.url + "\\n");
process.on("SIGTERM", () => server.close().then(() => {
  const c = process.cpuUsage();
  process.stderr.write("EMULATOR " + JSON.stringify({ cpu: (c.user + c.system) / 1e6, busy: busy.join("").replace(/^0+/, "") }) + "\\n");
  process.exit(0);
}));`;

async function startEmulator(tree, name) {
  const args = ["-c", "1", process.execPath, ...prof(name), "--input-type=module", "-e", EMULATOR];
  const child = spawn("taskset", [...args, join(tree, "packages/emulator/dist/index.js")]);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.on("exit", () => reject(new Error(`emulator exited: ${stderr}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.on("exit", () => resolve(JSON.parse(/EMULATOR (.*)/.exec(stderr)?.[1] ?? "null")));
      child.kill("SIGTERM");
    });
  return { url, stop, cpu: () => cpuOf(child.pid) };
}

let repos = 0;
async function newRepo(endpoint) {
  const name = `cpu-${process.pid}-${++repos}`;
  const res = await fetch(`${endpoint}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, type: "model" }),
  });
  if (!res.ok) throw new Error(`create repo: ${res.status} ${await res.text()}`);
  return `local/${name}`;
}

const { python } = list.includes("py") ? await ensurePython() : {};
const order = list.split(",");
for (let round = 0; round < Number(rounds); round++) {
  for (const contender of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
    const [client, emulatorTree] = contender.split("@");
    if ((client === "base" || emulatorTree === "base") && !BASE) throw new Error("set HFKIT_BASE");
    const name = `${contender.replace("@", "-")}-${round}`;
    const emulator = await startEmulator(emulatorTree === "base" ? BASE : HERE, `emulator-${name}`);
    const repo = await newRepo(emulator.url);
    const home = mkdtempSync(join(tmpdir(), "hfkit-xet-upload-cpu-"));
    const env = { ...process.env, HF_HOME: home, HFKIT_BENCH_XET: LFS ? "0" : "1" };
    const command =
      client === "py"
        ? [python, join(HERE, "tooling/bench/py_once.py"), "file", file, repo]
        : [
            process.execPath,
            ...prof(`client-${name}`),
            `--import=${join(HERE, "tooling/bench/first-xorb-probe.mjs")}`,
            join(client === "base" ? BASE : HERE, "tooling/bench/client-once.mjs"),
            "hfkit",
            "file",
            emulator.url,
            file,
            repo,
          ];
    if (client === "py")
      Object.assign(env, {
        HF_ENDPOINT: emulator.url,
        HF_TOKEN: TOKEN,
        HF_HUB_DISABLE_PROGRESS_BARS: "1",
        ...(LFS ? { HF_HUB_DISABLE_XET: "1" } : {}),
      });
    const load = loadavg()[0];
    const cpuBefore = emulator.cpu();
    const start = performance.now();
    const run = spawnSync("/usr/bin/time", ["-f", "TIME %U %S %M %R", "taskset", "-c", "0", ...command], {
      env,
      encoding: "utf8",
      maxBuffer: 16 << 20,
    });
    const wall = (performance.now() - start) / 1000;
    const intakeCpu = emulator.cpu() - cpuBefore;
    const side = await emulator.stop();
    rmSync(home, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`${contender} failed: ${run.stderr}`);
    const [user, system, rssKB, faults] = /TIME (\S+) (\S+) (\S+) (\S+)/
      .exec(run.stderr)
      .slice(1)
      .map(Number);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1));
    console.log(
      JSON.stringify({
        round,
        contender,
        wall: +wall.toFixed(2),
        seconds: +result.seconds.toFixed(2),
        load: +load.toFixed(1),
        clientCpu: +(user + system).toFixed(2),
        clientRssMB: Math.round(rssKB / 1024),
        minorFaults: faults,
        emulatorCpu: +side.cpu.toFixed(2),
        intakeCpu: +intakeCpu.toFixed(2),
        ...(client === "py"
          ? {}
          : { firstXorb: JSON.parse(/FIRSTXORB (.*)/.exec(run.stderr)?.[1] ?? "null") }),
        busy: side.busy,
      }),
    );
  }
}
