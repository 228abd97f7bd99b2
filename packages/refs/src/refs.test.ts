import { createHubClient } from "@hfkit/http";
import { HUB, rejection, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { countCommits } from "./count-commits.js";
import { createBranch } from "./create-branch.js";
import { createTag } from "./create-tag.js";
import { deleteBranch } from "./delete-branch.js";
import { deleteTag } from "./delete-tag.js";
import { listCommits } from "./list-commits.js";
import { listRefs } from "./list-refs.js";
import { superSquash } from "./super-squash.js";

const { server, seen, flush } = useMswServer();
const hub = () =>
  createHubClient({ endpoint: HUB, token: "hf_t", retry: { initialDelayMs: 1, random: () => 0 } });
const bodyOf = async (i = 0) => {
  await flush();
  return JSON.parse(new TextDecoder().decode(seen[i]!.body));
};
const A = "a".repeat(40);
const B = "b".repeat(40);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("listRefs", () => {
  it("returns branches, tags and converts, and PR refs with their number only when asked", async () => {
    // Shape from hub-protocol §8.1.
    server.use(
      http.get(`${HUB}/api/datasets/acme/reviews/refs`, ({ request }) => {
        const prs = new URL(request.url).searchParams.get("include_prs") === "1";
        return HttpResponse.json({
          branches: [{ name: "main", ref: "refs/heads/main", targetCommit: A }],
          tags: [{ name: "v1.0", ref: "refs/tags/v1.0", targetCommit: B }],
          converts: [{ name: "parquet", ref: "refs/convert/parquet", targetCommit: B }],
          ...(prs ? { pullRequests: [{ name: "refs/pr/2", ref: "refs/pr/2", targetCommit: A }] } : {}),
        });
      }),
    );
    const plain = await listRefs(hub(), { repo: "datasets/acme/reviews" });
    expect(plain).toEqual({
      branches: [{ name: "main", ref: "refs/heads/main", targetCommit: A }],
      tags: [{ name: "v1.0", ref: "refs/tags/v1.0", targetCommit: B }],
      converts: [{ name: "parquet", ref: "refs/convert/parquet", targetCommit: B }],
    });
    expect(seen[0]!.url.search).toBe("");
    const withPrs = await listRefs(hub(), { repo: "datasets/acme/reviews", includePullRequests: true });
    expect(seen[1]!.url.search).toBe("?include_prs=1");
    expect(withPrs.pullRequests).toEqual([{ name: "refs/pr/2", ref: "refs/pr/2", targetCommit: A, num: 2 }]);
  });
});

describe("branches and tags", () => {
  it("creates a branch with the name encoded as one segment and only the options given", async () => {
    server.use(http.post(`${HUB}/api/models/acme/bert/branch/:name`, () => HttpResponse.json({})));
    expect(await createBranch(hub(), { repo: "acme/bert", branch: "feature/x", revision: "v1.0" })).toEqual({
      created: true,
    });
    expect(seen[0]!.url.pathname).toBe("/api/models/acme/bert/branch/feature%2Fx");
    expect(await bodyOf()).toEqual({ startingPoint: "v1.0" });
    await createBranch(hub(), { repo: "acme/bert", branch: "orphan", empty: true, overwrite: true });
    expect(await bodyOf(1)).toEqual({ emptyBranch: true, overwrite: true });
  });

  it("treats an existing branch as success only with existOk", async () => {
    server.use(
      http.post(`${HUB}/api/models/acme/bert/branch/dev`, () =>
        HttpResponse.json({ error: "Reference already exists: refs/heads/dev" }, { status: 409 }),
      ),
    );
    expect(await createBranch(hub(), { repo: "acme/bert", branch: "dev", existOk: true })).toEqual({
      created: false,
    });
    expect((await rejection(createBranch(hub(), { repo: "acme/bert", branch: "dev" }))).code).toBe(
      "CONFLICT",
    );
  });

  it("refuses ref-like or malformed names before any request", async () => {
    for (const branch of ["refs/pr/5", "", "a..b", "with space"]) {
      expect((await rejection(createBranch(hub(), { repo: "acme/bert", branch }))).field).toBe("branch");
    }
    expect(
      (
        await rejection(
          createBranch(hub(), { repo: "acme/bert", branch: "x", empty: true, revision: "main" }),
        )
      ).field,
    ).toBe("revision");
    expect(seen).toHaveLength(0);
  });

  it("applies the one revision rule to every revision argument, before any request", async () => {
    const repo = "acme/bert";
    for (const revision of ["..", "../main", "main..x", "a b", ".hidden"]) {
      const errors = [
        await rejection(createBranch(hub(), { repo, branch: "x", revision })),
        await rejection(createTag(hub(), { repo, tag: "v1", revision })),
        await rejection(collect(listCommits(hub(), { repo, revision }))),
        await rejection(countCommits(hub(), { repo, revision })),
        await rejection(deleteBranch(hub(), { repo, branch: revision })),
        await rejection(superSquash(hub(), { repo, branch: revision, message: "m" })),
      ];
      for (const error of errors) expect(error.code).toBe("INVALID_INPUT");
    }
    expect(seen).toHaveLength(0);
  });

  it("deletes a branch and a tag by their encoded names", async () => {
    server.use(
      http.delete(`${HUB}/api/spaces/acme/demo/branch/:name`, () => HttpResponse.json({})),
      http.delete(`${HUB}/api/spaces/acme/demo/tag/:name`, () => HttpResponse.json({})),
    );
    await deleteBranch(hub(), { repo: "spaces/acme/demo", branch: "feature/x" });
    await deleteTag(hub(), { repo: "spaces/acme/demo", tag: "release/1" });
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      "DELETE /api/spaces/acme/demo/branch/feature%2Fx",
      "DELETE /api/spaces/acme/demo/tag/release%2F1",
    ]);
  });

  it("tags the revision named in the path, with the tag and message in the body", async () => {
    server.use(http.post(`${HUB}/api/models/acme/bert/tag/:rev`, () => HttpResponse.json({})));
    await createTag(hub(), { repo: "acme/bert", tag: "v1.0", revision: "refs/pr/1", message: "First" });
    expect(seen[0]!.url.pathname).toBe("/api/models/acme/bert/tag/refs%2Fpr%2F1");
    expect(await bodyOf()).toEqual({ tag: "v1.0", message: "First" });
    await createTag(hub(), { repo: "acme/bert", tag: "v1.1" });
    expect(seen[1]!.url.pathname).toBe("/api/models/acme/bert/tag/main");
  });
});

