import { HubError, InvalidResponseError, PreconditionFailedError } from "@hfkit/http";
import { getPathsInfo, getRepoInfo } from "@hfkit/repo";
import { HUB, rejection, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commit, commitIter } from "./commit.js";
import { decode, noise, sha256 } from "./test-utils/files.js";
import { observer, testClient, useCommitHub } from "./test-utils/hub.js";
import type { CommitOptions } from "./types.js";

const { server, seen, flush } = useMswServer();
const MiB = 1 << 20;
const emulatorHub = useCommitHub(server, { multipartThreshold: 4 * MiB, multipartChunkSize: 2 * MiB });
const hub = () => testClient();

const big = noise(5 * MiB + 10, 11);
const small = noise(50_000, 12);
const options = (extra: Partial<CommitOptions> = {}): CommitOptions => ({
  repo: "acme/m",
  message: "m",
  operations: [
    { type: "add", path: "big.bin", content: big },
    { type: "add", path: "small.bin", content: small },
  ],
  ...extra,
});
const count = (pattern: RegExp) => seen.filter((r) => pattern.test(`${r.method} ${r.url.pathname}`)).length;

/** Where the emulator stored the files of acme/m, as paths-info reports them. */
const storedOids = async (...paths: string[]) =>
  (await getPathsInfo(observer(emulatorHub.emulator), { repo: "acme/m", paths })).map(
    (e) => e.type === "file" && e.lfs?.oid,
  );

afterEach(() => {
  vi.useRealTimers();
});

