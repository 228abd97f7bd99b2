# One operation by Python huggingface_hub (or datasets), in its own process so that its peak
# memory is its own: the Python twin of client-once.mjs. Prints {"seconds", "cpuSeconds",
# "maxRssMB"}; the times cover the library call only (imports happen before the clock starts).
# Usage: python py_once.py <op> <path> <repo>, with HF_ENDPOINT, HF_TOKEN and HF_HOME set
# (HF_HUB_DISABLE_XET=1 for LFS). op: file, folder, download-file, snapshot, list, push.
import json
import os
import resource
import sys
import time

from huggingface_hub import HfApi, hf_hub_download, snapshot_download

op, path, repo = sys.argv[1:4]
api = HfApi()
extra = {}
if os.environ.get("HFKIT_BENCH_PHASES") == "1":
    # The twin of client-once.mjs's request log: [method, URL, start, end] in ms from the clock's start.
    import httpx

    extra["requests"] = []
    send = httpx.Client.send

    def timed_send(self, request, *args, **kwargs):
        began = (time.perf_counter() - start) * 1000
        response = send(self, request, *args, **kwargs)
        extra["requests"].append([request.method, str(request.url), began, (time.perf_counter() - start) * 1000])
        return response

    httpx.Client.send = timed_send
if op == "push":
    import datasets

    datasets.disable_progress_bars()
start = time.perf_counter()
cpu_start = time.process_time()
if op == "file":
    api.upload_file(path_or_fileobj=path, path_in_repo=path.rsplit("/", 1)[-1], repo_id=repo)
elif op == "folder":
    api.upload_folder(folder_path=path, repo_id=repo)
elif op == "download-file":
    hf_hub_download(repo_id=repo, filename=path)
elif op == "snapshot":
    snapshot_download(repo_id=repo)
elif op == "list":
    extra["files"] = sum(
        1 for e in api.list_repo_tree(repo_id=repo, recursive=True) if e.__class__.__name__ == "RepoFile"
    )
elif op == "push":
    ds = datasets.load_dataset("json", data_files=path, split="train")
    ds.push_to_hub(repo)
else:
    raise SystemExit(f"unknown op {op}")
seconds = time.perf_counter() - start
extra["cpuSeconds"] = time.process_time() - cpu_start
print(json.dumps({"seconds": seconds, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
