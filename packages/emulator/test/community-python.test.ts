// Issue 14, "Add": gated repos and access requests, auth-check, collections, likes, webhooks,
// LFS file listing and deletion, organizations and comment edit/hide, driven through Python
// huggingface_hub 1.33's HfApi against a listening emulator, asserting what the client returns
// and the error classes it raises.
import { join } from "node:path";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { describe, expect, it } from "vitest";
import { startEmulatorServer } from "../src/index.js";
import { CI_USER, ciUsers } from "./helpers.js";

const USER = CI_USER;
const TOKEN = "hf_community_owner";
const OTHER = "hf_community_other";
const ORG = "hfkit-org";
const fixture = useEmulatorServer({
  start: () =>
    startEmulatorServer({ port: 0, users: ciUsers(TOKEN, OTHER), orgs: [{ name: ORG, members: [USER] }] }),
  tempDir: "hfkit-community-python-",
});

async function py(code: string): Promise<Record<string, unknown>> {
  const prelude = `
import json, os, tempfile
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.utils import get_session, hf_raise_for_status
endpoint = ${JSON.stringify(fixture.server.url)}
user = ${JSON.stringify(USER)}
api = HfApi(token=${JSON.stringify(TOKEN)})
other = HfApi(token=${JSON.stringify(OTHER)})
anon = HfApi(token=False)
cache = ${JSON.stringify(join(fixture.dir, "cache"))}
out = {}
os.makedirs(cache, exist_ok=True)

def outcome(fn):
    try:
        fn()
        return "ok"
    except Exception as e:
        return f"{type(e).__name__}: {e}"
`;
  const env = {
    HF_ENDPOINT: fixture.server.url,
    HF_HOME: join(fixture.dir, "home"),
    HF_HUB_DISABLE_TELEMETRY: "1",
  };
  const result = await runPython(`${prelude}\n${code}\nprint(json.dumps(out))`, { env, timeoutMs: 600_000 });
  return JSON.parse(result.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

describe.skipIf(pythonSkipReason())("huggingface_hub against the emulator's community features", () => {
  it("gated repos: GatedRepoError without access, access requests, grant, auth_check", async () => {
    const out = await py(`
repo_id = api.create_repo(f"{user}/gated").repo_id
api.upload_file(path_or_fileobj=b'{"a": 1}', path_in_repo="config.json", repo_id=repo_id)
api.update_repo_settings(repo_id, gated="manual")
# A fresh cache each time: what the server answers, not what an earlier call cached.
download = lambda token: open(hf_hub_download(repo_id, "config.json", token=token, cache_dir=tempfile.mkdtemp(dir=cache))).read()
out["gated"] = api.model_info(repo_id).gated
out["other_info"] = other.model_info(repo_id).id
out["owner_download"] = download(${JSON.stringify(TOKEN)})
out["other_download"] = outcome(lambda: download(${JSON.stringify(OTHER)}))
out["anon_download"] = outcome(lambda: download(False))
out["owner_auth_check"] = outcome(lambda: api.auth_check(repo_id))
out["other_auth_check"] = outcome(lambda: other.auth_check(repo_id))
out["other_auth_check_write"] = outcome(lambda: other.auth_check(repo_id, write=True))
out["missing_auth_check"] = outcome(lambda: api.auth_check(f"{user}/does-not-exist"))
out["empty_lists"] = [len(list(f(repo_id))) for f in (api.list_pending_access_requests, api.list_accepted_access_requests, api.list_rejected_access_requests)]
r = get_session().post(f"{endpoint}/{repo_id}/ask-access", headers=other._build_hf_headers())
hf_raise_for_status(r)
out["pending"] = [(x.username, x.status) for x in api.list_pending_access_requests(repo_id)]
out["other_lists"] = outcome(lambda: list(other.list_pending_access_requests(repo_id)))
out["download_pending"] = outcome(lambda: download(${JSON.stringify(OTHER)}))
api.accept_access_request(repo_id, "DVUser")
out["accepted"] = [(x.username, x.status, type(x.timestamp).__name__) for x in api.list_accepted_access_requests(repo_id)]
out["download_accepted"] = download(${JSON.stringify(OTHER)})
out["other_auth_check_accepted"] = outcome(lambda: other.auth_check(repo_id))
out["accept_twice"] = outcome(lambda: api.accept_access_request(repo_id, "DVUser"))
api.reject_access_request(repo_id, "DVUser", rejection_reason="not now")
out["rejected"] = [x.username for x in api.list_rejected_access_requests(repo_id)]
out["download_rejected"] = outcome(lambda: download(${JSON.stringify(OTHER)}))
api.cancel_access_request(repo_id, "DVUser")
out["pending_after_cancel"] = [x.username for x in api.list_pending_access_requests(repo_id)]
out["cancel_twice"] = outcome(lambda: api.cancel_access_request(repo_id, "DVUser"))
api.grant_access(repo_id, "DVUser")
out["granted"] = [x.username for x in api.list_accepted_access_requests(repo_id)]
out["grant_twice"] = outcome(lambda: api.grant_access(repo_id, "DVUser"))
out["grant_unknown"] = outcome(lambda: api.grant_access(repo_id, "nobody-at-all"))
open_id = api.create_repo(f"{user}/not-gated").repo_id
out["grant_not_gated"] = outcome(lambda: api.grant_access(open_id, "DVUser"))
`);
    expect(out.gated).toBe("manual");
    expect(out.other_info).toBe(`${USER}/gated`);
    expect(out.owner_download).toBe('{"a": 1}');
    expect(out.other_download).toMatch(/^GatedRepoError: 403 Client Error/);
    // The sentence huggingface_hub's own test_download_from_a_gated_repo_with_hf_hub_download matches.
    expect(out.other_download).toMatch(
      /Access to model __DUMMY_HUB_USER__\/gated is restricted and you are not in the authorized list/,
    );
    expect(out.anon_download).toMatch(/^GatedRepoError: 401 Client Error/);
    expect(out.owner_auth_check).toBe("ok");
    expect(out.other_auth_check).toMatch(/^GatedRepoError: /);
    expect(out.other_auth_check_write).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);
    expect(out.missing_auth_check).toMatch(/^RepositoryNotFoundError: /);
    expect(out.empty_lists).toEqual([0, 0, 0]);
    expect(out.pending).toEqual([["DVUser", "pending"]]);
    expect(out.other_lists).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);
    expect(out.download_pending).toMatch(/^GatedRepoError: /);
    expect(out.accepted).toEqual([["DVUser", "accepted", "datetime"]]);
    expect(out.download_accepted).toBe('{"a": 1}');
    expect(out.other_auth_check_accepted).toBe("ok");
    expect(out.accept_twice).toMatch(/^BadRequestError: .*Bad request:\n/s);
    expect(out.rejected).toEqual(["DVUser"]);
    expect(out.download_rejected).toMatch(/^GatedRepoError: /);
    expect(out.pending_after_cancel).toEqual(["DVUser"]);
    expect(out.cancel_twice).toMatch(/^BadRequestError: .*Bad request:\n/s);
    expect(out.granted).toEqual(["DVUser"]);
    expect(out.grant_twice).toMatch(/^BadRequestError: .*Bad request:\n/s);
    expect(out.grant_unknown).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.grant_not_gated).toMatch(/^BadRequestError: .*is not a gated repo/s);
  });

  it("collections: create (exists_ok), items, positions, notes, privacy, rename, list, delete", async () => {
    const out = await py(`
model_id = api.create_repo(f"{user}/col-model").repo_id
dataset_id = api.create_repo(f"{user}/col-data", repo_type="dataset").repo_id
c = api.create_collection("My cool stuff", description="Things")
out["slug"] = c.slug
out["description"] = c.description
out["url"] = c.url
out["same"] = api.create_collection("My cool stuff", exists_ok=True).slug == c.slug
out["dup"] = outcome(lambda: api.create_collection("My cool stuff"))
priv = api.create_collection("Private stuff", private=True)
out["other_private"] = outcome(lambda: other.get_collection(priv.slug))
api.add_collection_item(c.slug, model_id, "model", note="This is my model")
api.add_collection_item(c.slug, dataset_id, "dataset")
api.add_collection_item(c.slug, priv.slug, "collection")
out["add_dup"] = outcome(lambda: api.add_collection_item(c.slug, model_id, "model"))
out["add_dup_ok"] = outcome(lambda: api.add_collection_item(c.slug, model_id, "model", exists_ok=True))
out["add_missing"] = outcome(lambda: api.add_collection_item(c.slug, model_id, "dataset"))
out["other_add"] = outcome(lambda: other.add_collection_item(c.slug, dataset_id, "dataset"))
col = api.get_collection(c.slug)
out["items"] = [[i.item_id, i.item_type, i.note, i.position] for i in col.items]
api.update_collection_item(c.slug, col.items[0].item_object_id, note="New note", position=1)
col = api.get_collection(c.slug)
out["items_moved"] = [[i.item_id, i.note] for i in col.items]
api.delete_collection_item(c.slug, col.items[1].item_object_id)
out["delete_item_again"] = outcome(lambda: api.delete_collection_item(c.slug, col.items[1].item_object_id))
out["delete_item_missing_ok"] = outcome(lambda: api.delete_collection_item(c.slug, col.items[1].item_object_id, missing_ok=True))
out["items_left"] = [i.item_id for i in api.get_collection(c.slug).items]
renamed = api.update_collection_metadata(c.slug, title="Renamed stuff", private=True, theme="green")
out["renamed"] = [renamed.slug.split("/")[1].rsplit("-", 1)[0], renamed.title, renamed.private, renamed.theme]
out["same_id"] = renamed.slug.split("-")[-1] == c.slug.split("-")[-1]
out["old_slug"] = api.get_collection(c.slug).slug == renamed.slug
out["listed"] = sorted(x.title for x in api.list_collections(owner=user))
out["listed_by_item"] = [x.title for x in api.list_collections(item=f"datasets/{dataset_id}")]
out["listed_by_other"] = [x.title for x in other.list_collections(owner=user)]
api.delete_collection(c.slug)
out["get_deleted"] = outcome(lambda: api.get_collection(c.slug))
out["delete_again"] = outcome(lambda: api.delete_collection(c.slug))
out["delete_missing_ok"] = outcome(lambda: api.delete_collection(c.slug, missing_ok=True))
`);
    expect(out.slug).toMatch(/^__DUMMY_HUB_USER__\/my-cool-stuff-[0-9a-f]{24}$/);
    expect(out.description).toBe("Things");
    expect(out.url).toBe(`${fixture.server.url}/collections/${out.slug}`);
    expect(out.same).toBe(true);
    expect(out.dup).toMatch(/^HfHubHTTPError: Client error '409 Conflict'/);
    expect(out.other_private).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.add_dup).toMatch(/^HfHubHTTPError: Client error '409 Conflict'/);
    expect(out.add_dup_ok).toBe("ok");
    expect(out.add_missing).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.other_add).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);
    expect(out.items).toEqual([
      [`${USER}/col-model`, "model", "This is my model", 0],
      [`${USER}/col-data`, "dataset", null, 1],
      [expect.stringMatching(/^__DUMMY_HUB_USER__\/private-stuff-[0-9a-f]{24}$/), "collection", null, 2],
    ]);
    expect(out.items_moved).toEqual([
      [`${USER}/col-data`, null],
      [`${USER}/col-model`, "New note"],
      [expect.stringMatching(/private-stuff/), null],
    ]);
    expect(out.delete_item_again).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.delete_item_missing_ok).toBe("ok");
    expect(out.items_left).toEqual([`${USER}/col-data`, expect.stringMatching(/private-stuff/)]);
    expect(out.renamed).toEqual(["renamed-stuff", "Renamed stuff", true, "green"]);
    expect(out.same_id).toBe(true);
    expect(out.old_slug).toBe(true);
    expect(out.listed).toEqual(["Private stuff", "Renamed stuff"]);
    expect(out.listed_by_item).toEqual(["Renamed stuff"]);
    expect(out.listed_by_other).toEqual([]);
    expect(out.get_deleted).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.delete_again).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.delete_missing_ok).toBe("ok");
  });

  it("likes, LFS files, organizations, webhooks and comment edit/hide", async () => {
    const out = await py(`
model_id = api.create_repo(f"{user}/liked").repo_id
like = lambda client: hf_raise_for_status(get_session().post(f"{endpoint}/api/models/{model_id}/like", headers=client._build_hf_headers()))
like(other)
like(api)
like(api)
out["likers"] = sorted(u.username for u in api.list_repo_likers(model_id))
out["likes"] = api.model_info(model_id).likes
out["other_likes"] = other.list_liked_repos("DVUser").models
other.unlike(model_id)
out["likers_after"] = [u.username for u in api.list_repo_likers(model_id)]
out["other_likes_after"] = other.list_liked_repos().models
out["anon_like"] = outcome(lambda: like(anon))

lfs_id = api.create_repo(f"{user}/lfs-files").repo_id
api.upload_file(path_or_fileobj=b"a" * 2000, path_in_repo="a.bin", repo_id=lfs_id)
api.upload_file(path_or_fileobj=b"b" * 3000, path_in_repo="ckpt/b.bin", repo_id=lfs_id)
api.create_tag(lfs_id, tag="with-ckpt")
api.upload_file(path_or_fileobj=b"c" * 1000, path_in_repo="c.bin", repo_id=lfs_id)
api.upload_file(path_or_fileobj=b"d" * 1000, path_in_repo="d.bin", repo_id=lfs_id)
files = list(api.list_lfs_files(lfs_id))
first_commit = api.list_repo_commits(lfs_id)[-1].commit_id
out["lfs"] = sorted([f.filename, f.size, f.ref, len(f.file_oid), type(f.pushed_at).__name__] for f in files)
out["other_lfs"] = outcome(lambda: list(other.list_lfs_files(lfs_id)))
api.permanently_delete_lfs_files(lfs_id, [f for f in files if f.filename.startswith("ckpt/")])
out["lfs_after"] = [f.filename for f in api.list_lfs_files(lfs_id)]
# rewrite_history (the default): the file leaves every ref's history, as on the Hub
out["main_after"] = sorted(api.list_repo_files(lfs_id))
out["tag_after"] = sorted(api.list_repo_files(lfs_id, revision="with-ckpt"))
history = api.list_repo_commits(lfs_id)
out["history_after"] = [c.title for c in history]
out["history_files"] = [sorted(api.list_repo_files(lfs_id, revision=c.commit_id)) for c in history]
out["first_kept"] = history[-1].commit_id == first_commit
# without it, the pointer stays (only the object is gone)
api.permanently_delete_lfs_files(lfs_id, [f for f in files if f.filename == "d.bin"], rewrite_history=False)
out["kept_pointer"] = "d.bin" in api.list_repo_files(lfs_id)
out["download_deleted"] = outcome(lambda: hf_hub_download(lfs_id, "ckpt/b.bin", token=${JSON.stringify(TOKEN)}, cache_dir=cache))
out["download_kept"] = len(open(hf_hub_download(lfs_id, "a.bin", token=${JSON.stringify(TOKEN)}, cache_dir=cache), "rb").read())

out["members"] = [u.username for u in api.list_organization_members("${ORG}")]
out["org_users"] = api.get_organization_overview("${ORG}").num_users
out["org_missing"] = outcome(lambda: list(api.list_organization_members("no-such-org")))
out["orgs"] = [o["name"] for o in api.whoami()["orgs"]]
out["org_repo"] = api.create_repo("${ORG}/org-model").repo_id
out["other_org_repo"] = outcome(lambda: other.create_repo("${ORG}/not-mine"))

wh = api.create_webhook(url="https://example.invalid/hook", watched=[{"type": "user", "name": user}], domains=["repo"], secret="s3")
out["wh"] = [wh.url, wh.domains, wh.disabled, wh.secret, [[w.type, w.name] for w in wh.watched]]
out["wh_list"] = [w.id for w in api.list_webhooks()] == [wh.id]
out["wh_other_list"] = len(other.list_webhooks())
out["wh_other_get"] = outcome(lambda: other.get_webhook(wh.id))
u = api.update_webhook(wh.id, url="https://example.invalid/2", watched=[{"type": "model", "name": model_id}], domains=["repo", "discussion"])
out["wh_updated"] = [u.url, u.domains, [[w.type, w.name] for w in u.watched]]
out["wh_disable"] = api.disable_webhook(wh.id).disabled
out["wh_get_disabled"] = api.get_webhook(wh.id).disabled
out["wh_enable"] = api.enable_webhook(wh.id).disabled
out["wh_bad"] = outcome(lambda: api.create_webhook(url="not a url", watched=[{"type": "user", "name": user}]))
api.delete_webhook(wh.id)
out["wh_deleted"] = outcome(lambda: api.get_webhook(wh.id))

d = api.create_discussion(model_id, title="Question", description="first")
c = other.comment_discussion(model_id, d.num, "hello")
e = other.edit_discussion_comment(model_id, d.num, c.id, "hello, edited")
out["edited"] = [e.content, e.edited, e.hidden]
out["owner_edit"] = outcome(lambda: api.edit_discussion_comment(model_id, d.num, c.id, "not mine"))
h = api.hide_discussion_comment(model_id, d.num, c.id)
out["hidden"] = [h.hidden, h.content]
out["comments"] = [[ev.content, ev.edited, ev.hidden] for ev in api.get_discussion_details(model_id, d.num).events if ev.type == "comment"]
out["edit_missing"] = outcome(lambda: api.edit_discussion_comment(model_id, d.num, "0" * 24, "x"))
`);
    expect(out.likers).toEqual(["DVUser", USER]);
    expect(out.likes).toBe(2);
    expect(out.other_likes).toEqual([`${USER}/liked`]);
    expect(out.likers_after).toEqual([USER]);
    expect(out.other_likes_after).toEqual([]);
    expect(out.anon_like).toMatch(/^HfHubHTTPError: Client error '401 Unauthorized'/);

    expect(out.lfs).toEqual([
      ["a.bin", 2000, "refs/heads/main", 64, "datetime"],
      ["c.bin", 1000, "refs/heads/main", 64, "datetime"],
      ["ckpt/b.bin", 3000, "refs/heads/main", 64, "datetime"],
      ["d.bin", 1000, "refs/heads/main", 64, "datetime"],
    ]);
    expect(out.other_lfs).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);
    expect(out.lfs_after).toEqual(["a.bin", "c.bin", "d.bin"]);
    expect(out.main_after).toEqual([".gitattributes", "a.bin", "c.bin", "d.bin"]);
    expect(out.tag_after).toEqual([".gitattributes", "a.bin"]);
    expect(out.history_after).toEqual([
      "Upload d.bin with huggingface_hub",
      "Upload c.bin with huggingface_hub",
      "Upload ckpt/b.bin with huggingface_hub",
      "Upload a.bin with huggingface_hub",
      "initial commit",
    ]);
    expect(out.history_files).not.toContainEqual(expect.arrayContaining(["ckpt/b.bin"]));
    expect(out.first_kept).toBe(true);
    expect(out.kept_pointer).toBe(true);
    expect(out.download_deleted).toMatch(/EntryNotFoundError: /);
    expect(out.download_kept).toBe(2000);

    expect(out.members).toEqual([USER]);
    expect(out.org_users).toBe(1);
    expect(out.org_missing).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.orgs).toEqual([ORG]);
    expect(out.org_repo).toBe(`${ORG}/org-model`);
    expect(out.other_org_repo).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);

    expect(out.wh).toEqual(["https://example.invalid/hook", ["repo"], false, "s3", [["user", USER]]]);
    expect(out.wh_list).toBe(true);
    expect(out.wh_other_list).toBe(0);
    expect(out.wh_other_get).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
    expect(out.wh_updated).toEqual([
      "https://example.invalid/2",
      ["repo", "discussion"],
      [["model", `${USER}/liked`]],
    ]);
    expect([out.wh_disable, out.wh_get_disabled, out.wh_enable]).toEqual([true, true, false]);
    expect(out.wh_bad).toMatch(/^BadRequestError: .*Invalid webhook: url: /s);
    expect(out.wh_deleted).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);

    expect(out.edited).toEqual(["hello, edited", true, false]);
    expect(out.owner_edit).toMatch(/^HfHubHTTPError: .*403 Forbidden: /s);
    expect(out.hidden).toEqual([true, "hello, edited"]);
    expect(out.comments).toEqual([
      ["first", false, false],
      ["hello, edited", true, true],
    ]);
    expect(out.edit_missing).toMatch(/^HfHubHTTPError: Client error '404 Not Found'/);
  });
});
