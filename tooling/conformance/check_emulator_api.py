"""Drives huggingface_hub's HfApi against the emulator; prints one JSON result per step.

Reads {"endpoint", "token", "cache_dir"} on stdin. Each step records ok/error, so one
failure does not hide the others.
"""
import json
import os
import sys
import traceback

# Xet or not is the caller's choice: python-emulator.mjs runs this once in the default
# configuration (hf_xet uploads and downloads through the emulator's CAS) and once with
# HF_HUB_DISABLE_XET=1 against an emulator started with xet: false (the LFS protocol).

from huggingface_hub import CommitOperationAdd, HfApi, hf_hub_download, snapshot_download  # noqa: E402

job = json.load(sys.stdin)
api = HfApi(endpoint=job["endpoint"], token=job["token"])
# Downloads take the endpoint per call (HfApi only configures its own methods).
hub = {"endpoint": job["endpoint"], "token": job["token"], "cache_dir": job["cache_dir"]}
repo = "local/py-api"
results = []


def step(name):
    def wrap(fn):
        try:
            detail = fn()
            results.append({"name": name, "ok": True, "detail": detail})
        except Exception as error:  # report and continue
            results.append({"name": name, "ok": False, "detail": "".join(traceback.format_exception_only(error)).strip()})
        return fn

    return wrap


small = b"hello from python\n"
big = os.urandom(40 * 1024 * 1024)  # over the emulator's multipart threshold


@step("whoami")
def _():
    return api.whoami()["name"]


@step("create_repo (dataset), then exist_ok")
def _():
    api.create_repo(repo, repo_type="dataset")
    return str(api.create_repo(repo, repo_type="dataset", exist_ok=True))


@step("upload_file: README.md (validate-yaml, regular)")
def _():
    api.upload_file(path_or_fileobj=b"---\nlicense: mit\n---\n# Card\n", path_in_repo="README.md", repo_id=repo, repo_type="dataset")
    return api.upload_file(path_or_fileobj=small, path_in_repo="notes/a b.txt", repo_id=repo, repo_type="dataset").oid


@step("upload_file: 40 MiB (Xet, or LFS multipart when Xet is off)")
def _():
    return api.upload_file(path_or_fileobj=big, path_in_repo="data/big.bin", repo_id=repo, repo_type="dataset").oid


@step("list_repo_files / list_repo_tree / get_paths_info")
def _():
    files = api.list_repo_files(repo, repo_type="dataset")
    assert files == [".gitattributes", "README.md", "data/big.bin", "notes/a b.txt"], files
    tree = [x.path for x in api.list_repo_tree(repo, repo_type="dataset", path_in_repo="data", recursive=True)]
    assert tree == ["data/big.bin"], tree
    (info,) = api.get_paths_info(repo, ["data/big.bin", "missing"], repo_type="dataset")
    assert info.lfs is not None and info.lfs.size == len(big), info
    return files


@step("hf_hub_download: regular and LFS files, bytes identical")
def _():
    a = hf_hub_download(repo, "notes/a b.txt", repo_type="dataset", **hub)
    b = hf_hub_download(repo, "data/big.bin", repo_type="dataset", **hub)
    assert open(a, "rb").read() == small
    assert open(b, "rb").read() == big
    return os.path.relpath(b, job["cache_dir"])


@step("snapshot_download")
def _():
    folder = snapshot_download(repo, repo_type="dataset", **hub)
    return sorted(os.listdir(folder))


@step("create_branch / create_tag / list_repo_refs")
def _():
    api.create_branch(repo, branch="dev", repo_type="dataset")
    api.create_tag(repo, tag="v1.0", tag_message="first release", repo_type="dataset")
    refs = api.list_repo_refs(repo, repo_type="dataset")
    assert sorted(b.name for b in refs.branches) == ["dev", "main"], refs.branches
    assert [t.name for t in refs.tags] == ["v1.0"]
    return [b.name for b in refs.branches]


@step("create_commit with create_pr=True, then download from refs/pr/1")
def _():
    info = api.create_commit(repo, operations=[CommitOperationAdd("pr.txt", b"pr")], commit_message="Propose", repo_type="dataset", create_pr=True)
    assert info.pr_revision == "refs/pr/1", info.pr_revision
    path = hf_hub_download(repo, "pr.txt", repo_type="dataset", revision="refs/pr/1", **hub)
    assert open(path, "rb").read() == b"pr"
    return info.pr_url


@step("get_repo_discussions / comment / merge_pull_request")
def _():
    discussions = list(api.get_repo_discussions(repo, repo_type="dataset"))
    assert [d.num for d in discussions] == [1]
    api.comment_discussion(repo, 1, "Looks good", repo_type="dataset")
    api.merge_pull_request(repo, 1, repo_type="dataset")
    return api.get_discussion_details(repo, 1, repo_type="dataset").status


@step("create_commit with a stale parent_commit fails with 412 and commits nothing")
def _():
    first = api.list_repo_commits(repo, repo_type="dataset")[-1].commit_id
    before = len(api.list_repo_commits(repo, repo_type="dataset"))
    try:
        api.create_commit(repo, operations=[CommitOperationAdd("x.txt", b"x")], commit_message="stale", repo_type="dataset", parent_commit=first)
    except Exception as error:
        assert "412" in str(error), error
    else:
        raise AssertionError("the stale commit was accepted")
    assert len(api.list_repo_commits(repo, repo_type="dataset")) == before
    return before


@step("delete_file / update_repo_settings / repo_info / super_squash_history")
def _():
    api.delete_file("notes/a b.txt", repo, repo_type="dataset")
    api.update_repo_settings(repo, repo_type="dataset", private=True)
    assert api.repo_info(repo, repo_type="dataset").private is True
    api.super_squash_history(repo, repo_type="dataset")
    return len(api.list_repo_commits(repo, repo_type="dataset"))


@step("move_repo / delete_repo")
def _():
    api.move_repo(repo, f"{repo}-moved", repo_type="dataset")
    assert api.repo_exists(f"{repo}-moved", repo_type="dataset")
    api.delete_repo(f"{repo}-moved", repo_type="dataset")
    return api.repo_exists(f"{repo}-moved", repo_type="dataset")


json.dump(results, sys.stdout)
