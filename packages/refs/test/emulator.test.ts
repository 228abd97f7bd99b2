import { startEmulatorServer } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { commit, countCommits as hubCountCommits, listCommits as hubListCommits } from "@huggingface/hub";
import { beforeAll, describe, expect, it } from "vitest";
import {
  closePullRequest,
  commentPullRequest,
  countCommits,
  createBranch,
  createPullRequest,
  createTag,
  deleteBranch,
  deleteTag,
  getPullRequest,
  listCommits,
  listPullRequests,
  listRefs,
  mergePullRequest,
  superSquash,
} from "../src/index.js";

// Refs flows over loopback HTTP against @hfkit/emulator; commits are made by the official
// JS fixture.hub, and its view of the history is compared with hfkit's.
const TOKEN = "hf_refs_flow_token";
const REPO = { type: "model" as const, name: "local/refs" };
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0, pageSize: 2 }),
  client: (url) => createHubClient({ endpoint: url, token: TOKEN, env: {} }),
});
const official = () => ({ repo: REPO, accessToken: TOKEN, hubUrl: fixture.server.url, useXet: false });
const edit = (title: string, path: string, text: string, branch?: string) =>
  commit({
    ...official(),
    title,
    ...(branch ? { branch } : {}),
    operations: [{ operation: "addOrUpdate", path, content: new Blob([text]) }],
  });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  await fixture.hub.request({
    method: "POST",
    path: "/api/repos/create",
    responseType: "none",
    body: { json: { name: "refs", organization: "local", type: "model" } },
  });
  for (let i = 0; i < 5; i++) await edit(`Edit ${i}`, `log/${i}.txt`, `entry ${i}\n`);
});

describe("refs against the emulator", () => {
  it("walks and counts the same history as @huggingface/hub, across pages", async () => {
    const ours = await collect(listCommits(fixture.hub, { repo: REPO, pageSize: 2 }));
    const theirs = await collect(hubListCommits({ ...official(), batchSize: 2 }));
    expect(ours.map((c) => [c.id, c.title, c.date.toISOString()])).toEqual(
      theirs.map((c) => [c.oid, c.title, new Date(c.date).toISOString()]),
    );
    expect(ours[0]!.title).toBe("Edit 4");
    expect(await countCommits(fixture.hub, { repo: REPO })).toBe(await hubCountCommits(official()));
    expect(await countCommits(fixture.hub, { repo: REPO })).toBe(ours.length);
  });

  it("creates, lists and deletes branches and tags", async () => {
    const [head] = await collect(listCommits(fixture.hub, { repo: REPO, pageSize: 1 }));
    expect(await createBranch(fixture.hub, { repo: REPO, branch: "feature/x" })).toEqual({ created: true });
    expect(await createBranch(fixture.hub, { repo: REPO, branch: "feature/x", existOk: true })).toEqual({
      created: false,
    });
    await createBranch(fixture.hub, { repo: REPO, branch: "orphan", empty: true });
    await createTag(fixture.hub, { repo: REPO, tag: "v1.0", revision: "feature/x", message: "First" });
    const refs = await listRefs(fixture.hub, { repo: REPO });
    expect(refs.branches.map((b) => b.name).sort()).toEqual(["feature/x", "main", "orphan"]);
    expect(refs.tags).toEqual([{ name: "v1.0", ref: "refs/tags/v1.0", targetCommit: head!.id }]);
    expect(await countCommits(fixture.hub, { repo: REPO, revision: "orphan" })).toBe(1);
    expect((await createTag(fixture.hub, { repo: REPO, tag: "v1.0" }).catch((e) => e)).code).toBe("CONFLICT");
    await deleteTag(fixture.hub, { repo: REPO, tag: "v1.0" });
    await deleteBranch(fixture.hub, { repo: REPO, branch: "feature/x" });
    expect((await listRefs(fixture.hub, { repo: REPO })).tags).toEqual([]);
    expect((await deleteBranch(fixture.hub, { repo: REPO, branch: "feature/x" }).catch((e) => e)).code).toBe(
      "REVISION_NOT_FOUND",
    );
  });

  it("opens an empty PR, commits into refs/pr/N, comments, merges; closes another", async () => {
    const pr = await createPullRequest(fixture.hub, {
      repo: REPO,
      title: "Add notes",
      description: "Please review",
    });
    expect(pr.revision).toBe(`refs/pr/${pr.num}`);
    await edit("Notes", "NOTES.md", "notes\n", pr.revision);
    const refs = await listRefs(fixture.hub, { repo: REPO, includePullRequests: true });
    expect(refs.pullRequests?.map((r) => r.num)).toContain(pr.num);
    const history = await collect(listCommits(fixture.hub, { repo: REPO, revision: pr.revision }));
    expect(history[0]!.title).toBe("Notes");

    await commentPullRequest(fixture.hub, { repo: REPO, num: pr.num, comment: "LGTM" });
    const merged = await mergePullRequest(fixture.hub, { repo: REPO, num: pr.num });
    expect(merged.mergeCommitId).toMatch(/^[0-9a-f]{40}$/);
    const details = await getPullRequest(fixture.hub, { repo: REPO, num: pr.num });
    expect(details).toMatchObject({
      status: "merged",
      mergeCommitId: merged.mergeCommitId,
      baseRef: "refs/heads/main",
    });
    expect(details.events.map((e) => e.type)).toEqual(expect.arrayContaining(["comment", "status-change"]));

    const other = await createPullRequest(fixture.hub, { repo: REPO, title: "Abandoned" });
    await closePullRequest(fixture.hub, { repo: REPO, num: other.num, comment: "Not needed" });
    const closed = await collect(listPullRequests(fixture.hub, { repo: REPO, status: "closed" }));
    expect(closed.map((p) => [p.num, p.status]).sort()).toEqual(
      [
        [pr.num, "merged"],
        [other.num, "closed"],
      ].sort(),
    );
  });

  it("super-squashes a branch into one commit with the same files", async () => {
    await createBranch(fixture.hub, { repo: REPO, branch: "squash-me" });
    const { commitId } = await superSquash(fixture.hub, {
      repo: REPO,
      branch: "squash-me",
      message: "Squashed",
    });
    const history = await collect(listCommits(fixture.hub, { repo: REPO, revision: "squash-me" }));
    expect(history.map((c) => [c.id, c.title])).toEqual([[commitId, "Squashed"]]);
  });
});