describe("commits", () => {
  // Shape from hub-protocol §8.4.
  const commit = (id: string, title: string) => ({
    id,
    title,
    message: `${title}\n\nbody`,
    authors: [{ user: "alice", avatar: "https://x/a.png" }],
    date: "2025-03-07T12:24:12.000Z",
  });

  it("walks the history across Link pages with the revision encoded", async () => {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/commits/:rev`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get("p") === "1") return HttpResponse.json([commit(B, "Second page")]);
        return HttpResponse.json([commit(A, "Upload x")], {
          headers: {
            link: `<${HUB}/api/models/acme/bert/commits/refs%2Fpr%2F1?limit=1&p=1>; rel="next"`,
            "x-total-count": "2",
          },
        });
      }),
    );
    const commits = await collect(
      listCommits(hub(), { repo: "acme/bert", revision: "refs/pr/1", pageSize: 1 }),
    );
    expect(seen[0]!.url.pathname).toBe("/api/models/acme/bert/commits/refs%2Fpr%2F1");
    expect(seen[0]!.url.search).toBe("?limit=1");
    expect(commits).toEqual([
      {
        id: A,
        title: "Upload x",
        message: "Upload x\n\nbody",
        authors: [{ user: "alice", avatar: "https://x/a.png" }],
        date: new Date("2025-03-07T12:24:12.000Z"),
      },
      expect.objectContaining({ id: B, title: "Second page" }),
    ]);
  });

  it("asks for formatted titles with expand=formatted", async () => {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/commits/main`, () =>
        HttpResponse.json([{ ...commit(A, "x"), formatted: { title: "<p>x</p>", message: "<p>x</p>" } }]),
      ),
    );
    const [first] = await collect(listCommits(hub(), { repo: "acme/bert", formatted: true }));
    expect(seen[0]!.url.search).toBe("?limit=100&expand=formatted");
    expect(first!.formatted).toEqual({ title: "<p>x</p>", message: "<p>x</p>" });
  });

  it("counts commits from X-Total-Count with a one-item page, fetching no further page", async () => {
    server.use(
      http.get(`${HUB}/api/datasets/acme/reviews/commits/v1.0`, () =>
        HttpResponse.json([commit(A, "x")], {
          headers: {
            "x-total-count": "42",
            link: `<${HUB}/api/datasets/acme/reviews/commits/v1.0?p=1>; rel="next"`,
          },
        }),
      ),
    );
    expect(await countCommits(hub(), { repo: "datasets/acme/reviews", revision: "v1.0" })).toBe(42);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.search).toBe("?limit=1");
  });

  it("fails clearly when the total is missing", async () => {
    server.use(http.get(`${HUB}/api/models/acme/bert/commits/main`, () => HttpResponse.json([])));
    expect((await rejection(countCommits(hub(), { repo: "acme/bert" }))).message).toMatch(/X-Total-Count/);
  });

  it("super-squashes a branch and returns the new commit", async () => {
    server.use(
      http.post(`${HUB}/api/models/acme/bert/super-squash/dev`, () => HttpResponse.json({ commitId: B })),
    );
    expect(await superSquash(hub(), { repo: "acme/bert", branch: "dev", message: "Squash" })).toEqual({
      commitId: B,
    });
    expect(await bodyOf()).toEqual({ message: "Squash" });
  });

  it("surfaces an unknown revision as RevisionNotFound", async () => {
    server.use(
      http.get(`${HUB}/api/models/acme/bert/commits/nope`, () =>
        HttpResponse.json(
          { error: "Invalid rev id: nope" },
          { status: 404, headers: { "x-error-code": "RevisionNotFound" } },
        ),
      ),
    );
    expect((await rejection(collect(listCommits(hub(), { repo: "acme/bert", revision: "nope" })))).code).toBe(
      "REVISION_NOT_FOUND",
    );
  });
});
