# The recipe "Share the download cache with Python": read, without any request, the file hfkit
# downloaded. HF_HUB_CACHE (or HF_HOME) must be the same for both.
from huggingface_hub import hf_hub_download, scan_cache_dir

path = hf_hub_download("openai-community/gpt2", "config.json", local_files_only=True)
print(path)

for repo in scan_cache_dir().repos:
    print(repo.repo_id, repo.size_on_disk, "bytes")
