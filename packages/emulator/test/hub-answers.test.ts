// Issue 14: the emulator answers as the Hub does where the peers' own test suites look. Each
// check drives a real client (Python huggingface_hub 1.33, the official @huggingface/hub) at a
// listening emulator and asserts what that client's own tests assert against the Hub.
import { join } from "node:path";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import * as hfjs from "@huggingface/hub";
import { describe, expect, it } from "vitest";
import { createEmulator, startEmulatorServer } from "../src/index.js";
import { CI_USER, ciUsers } from "./helpers.js";

const USER = CI_USER;
const TOKEN = "hf_ci_write_token";
const OTHER = "hf_other_user_token";
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0, users: ciUsers(TOKEN, OTHER) }),
  tempDir: "hfkit-hub-answers-",
});

const headers = (token?: string) => ({
  "content-type": "application/json",
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

describe("names and canonical ids, over HTTP", () => {
  it("accepts `_` at either end of a namespace or name, refuses `-` and `.` there", async () => {
    const create = (name: string) =>
      fetch(`${fixture.server.url}/api/repos/create`, {
        method: "POST",
        headers: headers(TOKEN),
        body: JSON.stringify({ name }),
      });
    expect((await create("_edge_")).status).toBe(200);
    for (const bad of ["-edge", "edge-", ".edge", "edge.", "a--b", "a..b"]) {
      const res = await create(bad);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("x-error-code")).toBe("InvalidRepoName");
    }
  });

  it("answers a namespace-less id (`gpt2`) as a missing repo: 404 signed in, 401 anonymous", async () => {
    for (const path of [
      "/api/models/gpt2",
      "/api/models/gpt2/revision/main",
      "/gpt2/resolve/main/config.json",
    ]) {
      const signed = await fetch(`${fixture.server.url}${path}`, { headers: headers(TOKEN) });
      expect([path, signed.status, signed.headers.get("x-error-code")]).toEqual([path, 404, "RepoNotFound"]);
      const anonymous = await fetch(`${fixture.server.url}${path}`);
      expect([path, anonymous.status, anonymous.headers.get("x-error-code")]).toEqual([
        path,
        401,
        "RepoNotFound",
      ]);
    }
  });

  it("serves a public repo's objects through the LFS batch `download` operation without a token", async () => {
    const repo = "lfs-public";
    await fetch(`${fixture.server.url}/api/repos/create`, {
      method: "POST",
      headers: headers(TOKEN),
      body: JSON.stringify({ name: repo }),
    });
    const bytes = Buffer.from("public lfs object");
    await hfjs.uploadFile({
      repo: `${USER}/${repo}`,
      accessToken: TOKEN,
      hubUrl: fixture.server.url,
      file: { path: "weights.bin", content: new Blob([bytes]) },
      useXet: false,
    });
    const oid = (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex");
    const res = await fetch(`${fixture.server.url}/${USER}/${repo}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { "content-type": "application/vnd.git-lfs+json", accept: "application/vnd.git-lfs+json" },
      body: JSON.stringify({ operation: "download", objects: [{ oid, size: bytes.length }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { objects: Array<{ actions: { download: { href: string } } }> };
    const download = await fetch(body.objects[0]!.actions.download.href);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });
});

describe("the official @huggingface/hub client", () => {
  const hubUrl = () => fixture.server.url;

  it("repoExists and fileExists are false for a namespace-less id", async () => {
    expect(await hfjs.repoExists({ repo: { type: "model", name: "gpt2" }, hubUrl: hubUrl() })).toBe(false);
    expect(
      await hfjs.repoExists({ repo: { type: "model", name: "gpt2" }, hubUrl: hubUrl(), accessToken: TOKEN }),
    ).toBe(false);
    expect(
      await hfjs.fileExists({ repo: "gpt2", path: "config.json", hubUrl: hubUrl(), accessToken: TOKEN }),
    ).toBe(false);
  });

  it("createRepo of a Space writes the README the Hub writes, with the license", async () => {
    const repo = { type: "space" as const, name: `${USER}/space-readme` };
    await hfjs.createRepo({ repo, accessToken: TOKEN, hubUrl: hubUrl(), sdk: "gradio", license: "mit" });
    const readme = await hfjs.downloadFile({ repo, path: "README.md", accessToken: TOKEN, hubUrl: hubUrl() });
    const text = await readme!.text();
    expect(text).toMatch(/^---\n/);
    expect(text).toContain("sdk: gradio");
    expect(text).toContain("license: mit");
    expect(text).toContain("spaces-config-reference");
    const model = { type: "model" as const, name: `${USER}/licensed` };
    await hfjs.createRepo({ repo: model, accessToken: TOKEN, hubUrl: hubUrl(), license: "apache-2.0" });
    const card = await hfjs.downloadFile({
      repo: model,
      path: "README.md",
      accessToken: TOKEN,
      hubUrl: hubUrl(),
    });
    expect(await card!.text()).toBe("---\nlicense: apache-2.0\n---\n");
  });
});

describe("listings and identities, through the official client", () => {
  it("lists commits in `git log` order after a merge, newest date first across both lines", async () => {
    let now = Date.UTC(2026, 0, 1);
    const hub = createEmulator({ now: () => (now += 60_000) });
    const opts = { accessToken: "hf_local", hubUrl: hub.baseUrl, fetch: hub.fetch };
    const repo = { type: "model" as const, name: "local/merged" };
    await hfjs.createRepo({ repo, ...opts });
    const add = (path: string, extra: Record<string, unknown> = {}) =>
      hfjs.uploadFile({ repo, ...opts, file: { path, content: new Blob([path]) }, useXet: false, ...extra });
    await add("main-1.txt");
    const pr = await hfjs.uploadFile({
      repo,
      ...opts,
      file: { path: "pr-1.txt", content: new Blob(["pr"]) },
      useXet: false,
      isPullRequest: true,
    });
    const num = pr!.pullRequestUrl!.split("/").at(-1)!;
    await add("main-2.txt");
    await add("pr-2.txt", { branch: `refs/pr/${num}` });
    const merged = await hub.fetch(`${hub.baseUrl}/api/models/local/merged/discussions/${num}/merge`, {
      method: "POST",
      headers: { authorization: "Bearer hf_local", "content-type": "application/json" },
      body: "{}",
    });
    expect(merged.status).toBe(200);
    const titles: string[] = [];
    for await (const c of hfjs.listCommits({ repo, ...opts })) titles.push(c.title);
    // git log: the merge, then pr-2 (newest), main-2, pr-1, main-1, the initial commit.
    expect(titles.slice(1)).toEqual([
      "Add pr-2.txt",
      "Add main-2.txt",
      "Add pr-1.txt",
      "Add main-1.txt",
      "initial commit",
    ]);
  });

  it("answers whoami with a relative avatarUrl, repos with 24-hex _ids, Spaces with a host-name subdomain", async () => {
    const me = await fetch(`${fixture.server.url}/api/whoami-v2`, { headers: headers(TOKEN) });
    expect(((await me.json()) as { avatarUrl: string }).avatarUrl).toMatch(/^\/avatars\//);
    const space = { type: "space" as const, name: `${USER}/my_space.v2` };
    await hfjs.createRepo({ repo: space, accessToken: TOKEN, hubUrl: fixture.server.url, sdk: "static" });
    const info = await fetch(`${fixture.server.url}/api/spaces/${space.name}`, { headers: headers(TOKEN) });
    const body = (await info.json()) as { _id: string; subdomain: string };
    expect(body._id).toMatch(/^[0-9a-f]{24}$/);
    expect(body.subdomain).toBe("dummy-hub-user-my-space-v2");
    for await (const listed of hfjs.listSpaces({
      search: { owner: USER },
      accessToken: TOKEN,
      hubUrl: fixture.server.url,
    })) {
      expect(listed.id).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it("honours expand in listings (siblings, sha, cardData, usedStorage, subdomain)", async () => {
    const fields = ["siblings", "sha", "cardData", "usedStorage", "subdomain", "disabled"];
    const url = `${fixture.server.url}/api/spaces?author=${USER}&${fields.map((f) => `expand=${f}`).join("&")}`;
    const list = (await (await fetch(url, { headers: headers(TOKEN) })).json()) as Array<
      Record<string, unknown>
    >;
    expect(list.length).toBeGreaterThan(0);
    for (const space of list) {
      expect(Object.keys(space).sort()).toEqual(["_id", "id", ...fields].sort());
      expect(space.sha).toMatch(/^[0-9a-f]{40}$/);
      expect((space.siblings as Array<{ rfilename: string }>).map((s) => s.rfilename)).toContain("README.md");
    }
    // The official client asks for its extra fields through `expand` too.
    let models = 0;
    for await (const m of hfjs.listModels({
      search: { owner: USER },
      accessToken: TOKEN,
      hubUrl: fixture.server.url,
      additionalFields: ["sha", "cardData"],
    })) {
      models++;
      expect(m.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(m.cardData).toBeTypeOf("object");
    }
    expect(models).toBeGreaterThan(0);
  });
});

/** Runs a script whose last stdout line is JSON. */
async function py<T>(code: string, token = TOKEN): Promise<T> {
  const env = {
    HF_ENDPOINT: fixture.server.url,
    HF_TOKEN: token,
    HF_HOME: join(fixture.dir, "home"),
    HF_HUB_CACHE: join(fixture.dir, "hub"),
    HF_HUB_DISABLE_TELEMETRY: "1",
  };
  const out = await runPython(code, { env, timeoutMs: 600_000 });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

describe.skipIf(pythonSkipReason())("Python huggingface_hub", () => {
  it("gets the Hub's answers where its own test suite looks", async () => {
    const result = await py<Record<string, unknown>>(`
import json, re, tempfile, warnings
from huggingface_hub import HfApi, CommitOperationAdd, CommitOperationDelete, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

api = HfApi()
out = {}

def outcome(fn):
    try:
        fn()
        return "ok"
    except Exception as e:  # the class and message the test suite matches
        return f"{type(e).__name__}: {e}"

user = "${USER}"
repo_id = api.create_repo(f"{user}/_answers_").repo_id
out["repo_id"] = repo_id
private_id = api.create_repo(f"{user}/secret", private=True).repo_id

# Canonical ids and anonymous access
out["repo_exists_gpt2"] = api.repo_exists("gpt2")
out["file_exists_gpt2"] = api.file_exists("gpt2", "config.json")
out["model_info_gpt2"] = outcome(lambda: api.model_info("gpt2"))
out["anon_private_exists"] = HfApi(token=False).repo_exists(private_id)
out["anon_private_info"] = outcome(lambda: HfApi(token=False).model_info(private_id))
out["delete_missing"] = outcome(lambda: api.delete_repo("repo-that-does-not-exist"))
out["commit_missing_repo"] = outcome(lambda: api.create_commit(f"{user}/repo_that_do_not_exist", operations=[CommitOperationAdd("config.json", b"content")], commit_message="x"))

# README metadata (validate-yaml, then the commit)
invalid = "\\n---\\nmodel-index: foo\\n---\\n\\nThis is a modelcard with an invalid metadata section.\\n"
add = lambda path, data: CommitOperationAdd(path_in_repo=path, path_or_fileobj=data)
out["invalid_model_index"] = outcome(lambda: api.create_commit(repo_id, operations=[add("README.md", invalid.encode())], commit_message="x"))
out["unknown_license"] = outcome(lambda: api.create_commit(repo_id, operations=[add("README.md", b"---\\nlicense: asdf\\n---\\n")], commit_message="x"))
out["alias_bomb"] = outcome(lambda: api.create_commit(repo_id, operations=[add("README.md", ("---\\na: &a [x, x, x, x, x, x, x, x, x]\\n" + "\\n".join(f"{chr(98+i)}: &{chr(98+i)} [" + ", ".join([f"*{chr(97+i)}"] * 9) + "]" for i in range(8)) + "\\n---\\n").encode())], commit_message="x"))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    api.create_commit(repo_id, operations=[add("README.md", b"This is a modelcard without metadata"), add("folder/a.txt", b"a"), add("folder/b/c.txt", b"c")], commit_message="empty card")
out["empty_card_warning"] = [str(w.message) for w in caught if "Warnings while validating metadata" in str(w.message)]

# Paths and folder deletes
out["backslash_dotdot"] = outcome(lambda: api.create_commit(repo_id, operations=[add("..\\\\ddd", b"x")], commit_message="x"))
api.create_commit(repo_id, operations=[add("folder/..\\\\..\\\\..\\\\file", b"content")], commit_message="x")
out["backslash_inner_download"] = outcome(lambda: hf_hub_download(repo_id, "folder/..\\\\..\\\\..\\\\file", cache_dir=tempfile.mkdtemp()))
api.create_commit(repo_id, operations=[CommitOperationDelete(path_in_repo="folder")], commit_message="delete folder")
out["files_after_folder_delete"] = sorted(api.list_repo_files(repo_id))

# Refs: messages and codes
api.create_branch(repo_id, branch="cool-branch")
out["branch_twice"] = outcome(lambda: api.create_branch(repo_id, branch="cool-branch"))
out["branch_main"] = outcome(lambda: api.create_branch(repo_id, branch="main"))
out["delete_main"] = outcome(lambda: api.delete_branch(repo_id, branch="main"))
out["tag_missing_revision"] = outcome(lambda: api.create_tag(repo_id, tag="invalid tag", revision="foobar"))
head = api.model_info(repo_id).sha
out["pr_against_oid"] = outcome(lambda: api.create_commit(repo_id, operations=[add("f.txt", b"x")], commit_message="x", revision=head, create_pr=True))
other_id = api.create_repo(f"{user}/other").repo_id
out["move_onto_existing"] = outcome(lambda: api.move_repo(from_id=other_id, to_id=repo_id))

# super-squash of a PR ref
pr = api.create_commit(repo_id, operations=[add("pr1.txt", b"1")], commit_message="pr", create_pr=True)
api.create_commit(repo_id, operations=[add("pr2.txt", b"2")], commit_message="pr 2", revision=pr.pr_revision)
api.super_squash_history(repo_id, branch=pr.pr_revision, commit_message="squashed")
out["pr_commits_after_squash"] = [c.title for c in api.list_repo_commits(repo_id, revision=pr.pr_revision)]
out["pr_files_after_squash"] = sorted(api.list_repo_files(repo_id, revision=pr.pr_revision))

# A Space gets the README the Hub writes
space_id = api.create_repo(f"{user}/space", repo_type="space", space_sdk="gradio").repo_id
out["space_files"] = sorted(api.list_repo_files(space_id, repo_type="space"))
print(json.dumps(out))
`);
    expect(result.repo_id).toBe(`${USER}/_answers_`);
    expect(result.repo_exists_gpt2).toBe(false);
    expect(result.file_exists_gpt2).toBe(false);
    expect(result.model_info_gpt2).toMatch(/^RepositoryNotFoundError: /);
    expect(result.anon_private_exists).toBe(false);
    expect(result.anon_private_info).toMatch(/^RepositoryNotFoundError: .*Repository Not Found/s);
    expect(result.delete_missing).toMatch(/404 Client Error.+\(Request ID: .+\).*Repository Not Found/s);
    // The whole text huggingface_hub builds: the Hub's message adds nothing to it.
    expect(result.commit_missing_repo).toMatch(/Please use `create_repo` if it's not the case.$/);
    expect(result.commit_missing_repo).not.toMatch(/Repository not found/);
    expect(result.invalid_model_index).toMatch(
      /^ValueError: Invalid metadata in README.md\.\n- "model-index" must be an array/,
    );
    expect(result.unknown_license).toMatch(
      /^ValueError: Invalid metadata in README.md\.\n- "license" must be one of/,
    );
    expect(result.alias_bomb).toMatch(/^ValueError: Invalid metadata in README.md\.\n- .*too many aliases/);
    expect(result.empty_card_warning).toEqual([expect.stringMatching(/Empty or missing yaml metadata/)]);
    expect(result.backslash_dotdot).toMatch(/^HfHubHTTPError: .*422 Unprocessable Entity/s);
    // Stored as the Hub stores it, so the client's own guard is what refuses the download.
    expect(result.backslash_inner_download).toMatch(/^ValueError: Invalid filename/);
    expect(result.files_after_folder_delete).toEqual([".gitattributes", "README.md"]);
    expect(result.branch_twice).toMatch(
      /^HfHubHTTPError: .*Reference refs\/heads\/cool-branch already exists/s,
    );
    expect(result.branch_main).toMatch(/Reference refs\/heads\/main already exists/);
    expect(result.delete_main).toMatch(/^HfHubHTTPError: .*Cannot delete refs\/heads\/main/s);
    expect(result.tag_missing_revision).toMatch(/^RevisionNotFoundError: /);
    expect(result.pr_against_oid).toMatch(/^RevisionNotFoundError: /);
    expect(result.move_onto_existing).toMatch(/A model repository called .* already exists/);
    expect(result.pr_commits_after_squash).toEqual(["squashed"]);
    expect(result.pr_files_after_squash).toEqual([".gitattributes", "README.md", "pr1.txt", "pr2.txt"]);
    expect(result.space_files).toEqual([".gitattributes", "README.md"]);
  });
});
