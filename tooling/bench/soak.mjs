// `pnpm soak`: breaks uploads on purpose and checks that nothing is lost (issue 19).
//   pnpm soak [--quick] [--seed N] [--files N] [--rows N] [--kills N]
// Scenarios, each against `hfkit emulator` and the built `hfkit` CLI in child processes:
//  1. chaos: a folder of mixed sizes (small text, binary LFS files, a few multipart ones)
//     uploaded with faults injected at random (500/503/429 with Retry-After, connection
//     resets, latency spikes) while the CLI is SIGKILLed at random moments and run again until
//     it succeeds; once through Git LFS (basic + multipart), once through Xet. Then the repo
//     must match the folder byte for byte, no object may have been uploaded again after it
//     completed (request log), and the commit count must stay within the documented split.
//  2. datasets: JSONL rows (2 M; 20,000 with --quick) pushed with `hfkit datasets push` under the
//     same faults, the CLI SIGKILLed at random moments of the conversion and the upload and run
//     again until it succeeds, through Xet and through LFS: the rows read back must be the rows
//     pushed, in order, in one complete set of shards, with one commit.
//  3. concurrent writers: two CLI uploads to the same branch at once both succeed, no file lost.
//  4. disk emulator SIGKILLed during uploads and around commits, and restarted: every completed
//     commit is still there with its files, the interrupted commit whole or not at all, and the
//     interrupted upload completes when run again.
//  5. bad input: invalid repo ids, revisions, paths, YAML bombs, malformed JSONL/CSV/Parquet,
//     LFS batch and commit NDJSON bodies, a read-only token: each fails with a clear error,
//     nothing committed.
// Prints the seed first and one summary line last; exits 1 when a file or row is lost or a check
// fails.
// The seed fixes the folders, the fault draws and the kill points; which request draws which
// fault still depends on timing, so a replay is close to, not exactly, the same run.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulatorServer } from "@hfkit/emulator";
import {
  commitBounds,
  commitIds,
  localManifest,
  reuploads,
  rowLine,
  verifyDataset,
  verifyRepo,
} from "./soak-verify.mjs";

const ROOT = dirname(dirname(import.meta.dirname));
const CLI = join(ROOT, "apps/cli/bin/hfkit.js");
const WRITE = "hf_soak_write_token_not_secret";
const READ = "hf_soak_read_token_not_secret";
const USER = "soak";
const MiB = 2 ** 20;
/** Longest a single CLI run may take (5 min with --quick, 1 h otherwise). */
let cliTimeoutMs = 60 * 60_000;

const section = (name, since) =>
  console.log(`  (${name}: ${((performance.now() - since) / 1000).toFixed(0)} s)`);

