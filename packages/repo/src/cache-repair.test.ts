// The cache is checked on use: a blob truncated (a full disk, a killed copy) or overwritten in
// place is not served as valid. Its size is known from the HEAD answer, the tree listing or
// the cached tree; `verify` re-hashes it against its name.
import { readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "./download-file.js";
import { LocalEntryNotFoundError } from "./errors.js";
import { snapshotDownload } from "./snapshot-download.js";
import { gitBlobId, sha256 } from "./test-utils/bodies.js";
import { useAcmeHub } from "./test-utils/hub.js";

const TOKEN = "hf_t";
const { server, seen } = useMswServer();
const emulatorHub = useAcmeHub(server, TOKEN, { tempDir: "hfkit-repair-" });
let COMMIT: string;
const CONFIG = new TextEncoder().encode('{"hidden_size": 768}\n');
const WEIGHTS = new Uint8Array(300_000).map((_, i) => (i * 13) % 251);
const WEIGHTS_PATH = "weights/model.safetensors";

let cacheDir: string;
const hub = emulatorHub.client;
const blob = (name: string) => join(cacheDir, "models--acme--bert", "blobs", name);
const storageGets = () => seen.filter((r) => r.url.origin === STORAGE && r.method === "GET").length;

beforeEach(async () => {
  cacheDir = emulatorHub.dir;
  COMMIT = await emulatorHub.seed(
    "acme/bert",
    { "config.json": CONFIG, [WEIGHTS_PATH]: WEIGHTS },
    { token: TOKEN },
  );
});

describe("a truncated cache blob is repaired on the next download", () => {
  it("by downloadFile on a branch (the HEAD answer gives the size)", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH });
    await truncate(blob(sha256(WEIGHTS)), 1000);
    seen.length = 0;
    const again = await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH });
    expect(again.fromCache).toBe(false);
    expect(storageGets()).toBe(1);
    expect(sha256(await readFile(again.path))).toBe(sha256(WEIGHTS));
    // Served from the cache again once intact: one HEAD, no transfer.
    seen.length = 0;
    expect((await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH })).fromCache).toBe(true);
    expect(storageGets()).toBe(0);
  });

  it("by a snapshot and by a commit-pinned downloadFile (the listing and the cached tree give the size)", async () => {
    await snapshotDownload(hub(), { repo: "acme/bert" });
    await truncate(blob(gitBlobId(CONFIG)), 3);
    await truncate(blob(sha256(WEIGHTS)), 1000);
    const snapshot = await snapshotDownload(hub(), { repo: "acme/bert" });
    expect(snapshot.files.map((f) => [f.path, f.fromCache])).toEqual([
      [".gitattributes", true],
      ["config.json", false],
      [WEIGHTS_PATH, false],
    ]);
    expect(sha256(await readFile(blob(sha256(WEIGHTS))))).toBe(sha256(WEIGHTS));

    await truncate(blob(sha256(WEIGHTS)), 1000);
    seen.length = 0;
    const pinned = await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH, revision: COMMIT });
    expect(pinned.fromCache).toBe(false);
    expect((await stat(pinned.path)).size).toBe(WEIGHTS.byteLength);
  });

  it("into memory and into a local folder", async () => {
    await snapshotDownload(hub(), { repo: "acme/bert" });
    await truncate(blob(sha256(WEIGHTS)), 1000);
    const { bytes } = await downloadFile(hub(), {
      repo: "acme/bert",
      path: WEIGHTS_PATH,
      revision: COMMIT,
      to: "memory",
    });
    expect(sha256(bytes)).toBe(sha256(WEIGHTS));

    const localDir = join(cacheDir, "..", `${cacheDir.split("/").pop()}-local`);
    try {
      await snapshotDownload(hub(), { repo: "acme/bert", localDir });
      await truncate(join(localDir, WEIGHTS_PATH), 10);
      const local = await snapshotDownload(hub(), { repo: "acme/bert", localDir });
      expect(local.files.find((f) => f.path === WEIGHTS_PATH)?.fromCache).toBe(false);
      expect(sha256(await readFile(join(localDir, WEIGHTS_PATH)))).toBe(sha256(WEIGHTS));
    } finally {
      await rm(localDir, { recursive: true, force: true });
    }
  });

  it("is not served offline either", async () => {
    await snapshotDownload(hub(), { repo: "acme/bert" });
    await truncate(blob(sha256(WEIGHTS)), 1000);
    const offline = hub({ HF_HUB_OFFLINE: "1" });
    const error = await rejection(downloadFile(offline, { repo: "acme/bert", path: WEIGHTS_PATH }));
    expect(LocalEntryNotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`"${WEIGHTS_PATH}" of acme/bert at revision "main" is not in`);
  });
});

describe("verify: true re-hashes what the cache holds", () => {
  it("repairs a blob overwritten in place with other bytes of the same size", async () => {
    await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH });
    const tampered = WEIGHTS.slice();
    tampered[5] = 255 - (tampered[5] ?? 0);
    await writeFile(blob(sha256(WEIGHTS)), tampered);
    // The size matches: without verify the copy is trusted.
    expect((await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH })).fromCache).toBe(true);
    const verified = await downloadFile(hub(), { repo: "acme/bert", path: WEIGHTS_PATH, verify: true });
    expect(verified.fromCache).toBe(false);
    expect(sha256(await readFile(verified.path))).toBe(sha256(WEIGHTS));
    // A regular file is checked against its git blob id, offline too.
    const config = await downloadFile(hub(), { repo: "acme/bert", path: "config.json" });
    await writeFile(blob(gitBlobId(CONFIG)), new TextEncoder().encode('{"hidden_size": 769}\n'));
    const offline = hub({ HF_HUB_OFFLINE: "1" });
    const error = await rejection(
      downloadFile(offline, { repo: "acme/bert", path: "config.json", verify: true }),
    );
    expect(LocalEntryNotFoundError.isInstance(error)).toBe(true);
    const repaired = await downloadFile(hub(), { repo: "acme/bert", path: "config.json", verify: true });
    expect(await readFile(repaired.path)).toEqual(Buffer.from(CONFIG));
    expect(repaired.path).toBe(config.path);
  });
});
