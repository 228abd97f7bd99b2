// Helpers shared by the benchmarks: medians, a server in a child process, CPU pinning.
import { execFileSync, spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { once } from "node:events";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

/** User + system CPU seconds of a process so far, every thread (Linux /proc, 100 ticks a second). */
export function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * An LFS upload's phases in ms, from a client's request log (`[method, url, start, end]`, ms
 * from the clock's start, as client-once.mjs and py_once.py write it with
 * HFKIT_BENCH_PHASES=1) and the call's `seconds`: `batch` (the clock's start to the LFS batch
 * request), `toPut` (to the first part PUT), `puts` (to the last PUT's answer), `tail`
 * (completion and commit). Undefined for a log without a batch or a PUT (an Xet upload).
 */
export function lfsPhases(requests, seconds) {
  const batch = requests.find(
    ([method, url]) => method === "POST" && url.includes("/info/lfs/objects/batch"),
  );
  const puts = requests.filter(([method]) => method === "PUT");
  if (!batch || puts.length === 0) return undefined;
  const firstPut = Math.min(...puts.map((r) => r[2]));
  const lastPut = Math.max(...puts.map((r) => r[3]));
  return {
    batch: batch[2],
    toPut: firstPut - batch[2],
    puts: lastPut - firstPut,
    tail: seconds * 1000 - lastPut,
  };
}

export function hasCommand(name) {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Before each sample: the page cache's dirty pages written out (`sync`), so that no sample pays
 * for the writeback of the files an earlier one wrote (a 2 GiB download writes 2 GiB, the
 * official client's 8-10 s of it flushed into the next samples; Python's dataset push writes its
 * Arrow cache and its shards, ~0.5 GB for 2 M rows).
 */
export function settle() {
  if (hasCommand("sync")) execFileSync("sync", { stdio: "ignore" });
}

/** Starts `node script` (pinned to `cpu` with taskset when available); resolves its first stdout line. */
export async function startProcess(script, args = [], cpu) {
  const pinned = cpu !== undefined && hasCommand("taskset");
  const child = pinned
    ? spawn("taskset", ["-c", String(cpu), process.execPath, script, ...args], {
        stdio: ["ignore", "pipe", "inherit"],
      })
    : spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = await once(child.stdout, "data");
  return { child, line: chunk.toString().trim(), stop: () => child.kill() };
}

/** Pins the current process to one CPU (Linux taskset), so client and server do not share a core. */
export function pinSelf(cpu) {
  if (hasCommand("taskset"))
    execFileSync("taskset", ["-pc", String(cpu), String(process.pid)], { stdio: "ignore" });
}

/**
 * A file of `bytes` pseudo-random bytes, none repeated (written once, reused across runs). Every
 * 8 MiB block is new: Xet deduplicates repeated chunks within a file, so a file of one block
 * repeated would upload (and download) one block's worth and measure chunking alone.
 */
export function ensureFile(path, bytes) {
  if (existsSync(path)) return path;
  const fd = openSync(`${path}.partial`, "w");
  const block = Buffer.alloc(8 << 20);
  let x = 0x9e3779b9;
  for (let written = 0; written < bytes; written += block.length) {
    for (let i = 0; i < block.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block.writeUInt32LE(x >>> 0, i);
    }
    writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  }
  closeSync(fd);
  renameSync(`${path}.partial`, path);
  return path;
}

/**
 * Reads `path` through once, so that a sample starts with its input in the page cache: a 2 GiB
 * file read once per sample sits on the kernel's inactive list, and a fresh emulator's 2 GiB of
 * memory evicted parts of it, so that a sample read them back from disk (measured: 0 of its
 * pages resident after three samples on a VM with 2 GB free; the hash pass then took 1.25 to
 * 3 s from one sample to the next).
 */
export function readThrough(path) {
  const fd = openSync(path, "r");
  const block = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, block) > 0);
  } finally {
    closeSync(fd);
  }
}

/** A new file of `mib` MiB of random bytes at `path` (a new object for every sample). */
export function randomFile(path, mib) {
  const fd = openSync(path, "w");
  const block = Buffer.allocUnsafe(8 << 20);
  for (let left = mib * 2 ** 20; left > 0; left -= block.length)
    writeSync(fd, randomFillSync(block), 0, Math.min(left, block.length));
  closeSync(fd);
  return path;
}

export async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** A folder of `count` small text files (1–4 KB) in 100-file subfolders, written once. */
export function ensureFolder(count) {
  const dir = join(tmpdir(), `hfkit-bench-folder-${count}`);
  if (existsSync(`${dir}.done`)) return dir;
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `part-${String(Math.floor(i / 100)).padStart(4, "0")}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `row-${i}.txt`), `${i} `.repeat(200 + ((i * 37) % 800)));
  }
  writeFileSync(`${dir}.done`, "");
  return dir;
}

/**
 * The floor of an upload: `openssl dgst -sha256` of the file, then `curl -T` of it to a
 * server that discards the body (`discardUrl`). `pin` prefixes both commands (taskset).
 */
export function floorUpload(file, discardUrl, pin = []) {
  const run = (cmd, args) => {
    const [bin, ...rest] = [...pin, cmd, ...args];
    execFileSync(bin, rest, { stdio: "ignore" });
  };
  const start = performance.now();
  run("openssl", ["dgst", "-sha256", file]);
  const hashed = performance.now();
  run("curl", ["-s", "-f", "-o", "/dev/null", "-T", file, `${discardUrl}/baseline`]);
  const end = performance.now();
  return { seconds: (end - start) / 1000, hash: (hashed - start) / 1000, upload: (end - hashed) / 1000 };
}

/**
 * `rounds` rounds of one sample per build (`builds` of them), the order reversed every other
 * round, each sample with a fresh bench emulator (emulator-serve.mjs, this checkout's) and a work
 * folder of its own under HFKIT_BENCH_DIR, removed after it: `sample(i, round, endpoint, dir)`
 * returns what is kept. Resolves the samples per build and the load average before and after.
 */
export async function buildRounds(rounds, builds, name, sample) {
  const work = mkdtempSync(join(process.env.HFKIT_BENCH_DIR ?? tmpdir(), `${name}-`));
  const samples = Array.from({ length: builds }, () => []);
  const load = [loadavg()];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = samples.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) {
        const emulator = await startProcess(join(import.meta.dirname, "emulator-serve.mjs"), []);
        const dir = join(work, `build-${i}`);
        try {
          samples[i].push(await sample(i, round, emulator.line, dir));
        } finally {
          emulator.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  load.push(loadavg());
  return { samples, load };
}

/** "load average a b c → d e f" of `buildRounds`' load. */
export function loadLine(load) {
  return `load average ${load.map((l) => l.map((x) => x.toFixed(2)).join(" ")).join(" → ")}`;
}