/** mulberry32: a small seeded generator, so that `--seed` replays the folder, faults and kills. */
export function rng32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A folder of `count` files: ~85 % small text files (regular), ~13 % (`binaryShare`) binary files
 * of 16–256 KB (LFS: a NUL byte in the sample), and `large` binary files of 3–5 MiB (multipart
 * above the emulator's 2 MiB threshold here). Returns the number of multipart-sized files.
 */
export function makeFolder(dir, random, count, large, binaryShare = 0.13) {
  let multipart = 0;
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${i % 7}`, `e${i % 3}`);
    mkdirSync(sub, { recursive: true });
    let bytes;
    if (i < large) {
      bytes = Buffer.alloc(Math.floor((3 + random() * 2) * MiB));
      multipart++;
    } else if (random() < binaryShare) bytes = Buffer.alloc(16_384 + Math.floor(random() * 240_000));
    if (bytes) {
      for (let j = 0; j + 4 <= bytes.length; j += 4) bytes.writeUInt32LE((random() * 2 ** 32) >>> 0, j);
      bytes[0] = 0; // a NUL in the sample: LFS whatever the size
      writeFileSync(join(sub, `bin-${i}.bin`), bytes);
    } else {
      const words = Array.from({ length: 5 + Math.floor(random() * 600) }, () =>
        Math.floor(random() * 1e6).toString(36),
      );
      writeFileSync(join(sub, `text-${i}.txt`), `${words.join(" ")}\n`);
    }
  }
  return multipart;
}

/**
 * A RegExp whose `test` draws from the seeded generator: the emulator's fault injection tests
 * `path` against each request, so this fires on a `rate` share of all requests.
 */
export class RandomDraw extends RegExp {
  constructor(random, rate, counter) {
    super("^/");
    this.draw = () => random() < rate;
    this.counter = counter;
  }
  test() {
    const hit = this.draw();
    if (hit) this.counter.count++;
    return hit;
  }
}

export function injectChaos(emulator, random, counter, scale) {
  const every = (rate) => new RandomDraw(random, rate * scale, counter);
  // 5 % answered 500/503/429 (Retry-After), 1 % reset, 1 % slow; the issue's mix.
  emulator.faults.inject({ path: every(0.0167), status: 500, times: Infinity });
  emulator.faults.inject({
    path: every(0.0167),
    status: 503,
    times: Infinity,
    headers: { "retry-after": "1" },
  });
  emulator.faults.inject({
    path: every(0.0167),
    status: 429,
    times: Infinity,
    headers: { "retry-after": "1" },
  });
  emulator.faults.inject({ path: every(0.01), reset: true, times: Infinity });
  emulator.faults.inject({ path: every(0.01), latencyMs: 400, times: Infinity });
}

/** Runs the CLI; resolves { code, signal, stderr }. `killWhen()` true → SIGKILL (polled every 20 ms). */
async function cli(args, { endpoint, token = WRITE, home, env = {}, killWhen } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      ...process.env,
      HF_ENDPOINT: endpoint,
      HF_TOKEN: token,
      HF_HOME: home,
      NO_COLOR: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdout.resume();
  let killed = false;
  const timer = killWhen
    ? setInterval(() => {
        if (!killed && child.exitCode === null && killWhen()) {
          killed = true;
          child.kill("SIGKILL");
        }
      }, 20)
    : undefined;
  // A hung run (a retry loop that never ends) fails the soak instead of stalling it.
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, cliTimeoutMs);
  const [code, signal] = await once(child, "exit");
  clearInterval(timer);
  clearTimeout(deadline);
  if (timedOut)
    throw new Error(`hfkit ${args.slice(0, 2).join(" ")} did not end within ${cliTimeoutMs / 1000} s`);
  return { code, signal, stderr, killed };
}

/**
 * Runs `run` again until an attempt succeeds (at most 40): the first `kills` attempts get a kill
 * point (`killWhen()` makes the predicate for the attempt about to start); an attempt that fails
 * for a reason other than an injected fault ends the loop with a failed check.
 */
async function untilDone(label, { kills, killWhen, run, totals, fail }) {
  let attempts = 0;
  let killsLeft = kills;
  while (attempts < 40) {
    attempts++;
    totals.operations++;
    const result = await run(killsLeft > 0 ? killWhen() : undefined);
    if (result.killed) {
      totals.kills++;
      killsLeft--;
    } else if (result.code === 0) return { attempts, done: true };
    // An injected reset shows as EPIPE when it lands while a body is being written over
    // node:http (the commit POST), as "other side closed"/"fetch failed" through fetch.
    else if (
      !/InjectedFault|injected|50[03]|429|reset|socket|ECONNRESET|EPIPE|other side closed|fetch failed/i.test(
        result.stderr,
      )
    ) {
      fail(
        `${label}: failed for a reason other than an injected fault: ${result.stderr.trim().split("\n").at(-1)}`,
      );
      break;
    }
  }
  return { attempts, done: false };
}

/**
 * The request log of a transfer under chaos: through LFS no object may be uploaded again after it
 * completed (a failed check); through Xet xorbs sent again are noted, not failed (a killed attempt
 * may leave xorbs the next one cannot know were stored). Returns how many requests the faults
 * answered (429/5xx or a reset).
 */
function checkUploadLog(label, transfer, log, multipartObjects, fail) {
  const twice = reuploads(log, { multipartObjects });
  if (transfer === "lfs" && twice.length)
    fail(`${label}: uploaded again after completing: ${twice.slice(0, 3).join(", ")}`);
  if (transfer === "xet" && twice.length)
    console.log(`  note: xorbs sent again (each to a CAS that already held it): ${twice.length}`);
  return log.filter((e) => e.status === 0 || [429, 500, 503].includes(e.status)).length;
}

const WRITE_REQUEST = (entry) => {
  const path = new URL(entry.url).pathname;
  return (
    entry.status >= 200 &&
    entry.status < 300 &&
    ((entry.method === "POST" && /\/commit\//.test(path)) ||
      (entry.method === "PUT" && /^\/(upload|part)\//.test(path)) ||
      (entry.method === "POST" && /^\/v[12]\/(xorbs|shards)/.test(path)) ||
      path === "/api/complete_multipart")
  );
};

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      seed: { type: "string" },
      files: { type: "string" },
      rows: { type: "string" },
      kills: { type: "string" },
      "fault-scale": { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  const quick = values.quick;
  if (quick) cliTimeoutMs = 5 * 60_000;
  const files = Number(values.files ?? (quick ? 150 : 20000));
  const rows = Number(values.rows ?? (quick ? 20_000 : 2_000_000));
  const kills = Number(values.kills ?? (quick ? 2 : 3));
  // A bounded run makes few requests: it triples the issue's fault rates to still meet faults.
  const faultScale = Number(values["fault-scale"] ?? (quick ? 3 : 1));
  console.log(`soak: seed ${seed} (replay: pnpm soak ${quick ? "--quick " : ""}--seed ${seed})`);
  // One stream per purpose, so that the folders (and the kill points) do not depend on how many
  // fault draws the requests of a run happened to make.
  const random = rng32(seed);
  const faultRandom = rng32(seed ^ 0x5bd1e995);
  const killRandom = rng32(seed ^ 0x27d4eb2f);
  const work = mkdtempSync(join(tmpdir(), "hfkit-soak-"));
  const totals = {
    operations: 0,
    faults: { count: 0 },
    kills: 0,
    bytesVerified: 0,
    filesLost: 0,
    rowsLost: 0,
    failures: [],
  };
  const fail = (what) => {
    totals.failures.push(what);
    console.log(`  FAIL ${what}`);
  };
  const started = performance.now();
  const server = await startEmulatorServer({
    port: 0,
    requestLogLimit: 10_000_000,
    multipartThreshold: 2 * MiB,
    multipartChunkSize: MiB,
    users: [
      { token: WRITE, user: USER, role: "write" },
      { token: READ, user: USER, role: "read" },
    ],
  });
  const { emulator } = server;
  const endpoint = server.url;
  try {
    // 1. chaos, through LFS then through Xet
    const folder = join(work, "folder");
    const multipart = makeFolder(folder, random, files, quick ? 2 : 5);
    const manifest = localManifest(folder);
    console.log(
      `chaos: ${files} files (${multipart} multipart), ${kills} kills per transfer, fault rates ×${faultScale}`,
    );
    for (const transfer of ["lfs", "xet"]) {
      const repo = `${USER}/chaos-${transfer}`;
      const home = mkdtempSync(join(work, "home-"));
      const logStart = emulator.requestLog.length;
      injectChaos(emulator, faultRandom, totals.faults, faultScale);
      const chaosStart = performance.now();
      const { attempts, done } = await untilDone(`chaos ${transfer}`, {
        kills,
        totals,
        fail,
        // a kill point: this many requests into the attempt (a spread over the upload's requests)
        killWhen: () => {
          const from = emulator.requestLog.length;
          const killAt = 3 + Math.floor(killRandom() * Math.max(10, files / (quick ? 4 : 20)));
          return () => emulator.requestLog.length - from >= killAt;
        },
        run: (killWhen) =>
          cli(["upload", repo, folder, "--commit-message", `soak ${transfer}`], {
            endpoint,
            home,
            env: transfer === "lfs" ? { HF_HUB_DISABLE_XET: "1" } : {},
            killWhen,
          }),
      });
      emulator.faults.clear();
      // the upload's requests only (the checks below download every file)
      const log = emulator.requestLog.slice(logStart);
      if (!done) {
        fail(`chaos ${transfer}: no successful upload in ${attempts} attempts`);
        continue;
      }
      const check = await verifyRepo(endpoint, repo, manifest, { token: WRITE });
      totals.bytesVerified += check.bytesVerified;
      totals.filesLost += check.lost.length;
      if (check.lost.length)
        fail(
          `chaos ${transfer}: ${check.lost.length} files lost, e.g. ${check.lost[0].path} (${check.lost[0].why})`,
        );
      if (check.extra.length)
        fail(`chaos ${transfer}: ${check.extra.length} unexpected files, e.g. ${check.extra[0]}`);
      const injected = checkUploadLog(`chaos ${transfer}`, transfer, log, multipart, fail);
      const commits = (await commitIds(endpoint, repo, { token: WRITE })).length - 1; // minus the repo's first commit
      const bounds = commitBounds(files, attempts);
      if (commits < bounds.min || commits > bounds.max)
        fail(
          `chaos ${transfer}: ${commits} commits, outside ${bounds.min}–${bounds.max} for ${files} files in ${attempts} attempts`,
        );
      console.log(
        `  ${transfer}: ${attempts} attempts, ${commits} commits, ${log.length} requests (${injected} answered 429/5xx or reset), ${check.bytesVerified} bytes verified`,
      );
      section(`chaos ${transfer}`, chaosStart);
    }

    // 2. a datasets push, through Xet then through LFS
    await datasetChaos(
      { emulator, endpoint, work, random, faultRandom, killRandom, faultScale, totals, fail },
      rows,
    );

    // 3. concurrent writers
    {
      const repo = `${USER}/concurrent`;
      const halves = ["a", "b"].map((name) => {
        const dir = join(work, `writer-${name}`);
        makeFolder(dir, random, quick ? 40 : 400, 0);
        return { name, dir };
      });
      const setup = await cli(["repo", "create", repo, "--exist-ok"], { endpoint, home: join(work, "h-c") });
      totals.operations++;
      if (setup.code !== 0) fail(`concurrent: repo create: ${setup.stderr.trim().split("\n").at(-1)}`);
      const results = await Promise.all(
        halves.map(({ name, dir }) =>
          cli(["upload", repo, dir, name, "--commit-message", `writer ${name}`], {
            endpoint,
            home: mkdtempSync(join(work, "home-")),
          }),
        ),
      );
      totals.operations += 2;
      results.forEach((r, i) => {
        if (r.code !== 0)
          fail(`concurrent: writer ${halves[i].name} failed: ${r.stderr.trim().split("\n").at(-1)}`);
      });
      const expected = new Map();
      for (const { name, dir } of halves)
        for (const [path, entry] of localManifest(dir)) expected.set(`${name}/${path}`, entry);
      const check = await verifyRepo(endpoint, repo, expected, { token: WRITE });
      totals.bytesVerified += check.bytesVerified;
      totals.filesLost += check.lost.length;
      if (check.lost.length) fail(`concurrent: ${check.lost.length} files lost, e.g. ${check.lost[0].path}`);
      console.log(
        `concurrent writers: both ${results.every((r) => r.code === 0) ? "succeeded" : "did NOT succeed"}, ${expected.size} files checked`,
      );
    }
  } finally {
    await server.close();
  }

  // 4. disk emulator killed and restarted
  let since = performance.now();
  await diskKills({ work, random, killRandom, quick, totals, fail });
  section("disk emulator", since);

  // 5. bad input
  since = performance.now();
  await badInputSweep({ work, totals, fail });
  section("bad input", since);

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    `soak seed ${seed}: operations ${totals.operations}, faults ${totals.faults.count}, kills ${totals.kills}, ` +
      `bytes verified ${totals.bytesVerified}, files lost ${totals.filesLost}, rows lost ${totals.rowsLost}, failed checks ${totals.failures.length} (${seconds} s)`,
  );
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  process.exitCode = totals.filesLost === 0 && totals.rowsLost === 0 && totals.failures.length === 0 ? 0 : 1;
}

/**
 * `count` JSONL rows drawn from `random` (an id, a short text, null in ~1 % of rows, a score, a
 * flag), written to `file`; returns the SHA-256 of the rows as `verifyDataset` reads them back.
 */
export function makeRows(file, random, count) {
  const digest = createHash("sha256");
  const fd = openSync(file, "w");
  let lines = "";
  for (let id = 0; id < count; id++) {
    const words = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
      Math.floor(random() * 1e6).toString(36),
    );
    const row = {
      id,
      text: random() < 0.01 ? null : words.join(" "),
      score: Math.round(random() * 1e6) / 1e3,
      ok: random() < 0.5,
    };
    digest.update(rowLine(row));
    lines += `${JSON.stringify(row)}\n`;
    if (lines.length > MiB) {
      writeSync(fd, lines);
      lines = "";
    }
  }
  writeSync(fd, lines);
  closeSync(fd);
  return digest.digest("hex");
}

/**
 * The issue's datasets soak: JSONL rows pushed with `hfkit datasets push` under the chaos
 * faults, the CLI SIGKILLed at `kills` random moments (spread over a clean push's duration: the
 * conversion and the upload) and run again until it succeeds, through Xet (the default) and
 * through LFS. Then the rows read back must be the rows pushed, in order, in one complete set of
 * shards with a card that counts them, one commit must hold them (a re-push of the same data
 * makes none), and no LFS object may be uploaded again after it completed.
 */
async function datasetChaos(soak, rows) {
  const { emulator, endpoint, work, faultRandom, killRandom, faultScale, totals, fail } = soak;
  const file = join(work, "rows.jsonl");
  const digest = makeRows(file, soak.random, rows);
  const kills = 2;
  console.log(`datasets: ${rows} JSONL rows, ${kills} kills per transfer, fault rates ×${faultScale}`);
  for (const transfer of ["xet", "lfs"]) {
    const since = performance.now();
    const env = transfer === "lfs" ? { HF_HUB_DISABLE_XET: "1" } : {};
    const push = (repo, killWhen) =>
      cli(["datasets", "push", `${USER}/${repo}`, file], {
        endpoint,
        home: mkdtempSync(join(work, "home-")),
        env,
        killWhen,
      });
    // A clean push first: how long one takes, so that the kills land anywhere in it.
    const cleanStart = performance.now();
    const clean = await push(`dataset-${transfer}-clean`);
    totals.operations++;
    const cleanMs = performance.now() - cleanStart;
    if (clean.code !== 0) {
      fail(`datasets ${transfer}: the clean push failed: ${clean.stderr.trim().split("\n").at(-1)}`);
      continue;
    }
    const repo = `dataset-${transfer}`;
    const logStart = emulator.requestLog.length;
    injectChaos(emulator, faultRandom, totals.faults, faultScale);
    const { attempts, done } = await untilDone(`datasets ${transfer}`, {
      kills,
      totals,
      fail,
      killWhen: () => {
        const start = performance.now();
        const after = (0.1 + 0.85 * killRandom()) * cleanMs;
        return () => performance.now() - start >= after;
      },
      run: (killWhen) => push(repo, killWhen),
    });
    emulator.faults.clear();
    const log = emulator.requestLog.slice(logStart);
    if (!done) {
      fail(`datasets ${transfer}: no successful push in ${attempts} attempts`);
      continue;
    }
    const check = await verifyDataset(
      endpoint,
      `${USER}/${repo}`,
      { rows, digest },
      { token: WRITE, home: mkdtempSync(join(work, "home-")) },
    );
    if (!check.sameRows) {
      totals.rowsLost += Math.max(1, rows - check.rows);
      fail(
        `datasets ${transfer}: ${check.readError ? `the read failed (${check.readError})` : `${check.rows} rows read back`}, not the ${rows} rows pushed in their order`,
      );
    }
    if (check.strayFiles.length || check.missingShards.length)
      fail(
        `datasets ${transfer}: not one complete set of shards: ${[...check.strayFiles, ...check.missingShards.map((p) => `${p} missing`)].join(", ")}`,
      );
    if (check.cardExamples !== rows)
      fail(`datasets ${transfer}: the card counts ${check.cardExamples} examples, not ${rows}`);
    const commits =
      (await commitIds(endpoint, `${USER}/${repo}`, { token: WRITE, type: "dataset" })).length - 1; // minus the repo's first commit
    if (commits !== 1) fail(`datasets ${transfer}: ${commits} commits for one push of the same rows`);
    const injected = checkUploadLog(`datasets ${transfer}`, transfer, log, check.shards, fail);
    console.log(
      `  ${transfer}: ${attempts} attempts, ${commits} commits, ${check.shards} shards, ${log.length} requests (${injected} answered 429/5xx or reset), ${check.rows} rows read back${check.sameRows ? " as pushed" : ""}`,
    );
    section(`datasets ${transfer}`, since);
  }
}

/**
 * `hfkit emulator serve --dir` in a child process (SIGKILL-able), logging its requests to
 * `log`; resolves its URL.
 */
async function startDiskEmulator(dir, log) {
  const child = spawn(process.execPath, [CLI, "emulator", "serve", "--dir", dir, "--request-log", log], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // An emulator that exits before printing its URL fails the soak with what it said: waiting for
  // a `data` that never comes left nothing pending, and Node ended the soak early with status 0.
  // Taken now: awaited after the child is gone, a later `once(child, "exit")` would never settle.
  const exit = once(child, "exit");
  const exited = exit.then(([code, signal]) => {
    throw new Error(`hfkit emulator serve exited (${code ?? signal}) before printing its URL: ${stderr}`);
  });
  exited.catch(() => {});
  const [chunk] = await Promise.race([once(child.stdout, "data"), exited]);
  return {
    child,
    endpoint: chunk.toString().trim().split("\n")[0],
    /** SIGKILLs it and waits for its exit; says so (with its stderr) if it had died on its own. */
    async kill(fail) {
      if (child.exitCode !== null || child.signalCode !== null)
        fail(
          `disk: the emulator exited on its own (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`,
        );
      child.kill("SIGKILL");
      await exit;
    },
  };
}

/** Resolves once a request line matching `test` is appended to the log file after byte `from`. */
async function logged(log, from, test, child) {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the emulator exited (${child.exitCode ?? child.signalCode}) before the request it waited for`,
      );
    const text = existsSync(log) ? readFileSync(log).subarray(from).toString() : "";
    // The last line may be read while the emulator appends it: only whole lines are looked at.
    const lines = text.split("\n").slice(0, -1);
    if (lines.some((line) => line && test(JSON.parse(line)))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The disk emulator SIGKILLed and restarted: every other round's upload is interrupted, at a
 * random moment of it, or (every second such round) around its commit: the folder is 900 small
 * text files (400 with --quick; no LFS; one commit), so the commit body follows the preupload's
 * answer at once, and the emulator takes ~0.4 s to take and apply 1,000 such files (measured on
 * this VM); the kill lands 0–0.7 s after that answer (0–0.4 s), before, during or after the commit. After the
 * restart every completed commit must still be there with its files, and the interrupted one
 * must be all or nothing: its commit with every file of the round, or no file of the round.
 */
async function diskKills({ work, random, killRandom, quick, totals, fail }) {
  const dir = join(work, "disk-hub");
  const log = join(work, "disk-requests.jsonl");
  const repo = "local/disk";
  let server = await startDiskEmulator(dir, log);
  const home = join(work, "h-disk");
  const completed = new Map(); // commit id → manifest prefix
  const expected = new Map();
  const rounds = quick ? 4 : 6;
  let duringCommit = 0;
  let applied = 0;
  for (let round = 0; round < rounds; round++) {
    const kill = round % 2 === 1;
    const atCommit = kill && round % 4 === 3;
    const src = join(work, `disk-${round}`);
    // one commit's worth (uploadFolder commits 1,000 files at a time): all or nothing is per commit
    if (atCommit) makeFolder(src, random, quick ? 400 : 900, 0, 0);
    else makeFolder(src, random, quick ? 30 : 200, round === 0 ? 1 : 0);
    const logFrom = existsSync(log) ? statSync(log).size : 0;
    const before = round === 0 ? 0 : (await commitIds(server.endpoint, repo)).length;
    const upload = cli(["upload", repo, src, `r${round}`], {
      endpoint: server.endpoint,
      home,
      token: "hf_local_disk",
    });
    totals.operations++;
    if (kill) {
      if (atCommit) {
        await logged(
          log,
          logFrom,
          (entry) => entry.method === "POST" && /\/preupload\//.test(entry.path) && entry.status === 200,
          server.child,
        );
        await new Promise((resolve) => setTimeout(resolve, killRandom() * (quick ? 400 : 700)));
        duringCommit++;
      } else await new Promise((resolve) => setTimeout(resolve, 150 + killRandom() * 1500));
      await server.kill(fail);
      totals.kills++;
      await upload;
      server = await startDiskEmulator(dir, log);
      // every commit completed before the kill is still there, with its files
      const ids = await commitIds(server.endpoint, repo);
      for (const id of completed.keys())
        if (!ids.includes(id)) fail(`disk: completed commit ${id} lost after the kill`);
      const check = await verifyRepo(server.endpoint, repo, expected);
      totals.filesLost += check.lost.length;
      if (check.lost.length)
        fail(`disk: ${check.lost.length} committed files lost after the kill, e.g. ${check.lost[0].path}`);
      // the interrupted commit: all of the round's files or none
      const round_ = [...localManifest(src)].map(([path, entry]) => [`r${round}/${path}`, entry]);
      const present = check.extra.filter((path) => path.startsWith(`r${round}/`));
      if (ids.length > before) {
        if (atCommit) applied++;
        const mine = await verifyRepo(server.endpoint, repo, new Map(round_));
        if (mine.lost.length)
          fail(
            `disk: a commit half applied after the kill: ${mine.lost.length} of its ${round_.length} files missing`,
          );
      } else if (present.length)
        fail(`disk: ${present.length} files of a commit that did not land, e.g. ${present[0]}`);
      // the interrupted upload, run again, completes
      const again = await cli(["upload", repo, src, `r${round}`], {
        endpoint: server.endpoint,
        home,
        token: "hf_local_disk",
      });
      totals.operations++;
      if (again.code !== 0)
        fail(`disk: re-run after the kill failed: ${again.stderr.trim().split("\n").at(-1)}`);
    } else {
      const result = await upload;
      if (result.code !== 0) fail(`disk: upload failed: ${result.stderr.trim().split("\n").at(-1)}`);
    }
    for (const [path, entry] of localManifest(src)) expected.set(`r${round}/${path}`, entry);
    const ids = await commitIds(server.endpoint, repo);
    completed.set(ids[0], round);
  }
  const check = await verifyRepo(server.endpoint, repo, expected);
  totals.bytesVerified += check.bytesVerified;
  totals.filesLost += check.lost.length;
  if (check.lost.length) fail(`disk: ${check.lost.length} files lost at the end, e.g. ${check.lost[0].path}`);
  await server.kill(fail);
  console.log(
    `disk emulator: ${rounds} uploads, ${Math.floor(rounds / 2)} emulator kills (${duringCommit} around a commit: ${applied} of those commits landed whole, the others not at all), ${completed.size} completed commits kept, ${expected.size} files checked`,
  );
}

async function badInputSweep({ work, totals, fail }) {
  const server = await startEmulatorServer({
    port: 0,
    requestLogLimit: 1_000_000,
    users: [
      { token: WRITE, user: USER, role: "write" },
      { token: READ, user: USER, role: "read" },
    ],
  });
  const { emulator } = server;
  const endpoint = server.url;
  const home = join(work, "h-bad");
  const repo = `${USER}/bad-input`;
  const inputs = join(work, "bad-inputs");
  mkdirSync(inputs, { recursive: true });
  const file = (name, content) => {
    const path = join(inputs, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  const ok = file("ok.txt", "fine\n");
  const laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const cases = [
    ["repo id with ..", ["upload", `${USER}/bad..name`, ok]],
    ["repo id starting with -", ["upload", `-${USER}/x`, ok]],
    ["repo id with three parts", ["upload", `${USER}/a/b`, ok]],
    ["revision with a space and ~", ["upload", repo, ok, "--revision", "bad rev~1"]],
    ["revision with ..", ["upload", repo, ok, "--revision", "a..b"]],
    ["path with ..", ["upload", repo, ok, "../escape.txt"]],
    ["absolute path", ["upload", repo, ok, "/etc/passwd"]],
    ["path in .git/", ["upload", repo, ok, ".git/config"]],
    ["path with a control character", ["upload", repo, ok, "a\u0001b.txt"]],
    ["path of 5,000 characters", ["upload", repo, ok, `${"x".repeat(5000)}.txt`]],
    [
      "README with a YAML anchor bomb",
      ["upload", repo, file("bomb/README.md", `---\n${laughs.join("\n")}\n---\n# bomb\n`), "README.md"],
    ],
    [
      "README with a recursive YAML alias",
      ["upload", repo, file("rec/README.md", "---\na: &a\n  b: *a\n---\n"), "README.md"],
    ],
    [
      "README with 3 MB of metadata",
      ["upload", repo, file("big/README.md", `---\ntags:\n${"  - tag\n".repeat(400_000)}---\n`), "README.md"],
    ],
    [
      "malformed JSONL",
      ["datasets", "push", `${USER}/bad-jsonl`, file("bad.jsonl", '{"a": 1}\n{"a": oops\n')],
    ],
    [
      "malformed CSV",
      ["datasets", "push", `${USER}/bad-csv`, file("bad.csv", 'a,b\n1,2\n3,"unterminated\n')],
    ],
    [
      "malformed Parquet",
      ["datasets", "push", `${USER}/bad-parquet`, file("bad.parquet", "PAR1 this is not parquet PAR1")],
    ],
    ["read-only token", ["upload", repo, ok], READ],
  ];
  try {
    const setup = await cli(["repo", "create", repo], { endpoint, home });
    totals.operations++;
    if (setup.code !== 0) fail(`bad input: repo create: ${setup.stderr.trim()}`);
    const before = await commitIds(endpoint, repo, { token: WRITE });
    let passed = 0;
    for (const [name, args, token] of cases) {
      const from = emulator.requestLog.length;
      const result = await cli(args, { endpoint, home, token: token ?? WRITE });
      totals.operations++;
      const writes = emulator.requestLog.slice(from).filter(WRITE_REQUEST);
      const message = result.stderr.trim();
      if (result.code === 0) fail(`bad input "${name}": accepted (exit 0)`);
      else if (writes.length)
        fail(
          `bad input "${name}": failed, but after ${writes.length} write(s): ${writes[0].method} ${writes[0].url}`,
        );
      else if (!message || /\n\s+at /.test(message))
        fail(`bad input "${name}": no clear error (${message.split("\n")[0] || "no message"}…)`);
      else passed++;
    }
    // Malformed bodies straight to the server: a 4xx, not a crash, and nothing stored or committed.
    const header = JSON.stringify({ key: "header", value: { summary: "bad body" } });
    const raw = [
      [
        "malformed LFS batch body",
        `${repo}.git/info/lfs/objects/batch`,
        "application/vnd.git-lfs+json",
        '{"operation": "upload", "objects": [{"oid": 12, "size": -1}',
      ],
      [
        "commit NDJSON cut mid-line",
        `api/models/${repo}/commit/main`,
        "application/x-ndjson",
        `${header}\n{"key": "file", "val`,
      ],
      [
        "commit NDJSON without its header",
        `api/models/${repo}/commit/main`,
        "application/x-ndjson",
        `${JSON.stringify({ key: "file", value: { path: "a.txt", content: "YQ==", encoding: "base64" } })}\n`,
      ],
      [
        "commit NDJSON with content that is not base64",
        `api/models/${repo}/commit/main`,
        "application/x-ndjson",
        `${header}\n${JSON.stringify({ key: "file", value: { path: "a.txt", content: "@@ not base64 @@", encoding: "base64" } })}\n`,
      ],
    ];
    for (const [name, path, type, body] of raw) {
      const from = emulator.requestLog.length;
      const res = await fetch(`${endpoint}/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${WRITE}`, "content-type": type },
        body,
      });
      totals.operations++;
      if (res.status < 400 || res.status >= 500) fail(`bad input "${name}": status ${res.status}`);
      else if (emulator.requestLog.slice(from).some(WRITE_REQUEST))
        fail(`bad input "${name}": a write followed`);
      else passed++;
    }
    const after = await commitIds(endpoint, repo, { token: WRITE });
    if (after.length !== before.length) fail(`bad input: ${after.length - before.length} commits were made`);
    // Nothing committed to the repos the failed commands named (created or not).
    for (const [type, name] of [
      ["dataset", "bad-jsonl"],
      ["dataset", "bad-csv"],
      ["dataset", "bad-parquet"],
      ["model", "bad..name"],
    ]) {
      const r = await fetch(`${endpoint}/api/${type}s/${USER}/${name}`, {
        headers: { authorization: `Bearer ${WRITE}` },
      });
      if (r.ok && (await commitIds(endpoint, `${USER}/${name}`, { token: WRITE, type })).length > 1)
        fail(`bad input: ${name} received a commit`);
    }
    console.log(
      `bad input: ${passed} of ${cases.length + raw.length} inputs failed clearly with nothing written`,
    );
  } finally {
    await server.close();
  }
}

if (process.argv[1] === import.meta.filename) {
  // A soak that ends before its summary (a promise nothing will settle: Node exits with 0 once
  // nothing is pending) has not checked everything: that is a failure, not a pass.
  let summarized = false;
  process.on("exit", (code) => {
    if (code === 0 && !summarized) {
      console.error("soak: ended before its summary line, with scenarios unchecked");
      process.exitCode = 1;
    }
  });
  main().then(
    () => {
      summarized = true;
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