describe("faults the upload survives", () => {
  it("waits the Retry-After of a 429 on the LFS batch, then goes on", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    emulatorHub.emulator.faults.inject({
      method: "POST",
      path: "/acme/m.git/info/lfs/objects/batch",
      status: 429,
      headers: { "retry-after": "2" },
    });
    const start = Date.now();
    const done = commit(hub(), options());
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    }
    expect((await done).created).toBe(true);
    expect(Date.now() - start).toBe(2000);
    expect(count(/objects\/batch/)).toBe(2);
  });

  it("retries a preupload answered 503", async () => {
    emulatorHub.emulator.faults.inject({ path: "/api/models/acme/m/preupload/main", status: 503, times: 2 });
    await commit(hub(), options());
    expect(count(/preupload/)).toBe(3);
  });

  it("retries only the part that failed, and completes with every ETag", async () => {
    emulatorHub.emulator.faults.inject({ method: "PUT", path: /^\/part\/[^/]+\/2$/, status: 500, times: 2 });
    await commit(hub(), options());
    expect(
      seen
        .filter((r) => r.url.pathname.startsWith("/part/"))
        .map((r) => r.url.pathname.replace(/^\/part\/[^/]+\//, ""))
        .sort(),
    ).toEqual(["1", "2", "2", "2", "3"]);
    // The emulator checked the completion's ETags and the object's digest before storing it.
    expect(await storedOids("big.bin")).toEqual([sha256(big)]);
  });

  it("retries an upload whose connection was reset", async () => {
    emulatorHub.emulator.faults.inject({ method: "PUT", path: /^\/upload\//, reset: true });
    await commit(hub(), options());
    expect(count(/PUT \/upload\//)).toBe(2);
    expect(await storedOids("small.bin")).toEqual([sha256(small)]);
  });
});

describe("failures that stop the commit", () => {
  it("reports every object the batch refused, and sends nothing else", async () => {
    // Object-level errors in a 200 answer (hub-protocol §7.2): the emulator refuses none.
    server.use(
      http.post(`${HUB}/acme/m.git/info/lfs/objects/batch`, () =>
        HttpResponse.json({
          transfer: "basic",
          objects: [
            { oid: sha256(big), size: big.byteLength, error: { code: 422, message: "Object too large" } },
            { oid: sha256(small), size: small.byteLength, error: { code: 403, message: "No quota" } },
          ],
        }),
      ),
    );
    const error = await rejection(commit(hub(), options()));
    expect(HubError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`${sha256(big)} (422 Object too large)`);
    expect(error.message).toContain(`${sha256(small)} (403 No quota)`);
    expect(error.status).toBe(422);
    expect(count(/PUT|commit/)).toBe(0);
  });

  it("fails when a part comes back without an ETag, before completing or committing", async () => {
    // Storage must answer each part with its ETag (hub-protocol §7.3); the emulator always does.
    server.use(http.put(`${STORAGE}/part/:id/:n`, () => new HttpResponse(null, { status: 200 })));
    const error = await rejection(commit(hub(), options()));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/Part \d of big\.bin was stored without an ETag/);
    expect(count(/complete_multipart|commit\/main/)).toBe(0);
  });

  it("refuses a multipart action whose part count does not match the size", async () => {
    // One part URL per chunk_size bytes (hub-protocol §7.2); the emulator always sends them all.
    server.use(
      http.post(`${HUB}/acme/m.git/info/lfs/objects/batch`, () =>
        HttpResponse.json({
          objects: [
            {
              oid: sha256(big),
              size: big.byteLength,
              actions: {
                upload: {
                  href: `${HUB}/api/complete_multipart?uploadId=x`,
                  header: { chunk_size: "2097152", "00001": `${STORAGE}/part/x/1` },
                },
              },
            },
            { oid: sha256(small), size: small.byteLength },
          ],
        }),
      ),
    );
    const error = await rejection(commit(hub(), options()));
    expect(error.message).toContain(
      "gave 1 part URL(s) of 2097152 bytes for big.bin (5242890 bytes); expected 3",
    );
    expect(count(/PUT/)).toBe(0);
  });

  it("sends the commit once: a 500 is not retried", async () => {
    emulatorHub.emulator.faults.inject({ path: "/api/models/acme/m/commit/main", status: 500, times: 2 });
    const error = await rejection(commit(hub(), options()));
    expect(error.status).toBe(500);
    expect(count(/commit\/main/)).toBe(1);
  });

  it("surfaces a stale parentCommit as PreconditionFailedError; a retry reuses the uploaded objects", async () => {
    // The emulator answers 412 to a parentCommit that is not the branch's head (hub-protocol §6.3).
    const error = await rejection(commit(hub(), options({ parentCommit: "a".repeat(40) })));
    expect(PreconditionFailedError.isInstance(error)).toBe(true);
    expect(count(/commit\/main/)).toBe(1);
    const putsBefore = count(/PUT/);
    expect(putsBefore).toBe(4);

    const head = (await getRepoInfo(observer(emulatorHub.emulator), { repo: "acme/m", revision: "main" }))
      .sha!;
    seen.length = 0;
    const { events, result } = await (async () => {
      const events = [];
      const iter = commitIter(hub(), options({ parentCommit: head }));
      for (;;) {
        const step = await iter.next();
        if (step.done) return { events, result: step.value };
        events.push(step.value);
      }
    })();
    expect(result.created).toBe(true);
    expect(count(/PUT|complete_multipart/)).toBe(0);
    expect(
      events
        .filter((e) => e.type === "lfs-object-skipped")
        .map((e) => e.path)
        .sort(),
    ).toEqual(["big.bin", "small.bin"]);
    await flush();
    expect(decode(seen.at(-1)!.body)).toContain(`"parentCommit":"${head}"`);
  });

  it("stops at once when the signal aborts, without committing", async () => {
    const controller = new AbortController();
    server.use(
      http.put(`${STORAGE}/part/:id/:n`, async () => {
        controller.abort(new Error("user cancelled"));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined; // then the emulator answers
      }),
    );
    const error = await rejection(commit(hub(), options({ signal: controller.signal })));
    expect(error.message).toBe("user cancelled");
    expect(count(/commit\/main/)).toBe(0);
  });

  it("aborts the work in flight when the caller stops iterating", async () => {
    const iter = commitIter(hub(), options());
    for await (const event of iter) if (event.type === "lfs-upload-progress") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count(/commit\/main/)).toBe(0);
  });
});
