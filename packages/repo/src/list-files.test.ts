import { createHubClient, EntryNotFoundError, InvalidInputError, InvalidResponseError } from "@hfkit/http";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { getPathsInfo } from "./get-paths-info.js";
import { listFiles } from "./list-files.js";

const { server, seen, flush } = useMswServer();
const hub = () =>
  createHubClient({ endpoint: HUB, token: "hf_t", retry: { initialDelayMs: 1, random: () => 0 } });

// Entry shapes as the Hub documents them (hub-protocol.md §4.1).
const README = { type: "file", oid: "a".repeat(40), size: 512, path: "README.md" };
const WEIGHTS = {
  type: "file",
  oid: "b".repeat(40),
  size: 497933648,
  path: "model.safetensors",
  lfs: { oid: "c".repeat(64), size: 497933648, pointerSize: 135 },
  xetHash: "d".repeat(64),
};
const DATA = { type: "directory", oid: "e".repeat(40), size: 0, path: "data" };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("listFiles", () => {
  it("lists entries across Link pages and maps them to public types", async () => {
    server.use(
      http.get(`${HUB}/api/datasets/acme/reviews/tree/main`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        if (!cursor) {
          return HttpResponse.json([README, WEIGHTS], {
            headers: {
              link: `<${HUB}/api/datasets/acme/reviews/tree/main?recursive=true&expand=false&cursor=p2>; rel="next"`,
            },
          });
        }
        return HttpResponse.json([DATA, { type: "unknown", oid: "f".repeat(40), path: "odd" }]);
      }),
    );
    const entries = await collect(listFiles(hub(), { repo: "datasets/acme/reviews", recursive: true }));
    expect(entries).toEqual([
      { type: "file", path: "README.md", size: 512, oid: "a".repeat(40) },
      {
        type: "file",
        path: "model.safetensors",
        size: 497933648,
        oid: "b".repeat(40),
        lfs: { oid: "c".repeat(64), size: 497933648, pointerSize: 135 },
        xetHash: "d".repeat(64),
      },
      { type: "directory", path: "data", oid: "e".repeat(40) },
    ]);
    expect(seen[0]!.url.search).toBe("?recursive=true&expand=false");
    expect(seen).toHaveLength(2);
  });

  it("encodes the revision as one segment and the folder segment by segment", async () => {
    server.use(http.get(`${HUB}/api/models/acme/bert/tree/:rev/*`, () => HttpResponse.json([])));
    await collect(listFiles(hub(), { repo: "acme/bert", revision: "refs/pr/3", path: "my data/ünï/" }));
    expect(seen[0]!.url.pathname).toBe("/api/models/acme/bert/tree/refs%2Fpr%2F3/my%20data/%C3%BCn%C3%AF");
  });

  it("maps expand fields", async () => {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/tree/main`, () =>
        HttpResponse.json([
          {
            ...README,
            lastCommit: { id: "1".repeat(40), title: "Add README", date: "2025-03-07T12:24:12.000Z" },
            securityFileStatus: { status: "safe", avScan: { virusFound: false } },
          },
        ]),
      ),
    );
    const [entry] = await collect(listFiles(hub(), { repo: "acme/bert", expand: true }));
    expect(entry).toMatchObject({
      lastCommit: { id: "1".repeat(40), title: "Add README", date: new Date("2025-03-07T12:24:12.000Z") },
      securityStatus: "safe",
    });
    expect(seen[0]!.url.searchParams.get("expand")).toBe("true");
  });

  it("surfaces a missing folder as EntryNotFoundError", async () => {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/tree/main/nope`, () =>
        HttpResponse.json(
          { error: "Entry not found" },
          { status: 404, headers: { "x-error-code": "EntryNotFound" } },
        ),
      ),
    );
    const error = await rejection(collect(listFiles(hub(), { repo: "acme/bert", path: "nope" })));
    expect(EntryNotFoundError.isInstance(error)).toBe(true);
  });

  /** A tree of `pages` pages, each a list of entries; page n (from 0) is at `cursor=n`. */
  function pagedTree(pages: unknown[][]) {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/tree/main`, ({ request }) => {
        const n = Number(new URL(request.url).searchParams.get("cursor") ?? 0);
        const next = `<${HUB}/api/models/acme/bert/tree/main?recursive=true&expand=false&cursor=${n + 1}>; rel="next"`;
        return HttpResponse.json(pages[n], n + 1 < pages.length ? { headers: { link: next } } : {});
      }),
    );
  }
  const fileNamed = (path: string) => ({ ...README, path });

  it("gives every entry of page 1, then an error naming the page, the entry and the field of a bad entry in page 2", async () => {
    pagedTree([
      [README, DATA],
      [fileNamed("a.txt"), { ...fileNamed("b.txt"), size: "12" }],
    ]);
    const paths: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const entry of listFiles(hub(), { repo: "acme/bert", recursive: true }))
          paths.push(entry.path);
      })(),
    );
    expect(paths).toEqual(["README.md", "data"]);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain("cursor=1");
    expect(error.message).toContain("1.size: Invalid input: expected number, received string");
  });

  it("names nested fields, entries that are not objects, and at most five issues", async () => {
    const bad = [
      { ...WEIGHTS, lfs: { oid: "c".repeat(64), size: "big" } },
      "README.md",
      { ...README, lastCommit: { id: "1".repeat(40), title: 3, date: "2025-03-07" } },
      { type: "file", oid: "a".repeat(40) },
      { ...README, securityFileStatus: "safe" },
      { ...README, lfs: 5 },
      { ...README, xetHash: 7 },
    ];
    pagedTree([bad]);
    const error = await rejection(collect(listFiles(hub(), { repo: "acme/bert" })));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain(
      [
        "0.lfs.size: Invalid input: expected number, received string",
        "1: Invalid input: expected object, received string",
        "2.lastCommit.title: Invalid input: expected string, received number",
        "3.path: Invalid input: expected string, received undefined",
        "4.securityFileStatus: Invalid input: expected object, received string",
      ].join("; "),
    );
    expect(error.message).not.toContain("5.lfs"); // a sixth issue is left out
  });

  it("accepts what the Hub may send: null expand fields, unknown keys, no size", async () => {
    pagedTree([
      [
        { ...README, lastCommit: null, securityFileStatus: null, future: { x: 1 } },
        { type: "directory", oid: "e".repeat(40), path: "data" },
        { ...WEIGHTS, size: undefined, lfs: { oid: "c".repeat(64), size: 9 } },
      ],
    ]);
    expect(await collect(listFiles(hub(), { repo: "acme/bert" }))).toEqual([
      { type: "file", path: "README.md", size: 512, oid: "a".repeat(40) },
      { type: "directory", path: "data", oid: "e".repeat(40) },
      {
        type: "file",
        path: "model.safetensors",
        size: 9,
        oid: "b".repeat(40),
        lfs: { oid: "c".repeat(64), size: 9 },
        xetHash: "d".repeat(64),
      },
    ]);
  });

  it("fetches the next page while this one is used, and nothing past it when the loop stops", async () => {
    pagedTree([[README, DATA], [fileNamed("a.txt")], [fileNamed("b.txt")], [fileNamed("c.txt")]]);
    for await (const entry of listFiles(hub(), { repo: "acme/bert", recursive: true })) {
      expect(entry.path).toBe("README.md");
      break;
    }
    // Page 2 was asked for ahead (and is aborted or dropped); pages 3 and 4 never were.
    expect(seen.map((r) => r.url.searchParams.get("cursor"))).toEqual([null, "1"]);
  });

  it("rejects a malformed repo id before any request", async () => {
    const error = await rejection(collect(listFiles(hub(), { repo: "not a repo" })));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.field).toBe("repo");
    expect(seen).toHaveLength(0);
  });
});

describe("getPathsInfo", () => {
  it("posts the paths as JSON and returns only what exists", async () => {
    server.use(
      http.post(`${HUB}/api/models/acme/bert/paths-info/main`, () => HttpResponse.json([README, DATA])),
    );
    const entries = await getPathsInfo(hub(), {
      repo: "acme/bert",
      paths: ["README.md", "data", "missing.txt"],
    });
    await flush();
    expect(entries.map((e) => e.path)).toEqual(["README.md", "data"]);
    expect(JSON.parse(new TextDecoder().decode(seen[0]!.body))).toEqual({
      paths: ["README.md", "data", "missing.txt"],
      expand: false,
    });
  });

  it("splits long lists into requests of 500 paths", async () => {
    server.use(http.post(`${HUB}/api/models/acme/bert/paths-info/v1.0`, () => HttpResponse.json([])));
    const paths = Array.from({ length: 1201 }, (_, i) => `f${i}.txt`);
    await getPathsInfo(hub(), { repo: "acme/bert", paths, revision: "v1.0" });
    await flush();
    expect(seen.map((r) => JSON.parse(new TextDecoder().decode(r.body)).paths.length)).toEqual([
      500, 500, 201,
    ]);
  });

  it("retries a transient failure (the POST is a read)", async () => {
    let calls = 0;
    server.use(
      http.post(`${HUB}/api/models/acme/bert/paths-info/main`, () =>
        ++calls === 1 ? new HttpResponse(null, { status: 502 }) : HttpResponse.json([README]),
      ),
    );
    expect(await getPathsInfo(hub(), { repo: "acme/bert", paths: ["README.md"] })).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it("names the entry and the field of a malformed answer", async () => {
    server.use(
      http.post(`${HUB}/api/models/acme/bert/paths-info/main`, () =>
        HttpResponse.json([README, { ...DATA, oid: null }]),
      ),
    );
    const error = await rejection(getPathsInfo(hub(), { repo: "acme/bert", paths: ["README.md", "data"] }));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain("1.oid: Invalid input: expected string, received null");
  });

  it("rejects empty paths before any request", async () => {
    const error = await rejection(getPathsInfo(hub(), { repo: "acme/bert", paths: ["ok", ""] }));
    expect(error.field).toBe("paths");
    expect(seen).toHaveLength(0);
  });
});
